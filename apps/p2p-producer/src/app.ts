import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppMigrations, type Database, migrateApp, openDatabase, startOutboxRelay } from '@flexgrid/platform-db';
import { type Bus, connectBus, type KafkaSecurity } from '@flexgrid/platform-kafka';
import { cors, mapError, registrationRoutes, Registrations, serviceInfo, unknownRoute } from '@flexgrid/p2p-service';
import { createService, type LogLevel } from '@flexgrid/platform-service';
import { type ProducerConfig } from './config';
import { AggregationRuns } from './domain/aggregation-runs';
import { JournaledProducer } from './domain/journaled-producer';
import { ReadingIntake } from './domain/readings';
import { SOURCE_TOPIC, sourcePolicy } from './domain/sources';
import { operatorRoutes } from './http/operator';
import { readingRoutes } from './http/readings';
import { producerStateStore } from './store/producer-state';

export const SERVICE_NAME = 'p2p-producer';

/** What the start and `main.js migrate` apply. */
export const producerMigrations: AppMigrations = {
  app: SERVICE_NAME,
  directory: join(__dirname, '../migrations'),
  outbox: true,
};

export interface StartProducerOptions {
  config: ProducerConfig;
  /** A bus to share (the dev host's); else one on `kafkaBrokers`, else an in-process bus. */
  bus?: Bus;
  kafkaBrokers?: string[];
  /** TLS and SASL for `kafkaBrokers` (kafkaSecurityOf of the KAFKA_SSL and KAFKA_SASL_* settings). */
  kafkaSecurity?: KafkaSecurity;
  topicPrefix?: string;
  kafkaSessionTimeoutMs?: number;
  /** A database to share (the dev host's); else one on `databaseUrl`, else an embedded PGlite. */
  database?: Database;
  databaseUrl?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logLevel?: LogLevel;
  httpBodyLimitBytes?: number;
  /** The clock; tests pass their own. */
  now?: () => number;
  /** false: no timer starts runs (tests start them through the operator API). */
  autoRun?: boolean;
  handleSignals?: boolean;
}

export interface RunningProducer {
  url: string;
  /** Shuts down as on SIGTERM; rejects unless the shutdown completed. */
  stop(): Promise<void>;
}

const packageJson = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Composes the producer (config → adapters → handlers), as main.ts and the dev host do. */
export async function startProducer(options: StartProducerOptions): Promise<RunningProducer> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const service = createService({
    name: SERVICE_NAME,
    mapError,
    handleSignals: options.handleSignals ?? false,
    config: {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      logLevel: options.logLevel ?? 'info',
      // The platform parses JSON up to the largest route's limit; each route checks its own (P2P-H2).
      httpBodyLimitBytes: Math.max(
        options.httpBodyLimitBytes ?? 0,
        config.registrationMaxBytes,
        config.readingsMaxBytes,
      ),
    },
  });
  const logger = service.logger;
  const ownDatabase = options.database === undefined;
  const database =
    options.database ?? (await openDatabase({ url: options.databaseUrl, applicationName: SERVICE_NAME }));
  await migrateApp(database.pool, producerMigrations);
  const { bus, owned: ownBus } = await connectBus({
    bus: options.bus,
    kafkaBrokers: options.kafkaBrokers,
    kafkaSecurity: options.kafkaSecurity,
    topicPrefix: options.topicPrefix,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    clientId: SERVICE_NAME,
    logger: logger.child({ module: 'bus' }),
    metrics: service.metrics,
  });

  const state = await producerStateStore.open(database.pool, { epoch: now(), intervalMs: config.rules.intervalMs });
  const relay = startOutboxRelay(database, bus, {
    name: SERVICE_NAME,
    logger: logger.child({ module: 'outbox' }),
    metrics: service.metrics,
  });
  const published = () => relay.wake();

  const journaled = new JournaledProducer(database.pool, {
    config: config.rules,
    producerId: config.producerId,
    epoch: state.epoch,
  });
  const registrations = new Registrations({
    pool: database.pool,
    policy: sourcePolicy(journaled),
    helloWaitMs: config.helloWaitMs,
    registrationRequiresOperator: config.registrationRequiresOperator,
    now,
    published,
  });
  const intake = new ReadingIntake({
    journaled,
    producerId: config.producerId,
    wireBounds: config.rules.wireBounds,
    maxBatch: config.maxBatch,
    logger: logger.child({ module: 'readings' }),
    metrics: service.metrics,
    now,
  });
  const runLogger = logger.child({ module: 'aggregation' });
  const runs = new AggregationRuns({
    journaled,
    producerId: config.producerId,
    offer: { producerPricePerMWh: config.rules.producerPricePerMWh, paymentIdOrAddress: config.paymentIdOrAddress },
    sideKey: config.sideKey,
    now,
    published,
  });
  await runs.openStream();

  const app = service.app;
  app.use(cors(config.corsOrigins));
  app.get('/', serviceInfo(packageJson.name, packageJson.version));
  app.use(
    registrationRoutes(registrations, { maxBytes: config.registrationMaxBytes, operatorToken: config.operatorToken }),
  );
  app.use(readingRoutes(intake, { maxBytes: config.readingsMaxBytes }));
  app.use(
    operatorRoutes({ pool: database.pool, token: config.operatorToken, rules: config.rules, runs, journaled, now }),
  );
  app.use(unknownRoute);

  const readings = await bus.subscribe({
    group: `${SERVICE_NAME}.${config.producerId}.readings`,
    topics: [SOURCE_TOPIC, 'p2p.payments'],
    fromBeginning: true,
    batch: { maxRecords: 2_000, maxWaitMs: 50 },
    handleBatch: (events) => intake.handleBatch(events),
  });

  // Runs start on a timer (P2P-AG6); the operator may start one too (§14.1).
  const timer =
    options.autoRun === false
      ? undefined
      : setInterval(() => {
          runs.run().then(
            (summary) => {
              if (summary.published + summary.revised > 0) runLogger.info(summary, 'aggregation run');
            },
            (error: unknown) => runLogger.error({ err: error }, 'aggregation run failed'),
          );
        }, config.rules.aggregateEveryMs);

  service.addReadinessCheck('kafka', () => bus.ping());
  service.addReadinessCheck('postgres', () => database.ping());
  service.onShutdown('runs', () => clearInterval(timer));
  service.onShutdown('consumers', () => readings.stop());
  service.onShutdown('outbox', () => relay.stop());
  if (ownBus) service.onShutdown('bus', () => bus.stop());
  if (ownDatabase) service.onShutdown('postgres', () => database.close());
  const { url } = await service.listen();
  logger.info(
    { url, producerId: config.producerId, profile: config.rules.profile, database: database.description },
    'producer started',
  );
  return {
    url,
    stop: async () => {
      const outcome = await service.shutdown('stopped');
      if (outcome !== 'completed') throw new Error(`${SERVICE_NAME} did not stop cleanly: ${outcome}`);
    },
  };
}
