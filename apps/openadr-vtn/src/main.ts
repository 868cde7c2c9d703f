/** The VTN's composition root: read the configuration (§13), start, stop on SIGTERM. */
import { isMigrateCommand, migrateAndExit } from '@flexgrid/platform-db';
import { kafkaSecurityOf } from '@flexgrid/platform-kafka';
import { exitOnConfigError, loadConfigOrExit } from '@flexgrid/platform-service';
import { configProblems, vtnEnv } from './config';
import { startOpenadrVtn, vtnMigrations } from './app';

if (isMigrateCommand()) migrateAndExit(vtnMigrations);
else start();

function start(): void {
  const config = loadConfigOrExit(vtnEnv);
  const problems = configProblems(config);
  if (problems.length > 0) {
    process.stderr.write(`openadr-vtn: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const kafkaSecurity = exitOnConfigError(() => kafkaSecurityOf(config));
  startOpenadrVtn({ ...config, kafkaSecurity, handleSignals: true }).catch((error: unknown) => {
    process.stderr.write(`openadr-vtn: could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
