import { join } from 'node:path';
import { KafkaBus } from '@flexgrid/platform-kafka';
import {
  type AppProcess,
  createTestDatabase,
  startAppProcess,
  type TestDatabase,
  testKafkaBrokers,
  uniqueTopicPrefix,
} from '@flexgrid/testing';
import { Pool } from 'pg';
import { OPERATOR_TOKEN } from './test-producer.test-util';

// The producer as its container runs it (main.ts, its own process): two replicas on one database and one
// consumer group, killed with SIGKILL at the worst moments.
const L = 2000;
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' };

function startReplica(databaseUrl: string, topicPrefix: string): Promise<AppProcess> {
  return startAppProcess({
    mainTs: join(__dirname, 'main.ts'),
    tsconfig: join(__dirname, '../tsconfig.lib.json'),
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      P2P_PRODUCER_ID: 'SUNFARM01',
      P2P_PRODUCER_SIDE_KEY: 'sunfarm01-secret-0001',
      P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
      P2P_INTERVAL_MS: String(L),
      P2P_PRODUCER_GATE_CLOSURE_MS: '100',
      P2P_GRID_GATE_CLOSURE_MS: '500',
      P2P_AGGREGATE_EVERY_MS: '3600000',
    },
  });
}

/** A run on one replica; `asOf` given, so that runs on several replicas mean the same instant. */
const runOn = async (replica: AppProcess, asOf?: number) =>
  (await (
    await fetch(`${replica.url}/api/operator/aggregation-runs`, {
      method: 'POST',
      headers: operator,
      body: JSON.stringify(asOf === undefined ? {} : { asOf }),
    })
  ).json()) as { success: boolean; published: number; revised: number };

describe('aggregation exactly once across replicas and SIGKILL (P2P-IN9, P2P-AG6)', () => {
  let database: TestDatabase;
  let pool: Pool;
  let devices: KafkaBus;
  const topicPrefix = uniqueTopicPrefix('p2p-producer-kill');
  const replicas: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('p2p-producer-kill');
    pool = new Pool({ connectionString: database.url, max: 2 });
    pool.on('error', () => undefined);
    devices = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'p2p-sources', topicPrefix });
    await devices.connect();
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.kill();
    await devices.stop();
    await pool.end();
    await database.drop();
  });

  const count = async (sql: string) => (await pool.query<{ n: number }>(sql)).rows[0].n;

  it('a kill between ingest and aggregation and another in the middle of a run lose nothing; concurrent runs on two replicas publish each interval once', async () => {
    const [first, second] = await Promise.all([
      startReplica(database.url, topicPrefix),
      startReplica(database.url, topicPrefix),
    ]);
    replicas.push(first, second);
    for (const id of ['PANEL0001', 'PANEL0002']) {
      const response = await fetch(`${first.url}/registration/${id}`, {
        method: 'PUT',
        headers: operator,
        body: JSON.stringify({ itemType: 'solar' }),
      });
      expect(response.status).toBe(200);
    }
    // Three closed intervals before now, each with both sources; both replicas share the consumer group.
    const start = Math.floor(Date.now() / L) * L - 3 * L;
    const starts = [start, start + L, start + 2 * L];
    for (const meterId of ['PANEL0001', 'PANEL0002'])
      await devices.publish(
        'meter.readings',
        starts.map((s, i) => ({
          type: 'meter.reading',
          key: meterId,
          id: `${meterId}:${s}:0`,
          data: { meterId, startTime: s, endTime: s + L, energyWh: 1000 * (i + 1), source: 'p2p-simulator' },
        })),
      );
    for (let i = 0; (await count(`select count(*)::int as n from journal where kind = 'reading'`)) < 6; i++) {
      if (i > 600) throw new Error('the readings were not ingested');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // 1: both killed between ingest and aggregation.
    await first.kill();
    await second.kill();
    const third = await startReplica(database.url, topicPrefix);
    replicas.push(third);

    // 2: killed in the middle of a run: its transaction waits on a lock the test holds, after the run was computed.
    const blocker = await pool.connect();
    await blocker.query('begin');
    await blocker.query('lock table aggregation_runs in access exclusive mode');
    const pending = runOn(third).catch(() => undefined);
    for (let i = 0; ; i++) {
      const { rows } = await blocker.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where not granted and relation = 'aggregation_runs'::regclass`,
      );
      if (rows[0].n > 0) break;
      if (i > 400) throw new Error('the run never reached its commit');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await third.kill();
    await blocker.query('rollback');
    blocker.release();
    await pending;
    expect(await count('select count(*)::int as n from aggregation_runs')).toBe(0);
    expect(await count('select count(*)::int as n from outputs')).toBe(0);

    // 3: two replicas again, runs started on both at once: one publishes, the other finds nothing.
    const [a, b] = await Promise.all([
      startReplica(database.url, topicPrefix),
      startReplica(database.url, topicPrefix),
    ]);
    replicas.push(a, b);
    const asOf = Date.now();
    const runs = await Promise.all([runOn(a, asOf), runOn(b, asOf), runOn(a, asOf), runOn(b, asOf)]);
    expect(runs.map((r) => [r.success, r.revised])).toEqual(runs.map(() => [true, 0]));
    const published = runs.reduce((sum, r) => sum + r.published, 0);
    expect(runs.filter((r) => r.published > 0)).toHaveLength(1);
    expect(await count('select count(*)::int as n from outputs')).toBe(published);
    const sums = await pool.query<{ interval_start: string; output_wh: string; n: number }>(
      `select interval_start, output_wh, count(*) over (partition by interval_start)::int as n from outputs
        where interval_start = any($1) order by interval_start`,
      [starts],
    );
    expect(sums.rows.map((r) => [Number(r.interval_start), Number(r.output_wh), r.n])).toEqual([
      [starts[0], 2000, 1],
      [starts[1], 4000, 1],
      [starts[2], 6000, 1],
    ]);

    // What Kafka holds (read_committed, from the beginning): each output once.
    const ids: string[] = [];
    const reader = await devices.subscribe({
      group: `${topicPrefix}reader`,
      topics: ['p2p.producer-output'],
      fromBeginning: true,
      handler: async (event) => {
        if (event.type === 'producer.output') ids.push(event.id);
      },
    });
    for (let i = 0; ids.length < published; i++) {
      if (i > 600) throw new Error(`read ${ids.length} of ${published} outputs`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A later run on either replica publishes nothing more, so nothing more can arrive.
    expect([await runOn(a, asOf), await runOn(b, asOf)].map((r) => r.published + r.revised)).toEqual([0, 0]);
    await reader.stop();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(published);
    for (const s of starts) expect(ids).toContain(`SUNFARM01:${s}:0`);
  }, 240_000);
});
