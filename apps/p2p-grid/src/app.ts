import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  type Database,
  loadMigrations,
  migrate,
  openDatabase,
  startOutboxRelay,
  outboxMigrations,
} from '@flexgrid/platform-db';
import { type Bus, EmbeddedBus, KafkaBus } from '@flexgrid/platform-kafka';
import { createService, type Logger, type LogLevel } from '@flexgrid/platform-service';
import { verificationKey } from '@flexgrid/protocol-p2p';
import { type GridConfig } from './config';
import { Registrations } from './domain/registrations';
import { Statements } from './domain/statements';
import { Storage } from './domain/storage';
import { JournaledGrid } from './domain/journaled-grid';
import { SettlementRuns } from './domain/settlement-runs';
import { StreamIntake } from './domain/streams';
import { answerError, mapError } from './errors';
import { cors, serviceInfo, unknownRoute } from './http/conventions';
import { registrationRoutes } from './http/registration';
import { operatorRoutes } from './http/operator';
import { JournalWatch, operatorPageRoutes } from './http/operator-page';
import { storageRoutes } from './http/storage';
import { STREAM_TOPICS } from './store/channels';
import { gridStateStore } from './store/grid-state';

export const SERVICE_NAME = 'p2p-grid';

export interface StartGridOptions {
  config: GridConfig;
  /** A bus to share (the dev host's); else one on `kafkaBrokers`, else an in-process bus. */
  bus?: Bus;
  kafkaBrokers?: string[];
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
  /** The clock; tests and the PoC chain pass their own. */
  now?: () => number;
  /** false: no timer starts runs (tests start them through the operator API). */
  autoRun?: boolean;
  handleSignals?: boolean;
}

/**
 * One instance works at a time: the settlement domain lives in its memory. A standby replica waits here on a
 * session advisory lock and takes over when the active one's connection ends (a crash included).
 */
async function holdLeadership(database: Database, gridId: string, logger: Logger): Promise<() => void> {
  const client = await database.pool.connect();
  const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
    `p2p-grid:${gridId}`,
  ]);
  if (!rows[0].ok) {
    logger.info('another instance of this grid is active; standing by');
    await client.query('select pg_advisory_lock(hashtext($1))', [`p2p-grid:${gridId}`]);
  }
  client.on('error', () => undefined);
  // Held until shutdown; a crash ends the connection and so the lock.
  return () => client.release(true);
}

export interface RunningGrid {
  url: string;
  /** Shuts down as on SIGTERM; rejects unless the shutdown completed. */
  stop(): Promise<void>;
}

