import { loadConfigOrExit } from '@flexgrid/platform-service';
import { startS2Analyzer } from './app';
import { analyzerEnv } from './config';

// Composition root: the configuration from the environment, then the analyzer (README.md "Configuration").
const { databaseUrl, kafkaBrokers, apiToken, ...config } = loadConfigOrExit(analyzerEnv);

startS2Analyzer({ ...config, databaseUrl, kafkaBrokers, apiToken, handleSignals: true }).catch((error: unknown) => {
  console.error('s2-analyzer failed to start:', error);
  process.exit(1);
});
