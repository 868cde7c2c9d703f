import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type AppMigrations, type Database, startOutboxRelay } from '@flexgrid/platform-db';
import { type Logger } from '@flexgrid/platform-service';
import {
  openP2pService,
  type P2pStartOptions,
  registrationRoutes,
  Registrations,
  type RunningP2pService,
  serviceInfo,
  unknownRoute,
} from '@flexgrid/p2p-service';
import { paymentRequestSigner, verificationKey } from '@flexgrid/protocol-p2p';
import { type GridConfig } from './config';
import { Statements } from './domain/statements';
import { Storage } from './domain/storage';
import { JournaledGrid } from './domain/journaled-grid';
import { paymentRequestSignatures } from './records';
import { SettlementRuns } from './domain/settlement-runs';
import { StreamIntake } from './domain/streams';
import { operatorRoutes } from './http/operator';
import { JournalWatch, operatorPageRoutes } from './http/operator-page';
import { storageRoutes } from './http/storage';
import { memberPolicy, STREAM_TOPICS } from './domain/members';
import { gridStateStore } from './store/grid-state';

export const SERVICE_NAME = 'p2p-grid';

/** What the start and `main.js migrate` apply. */
export const gridMigrations: AppMigrations = {
  app: SERVICE_NAME,
  directory: join(__dirname, '../migrations'),
  outbox: true,
};

export interface StartGridOptions extends P2pStartOptions {
  config: GridConfig;
  /** The clock; tests and the PoC chain pass their own. */
  now?: () => number;
  /** false: no timer starts runs (tests start them through the operator API). */
  autoRun?: boolean;
  /** How often the active instance checks that it still holds the leadership lock (ms). */
  leadershipCheckMs?: number;
  /**
   * Called once the leadership lock is lost, after the grid has stopped working; default: exit with 1, so the
   * orchestrator starts it again (as a standby if another replica took over).
   */
  onLeadershipLost?: (reason: Error) => void;
}

/**
 * One instance works at a time: the settlement domain lives in its memory. A standby replica waits here on a
 * session advisory lock and takes over when the active one's connection ends (a crash included). The wait may
 * last as long as the active one lives, so this session has no statement timeout. Once held, the lock is only as
 * good as its connection: `lost` is called when the connection fails or a periodic check no longer finds the
 * lock (a connection killed by the server, a silent network loss), since another replica may then be active.
 */