const packageJson = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Composes the grid (config → adapters → handlers), as main.ts and the dev host do. */
export async function startGrid(options: StartGridOptions): Promise<RunningGrid> {
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
        config.storageMaxItemBytes,
      ),
    },
  });
  const logger = service.logger;
  const ownDatabase = options.database === undefined;
  const database =
    options.database ?? (await openDatabase({ url: options.databaseUrl, applicationName: SERVICE_NAME }));
  await migrate(database.pool, 'platform', outboxMigrations);
  await migrate(database.pool, SERVICE_NAME, await loadMigrations(join(__dirname, '../migrations')));
  const ownBus = options.bus === undefined;
  let bus: Bus;
  if (options.bus) bus = options.bus;
  else if (options.kafkaBrokers && options.kafkaBrokers.length > 0) {
    const kafka = new KafkaBus({
      brokers: options.kafkaBrokers,
      clientId: SERVICE_NAME,
      topicPrefix: options.topicPrefix,
      ...(options.kafkaSessionTimeoutMs ? { sessionTimeoutMs: options.kafkaSessionTimeoutMs } : {}),
      logger: logger.child({ module: 'bus' }),
      metrics: service.metrics,
    });
    await kafka.connect();
    bus = kafka;
  } else
    bus = new EmbeddedBus({ source: SERVICE_NAME, logger: logger.child({ module: 'bus' }), metrics: service.metrics });

  const state = await gridStateStore.open(database.pool, {
    epoch: now(),
    intervalMs: config.rules.intervalMs,
    generatedSeed: config.signingKey === undefined ? randomBytes(32).toString('base64url') : null,
  });
  const seed = config.signingKey ?? state.signingSeed;
  if (seed === null) throw new Error('the grid signing key is missing (P2P_GRID_SIGNING_KEY).');
  if (config.signingKey === undefined)
    logger.warn('P2P_GRID_SIGNING_KEY is unset: using a key generated at first start, for development only (§16)');

  const relay = startOutboxRelay(database, bus, {
    name: SERVICE_NAME,
    logger: logger.child({ module: 'outbox' }),
    metrics: service.metrics,
  });
  const published = () => relay.wake();

  const releaseLeadership = database.embedded ? undefined : await holdLeadership(database, config.gridId, logger);
  const journaled = await JournaledGrid.open(database.pool, {
    config: config.rules,
    gridId: config.gridId,
    paymentIdOrAddress: config.paymentIdOrAddress,
    epoch: state.epoch,
  });
  const registrations = new Registrations({
    pool: database.pool,
    journaled,
    gridId: config.gridId,
    verificationKey: verificationKey(seed),
    helloWaitMs: config.helloWaitMs,
    registrationRequiresOperator: config.registrationRequiresOperator,
    now,
    published,
  });
  const storage = new Storage({
    pool: database.pool,
    allowUnsecured: config.rules.storageAllowUnsecured,
    readsNeedSideKey: config.storageReadsNeedSideKey,
    now,
  });
  const intake = new StreamIntake({
    journaled,
    gridId: config.gridId,
    wireBounds: config.rules.wireBounds,
    logger: logger.child({ module: 'streams' }),
    metrics: service.metrics,
    now,
  });
  const runLogger = logger.child({ module: 'settlement' });
  const runs = new SettlementRuns({
    journaled,
    gridId: config.gridId,
    now,
    published,
    timing: (timing) => runLogger.debug(timing, 'settlement run timing'),
  });

  const app = service.app;
  app.use(cors(config.corsOrigins));
  app.get('/', serviceInfo(packageJson.name, packageJson.version));
  app.use(
    registrationRoutes(registrations, { maxBytes: config.registrationMaxBytes, operatorToken: config.operatorToken }),
  );
  app.use(storageRoutes(storage, { maxItemBytes: config.storageMaxItemBytes }));
  const journalWatch = new JournalWatch(database.pool, 1000, logger.child({ module: 'operator-page' }));
  app.use(
    operatorPageRoutes({
      pool: database.pool,
      token: config.operatorToken,
      gridId: config.gridId,
      epoch: state.epoch,
      rules: config.rules,
      grid: () => journaled.current,
      watch: journalWatch,
      eventStream: (req, res) => service.eventStream(req, res),
    }),
  );
  app.use(
    operatorRoutes({
      pool: database.pool,
      token: config.operatorToken,
      rules: config.rules,
      runs,
      statements: new Statements({
        pool: database.pool,
        rules: config.rules,
        epoch: state.epoch,
        prefix: config.statementPrefix,
        grid: () => journaled.current,
      }),
      grid: () => journaled.current,
      now,
    }),
  );
  // §14.4: the operator page, under /ui/ (GET / stays the P2P-H4 answer above).
  service.serveUi(join(__dirname, '../dist/ui'));
  app.use(unknownRoute);
  app.use(answerError);

  const streams = await bus.subscribe({
    group: `${SERVICE_NAME}.${config.gridId}.streams`,
    topics: [STREAM_TOPICS.consumer, STREAM_TOPICS.producer, 'p2p.payments'],
    fromBeginning: true,
    batch: { maxRecords: 2_000, maxWaitMs: 50 },
    handleBatch: (events) => intake.handleBatch(events),
  });

  // Runs start on a timer (P2P-S10); the operator may start one too (§14.1).
  const timer =
    options.autoRun === false
      ? undefined
      : setInterval(() => {
          runs.run().then(
            (summary) => {
              if (summary.settled + summary.resettled + summary.adjusted + summary.finalised > 0)
                runLogger.info(summary, 'settlement run');
            },
            (error: unknown) => runLogger.error({ err: error }, 'settlement run failed'),
          );
        }, config.rules.settleEveryMs);

  service.addReadinessCheck('kafka', () => bus.ping());
  service.addReadinessCheck('postgres', () => database.ping());
  service.onShutdown('runs', () => clearInterval(timer));
  service.onShutdown('operator-page', () => journalWatch.stop());
  service.onShutdown('consumers', () => streams.stop());
  service.onShutdown('outbox', () => relay.stop());
  if (ownBus) service.onShutdown('bus', () => bus.stop());
  if (releaseLeadership) service.onShutdown('leadership', releaseLeadership);
  if (ownDatabase) service.onShutdown('postgres', () => database.close());
  const { url } = await service.listen();
  logger.info(
    { url, gridId: config.gridId, profile: config.rules.profile, database: database.description },
    'grid started',
  );
  return {
    url,
    stop: async () => {
      const outcome = await service.shutdown('stopped');
      if (outcome !== 'completed') throw new Error(`${SERVICE_NAME} did not stop cleanly: ${outcome}`);
    },
  };
}
