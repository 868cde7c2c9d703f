import { type Database, openDatabase } from '@flexgrid/platform-db';
import { loadConfig } from '@flexgrid/platform-service';
import { createTestDatabase, type TestDatabase, testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import { Client } from 'pg';
import { type RunningGrid, type StartGridOptions, startGrid } from './app';
import { gridConfigOf, gridEnv } from './config';
import { OPERATOR_TOKEN } from './test-grid.test-util';

// Two replicas of one grid on one database: one active (the session advisory lock), one standing by.
describe('leadership (one active instance per grid)', () => {
  let database: TestDatabase;
  const databases: Database[] = [];
  const topicPrefix = uniqueTopicPrefix('p2p-grid-leader');
  const config = gridConfigOf(loadConfig(gridEnv, { P2P_GRID_ID: 'GRID00001', P2P_OPERATOR_TOKEN: OPERATOR_TOKEN }));

  beforeAll(async () => {
    database = await createTestDatabase('p2p-grid-leader');
  });
  /** Replicas a failed test left running. */
  const running: RunningGrid[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((grid) => grid.stop()));
    await Promise.all(databases.map((d) => d.close()));
    await database.drop();
  });

  /** A replica on a pool of its own whose statements time out after 300 ms, as a production pool's would. */
  async function replica(options: Partial<StartGridOptions> = {}): Promise<RunningGrid> {
    const pool = await openDatabase({ url: database.url, statementTimeoutMs: 300 });
    databases.push(pool);
    return startGrid({
      config,
      database: pool,
      kafkaBrokers: testKafkaBrokers(),
      topicPrefix,
      logLevel: 'fatal',
      autoRun: false,
      ...options,
    });
  }

  async function lockHolder(): Promise<number | undefined> {
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      // The grid's lock, not the outbox relay's: the key's low 32 bits are the lock's objid.
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_locks where locktype = 'advisory' and granted
            and database = (select oid from pg_database where datname = current_database())
            and objid::bigint = (hashtext('p2p-grid:GRID00001')::bigint & 4294967295)`,
      );
      return rows[0]?.pid;
    } finally {
      await admin.end();
    }
  }

  it('a standby waits for the lock past the statement timeout, and takes over when the active one stops', async () => {
    const active = await replica();
    running.push(active);
    let standbyOutcome: 'started' | Error | undefined;
    const standby = replica().then(
      (started) => {
        standbyOutcome = 'started';
        return started;
      },
      (error: Error) => {
        standbyOutcome = error;
        throw error;
      },
    );
    // Several statement timeouts long: a lock wait under the pool's timeout would have failed by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(standbyOutcome).toBeUndefined();
    await active.stop();
    running.splice(running.indexOf(active), 1);
    const taken = await standby;
    running.push(taken);
    expect(standbyOutcome).toBe('started');
    await taken.stop();
    running.length = 0;
  });

  it('an active instance whose lock connection dies stops working and reports it (fatal)', async () => {
    const lost: Error[] = [];
    const active = await replica({ leadershipCheckMs: 200, onLeadershipLost: (reason) => lost.push(reason) });
    running.push(active);
    const url = (active as RunningGrid & { url: string }).url;
    const run = () =>
      fetch(`${url}/api/operator/settlement-runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await run()).status).toBe(200);
    const pid = await lockHolder();
    expect(pid).toBeDefined();
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
    const deadline = Date.now() + 20_000;
    while (lost.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lost).toHaveLength(1);
    // It has shut down: no more runs without the lock.
    await expect(run()).rejects.toThrow();
    const [{ n }] = await (async () => {
      const c = new Client({ connectionString: database.url });
      await c.connect();
      try {
        return (await c.query<{ n: number }>('select count(*)::int as n from settlement_runs')).rows;
      } finally {
        await c.end();
      }
    })();
    expect(n).toBe(1);
    await expect(lockHolder()).resolves.toBeUndefined();
  });

  it('an instance whose term another leader raised commits nothing more and stops (fencing token)', async () => {
    const lost: Error[] = [];
    // Its lock looks held (no check in the test's time): only the term tells it another instance took over.
    const stale = await replica({ leadershipCheckMs: 600_000, onLeadershipLost: (reason) => lost.push(reason) });
    running.push(stale);
    const url = (stale as RunningGrid & { url: string }).url;
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      const before = (await admin.query<{ n: number }>('select count(*)::int as n from settlement_runs')).rows[0].n;
      await admin.query('update leader set term = term + 1');
      const refused = await fetch(`${url}/api/operator/settlement-runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({
        success: false,
        message: 'This grid instance is no longer the active one.',
      });
      // Reported once the instance has shut down.
      const deadline = Date.now() + 20_000;
      while (lost.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lost).toHaveLength(1);
      const after = (await admin.query<{ n: number }>('select count(*)::int as n from settlement_runs')).rows[0].n;
      expect(after).toBe(before);
    } finally {
      await admin.end();
    }
  });
});