async function holdLeadership(
  database: Database,
  gridId: string,
  logger: Logger,
  checkEveryMs: number,
  lost: (reason: Error) => void,
): Promise<{ term: number; release: () => void }> {
  const key = `p2p-grid:${gridId}`;
  const client = await database.pool.connect();
  let released = false;
  const fail = (reason: Error) => {
    if (released) return;
    released = true;
    client.release(reason);
    lost(reason);
  };
  client.on('error', fail);
  await client.query('set statement_timeout = 0');
  const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
  if (!rows[0].ok) {
    logger.info('another instance of this grid is active; standing by');
    await client.query('select pg_advisory_lock(hashtext($1))', [key]);
  }
  // The fencing token: waits for the units of a previous leader that are still committing (see JournaledGrid).
  const { rows: raised } = await client.query<{ term: string }>('update leader set term = term + 1 returning term');
  const term = Number(raised[0].term);
  const holding = async () => {
    const answer = client.query<{ held: boolean }>(
      `select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid = pg_backend_pid()) as held`,
    );
    // Once the race is lost, its failure is the connection's, reported through 'error'.
    answer.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the leadership connection does not answer')), checkEveryMs * 2);
    });
    try {
      if (!(await Promise.race([answer, silent])).rows[0].held) throw new Error('the leadership lock is not held');
    } finally {
      clearTimeout(timer);
    }
  };
  const check = setInterval(() => {
    if (released) {
      clearInterval(check);
      return;
    }
    holding().catch((error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
  }, checkEveryMs);
  return {
    term,
    release: () => {
      if (released) return;
      released = true;
      clearInterval(check);
      client.release(true);
    },
  };
}

export type RunningGrid = RunningP2pService;

const packageJson = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/** Composes the grid (config → adapters → handlers), as main.ts and the dev host do. */
export async function startGrid(options: StartGridOptions): Promise<RunningGrid> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const { service, logger, database, bus, listen } = await openP2pService(SERVICE_NAME, options, {
    migrations: gridMigrations,
    bodyLimitBytes: Math.max(config.registrationMaxBytes, config.storageMaxItemBytes),
    corsOrigins: config.corsOrigins,
  });

  const state = await gridStateStore.open(database.pool, {
    epoch: now(),
    intervalMs: config.rules.intervalMs,
    generatedSeed: config.signingKey === undefined ? randomBytes(32).toString('base64url') : null,
  });
  const seed = config.signingKey ?? state.signingSeed;
  if (seed === null) throw new Error('the grid signing key is missing (P2P_GRID_SIGNING_KEY).');
  if (config.signingKey === undefined)
    logger.warn('P2P_GRID_SIGNING_KEY is unset: using a key generated at first start, for development only (§16)');

  // One outbox per grid: its name is the relay's Kafka transactional id, which no two grids of a cluster may share.
  const relay = startOutboxRelay(database, bus, {
    name: `${SERVICE_NAME}.${config.gridId}`,
    logger: logger.child({ module: 'outbox' }),
    metrics: service.metrics,
    publishExtensions: paymentRequestSignatures(paymentRequestSigner(seed)),
  });
  const published = () => relay.wake();

  let fenceJournal: (reason: Error) => void = () => undefined;
  let stepDown: Promise<void> | undefined;
  const leadershipLost = (reason: Error) => {
    if (stepDown) return;
    logger.fatal({ err: reason }, 'leadership lock lost: stopping');
    fenceJournal(reason);
    const exit = options.onLeadershipLost ?? (() => process.exit(1));
    stepDown = service.shutdown('leadership lost').then(() => exit(reason));
  };
  const leadership = database.embedded
    ? undefined
    : await holdLeadership(database, config.gridId, logger, options.leadershipCheckMs ?? 5_000, leadershipLost);
  const journaled = await JournaledGrid.open(
    database.pool,
    {
      config: config.rules,
      gridId: config.gridId,
      paymentIdOrAddress: config.paymentIdOrAddress,
      epoch: state.epoch,
    },
    leadership && { term: leadership.term, lost: leadershipLost },
  );
  fenceJournal = (reason) => journaled.fence(reason);
  const registrations = new Registrations({
    pool: database.pool,
    policy: memberPolicy({ journaled, gridId: config.gridId, verificationKey: verificationKey(seed) }),
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
      grid: () => journaled.read(),
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
        journaled,
      }),
      grid: () => journaled.read(),
      epoch: state.epoch,
      now,
    }),
  );
  // §14.4: the operator page, under /ui/ (GET / stays the P2P-H4 answer above).
  service.serveUi(join(__dirname, '../dist/ui'));
  app.use(unknownRoute);

  const streams = await bus.subscribe({
    group: `${SERVICE_NAME}.${config.gridId}.streams`,
    topics: [STREAM_TOPICS.consumer, STREAM_TOPICS.producer, 'p2p.payments'],
    fromBeginning: true,
    // Large batches: a transaction (and its commit's flush) per batch is what ingestion costs (P2P-IN9).
    batch: { maxRecords: 5_000, maxWaitMs: 50 },
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

  service.onShutdown('runs', () => clearInterval(timer));
  service.onShutdown('operator-page', () => journalWatch.stop());
  service.onShutdown('consumers', () => streams.stop());
  service.onShutdown('outbox', () => relay.stop());
  if (leadership) service.onShutdown('leadership', leadership.release);
  return listen('grid started', { gridId: config.gridId, profile: config.rules.profile });
}
