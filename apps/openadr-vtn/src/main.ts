/** The VTN's composition root: read the configuration (§13), start, stop on SIGTERM. */
import { loadConfigOrExit } from '@flexgrid/platform-service';
import { configProblems, vtnEnv } from './config';
import { startOpenadrVtn } from './app';

const config = loadConfigOrExit(vtnEnv);
const problems = configProblems(config);
if (problems.length > 0) {
  process.stderr.write(`openadr-vtn: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
startOpenadrVtn({ ...config, handleSignals: true }).catch((error: unknown) => {
  process.stderr.write(`openadr-vtn: could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
