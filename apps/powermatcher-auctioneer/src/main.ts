import { isMigrateCommand, migrateAndExit } from '@flexgrid/platform-db';
import { kafkaSecurityOf } from '@flexgrid/platform-kafka';
import { exitOnConfigError, loadConfigOrExit } from '@flexgrid/platform-service';
import { isPowerMatcherError } from '@flexgrid/protocol-powermatcher';
import { auctioneerMigrations, checkClusterConfiguration, startPowerMatcherAuctioneer } from './app';
import { auctioneerEnv, auctioneerSettings, SettingsError } from './config';

if (isMigrateCommand()) migrateAndExit(auctioneerMigrations);
else start();

// Composition root: read the configuration, then start; a bad value stops the start with its message.
function start(): void {
  const config = loadConfigOrExit(auctioneerEnv);
  let settings;
  try {
    settings = auctioneerSettings(config);
    checkClusterConfiguration(settings);
  } catch (error) {
    if (!(error instanceof SettingsError) && !isPowerMatcherError(error)) throw error;
    process.stderr.write(`Invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
  startPowerMatcherAuctioneer({
    settings,
    databaseUrl: config.databaseUrl,
    kafkaBrokers: config.kafkaBrokers,
    kafkaSecurity: exitOnConfigError(() => kafkaSecurityOf(config)),
    topicPrefix: config.kafkaTopicPrefix,
    host: config.host,
    port: config.port,
    logLevel: config.logLevel,
    handleSignals: true,
  }).catch((error: unknown) => {
    process.stderr.write(`powermatcher-auctioneer did not start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
