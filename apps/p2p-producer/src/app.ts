import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppMigrations, startOutboxRelay } from '@flexgrid/platform-db';
import {
  openP2pService,
  type P2pStartOptions,
  registrationRoutes,
  Registrations,
  type RunningP2pService,
  serviceInfo,
  unknownRoute,
} from '@flexgrid/p2p-service';
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

export interface StartProducerOptions extends P2pStartOptions {
  config: ProducerConfig;
  /** The clock; tests pass their own. */
  now?: () => number;
  /** false: no timer starts runs (tests start them through the operator API). */
  autoRun?: boolean;
}

export type RunningProducer = RunningP2pService;

const packageJson = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Composes the producer (config → adapters → handlers), as main.ts and the dev host do. */
export async function startProducer(options: StartProducerOptions): Promise<RunningProducer> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const { service, logger, database, bus, listen } = await openP2pService(SERVICE_NAME, options, {
    migrations: producerMigrations,
    bodyLimitBytes: Math.max(config.registrationMaxBytes, config.readingsMaxBytes),
    corsOrigins: config.corsOrigins,
  });

  const state = await producerStateStore.open(database.pool, { epoch: now(), intervalMs: config.rules.intervalMs });
  // One outbox per producer: its name is the relay's Kafka transactional id, which no two producers may share.
  const relay = startOutboxRelay(database, bus, {
    name: `${SERVICE_NAME}.${config.producerId}`,
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

  service.onShutdown('runs', () => clearInterval(timer));
  service.onShutdown('consumers', () => readings.stop());
  service.onShutdown('outbox', () => relay.stop());
  return listen('producer started', { producerId: config.producerId, profile: config.rules.profile });
}
