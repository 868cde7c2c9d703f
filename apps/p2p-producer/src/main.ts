import { ConfigError } from '@flexgrid/platform-service';
import { startProducer } from './app';
import { ProducerConfigError, readProducerConfig } from './config';

// Composition root: read the config, start, and let SIGTERM stop it (DESIGN.md "Service conventions").
async function main(): Promise<void> {
  let config: ReturnType<typeof readProducerConfig>;
  try {
    config = readProducerConfig();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ProducerConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { environment } = config;
  await startProducer({
    config,
    databaseUrl: environment.databaseUrl,
    kafkaBrokers: environment.kafkaBrokers,
    topicPrefix: environment.kafkaTopicPrefix,
    kafkaSessionTimeoutMs: environment.kafkaSessionTimeoutMs,
    host: environment.host,
    port: environment.port,
    logLevel: environment.logLevel,
    httpBodyLimitBytes: environment.httpBodyLimitBytes,
    handleSignals: true,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `p2p-producer failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
