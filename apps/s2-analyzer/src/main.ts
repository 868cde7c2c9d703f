import { isMigrateCommand, migrateAndExit } from '@flexgrid/platform-db';
import { kafkaSecurityOf } from '@flexgrid/platform-kafka';
import { exitOnConfigError, loadConfigOrExit } from '@flexgrid/platform-service';
import { analyzerMigrations, startS2Analyzer } from './app';
import { analyzerEnv } from './config';

if (isMigrateCommand()) migrateAndExit(analyzerMigrations);
else start();

// Composition root: the configuration from the environment, then the analyzer (README.md "Configuration").
function start(): void {
  const config = loadConfigOrExit(analyzerEnv);
  const kafkaSecurity = exitOnConfigError(() => kafkaSecurityOf(config));
  startS2Analyzer({ ...config, kafkaSecurity, handleSignals: true }).catch((error: unknown) => {
    console.error('s2-analyzer failed to start:', error);
    process.exit(1);
  });
}
