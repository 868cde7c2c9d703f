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
import { OPERATOR_TOKEN } from './test-grid.test-util';

// The grid as its container runs it (main.ts, its own process), killed with SIGKILL at the worst moments.
const L = 2000;
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' };

function startGridProcess(databaseUrl: string, topicPrefix: string): Promise<AppProcess> {
  return startAppProcess({
    mainTs: join(__dirname, 'main.ts'),
    tsconfig: join(__dirname, '../tsconfig.lib.json'),
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      P2P_GRID_ID: 'GRID00001',
      P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
      P2P_INTERVAL_MS: String(L),
      P2P_PRODUCER_GATE_CLOSURE_MS: '100',
      P2P_GRID_GATE_CLOSURE_MS: '500',
      P2P_SETTLE_EVERY_MS: '3600000',
      P2P_REQUEST_MIN_AMOUNT: '1',
    },
  });
}

describe('exactly once across SIGKILL (P2P-IN9, P2P-S10)', () => {
  const started = Date.now();
  const step = (what: string) => process.stderr.write(`crash test +${Date.now() - started} ms: ${what}\n`);
  let database: TestDatabase;
  let pool: Pool;
  let devices: KafkaBus;
  const topicPrefix = uniqueTopicPrefix('p2p-grid-kill');
  const requests: { id: string; owed: number }[] = [];
  const settlements: string[] = [];
  let current: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('p2p-grid-kill');
    pool = new Pool({ connectionString: database.url, max: 2 });
    pool.on('error', () => undefined);
    devices = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'p2p-devices', topicPrefix });
    await devices.connect();
  });
  afterAll(async () => {
    if (current) await current.kill();
    await devices.stop();
    await pool.end();
    await database.drop();
  });

  const journalCount = async () =>
    (await pool.query<{ n: number }>(`select count(*)::int as n from journal where kind in ('reading', 'output')`))
      .rows[0].n;

  it('kill between ingest and settlement, and again in the middle of a run: every interval settled once, no request lost or doubled', async () => {
    current = await startGridProcess(database.url, topicPrefix);
    for (const [id, itemType] of [
      ['PVROOF001', 'producer'],
      ['FLAT00001', 'consumer'],
      ['FLAT00002', 'consumer'],
    ]) {
      const response = await fetch(`${current.url}/registration/${id}`, {
        method: 'PUT',
        headers: operator,
        body: JSON.stringify({ itemType }),
      });
      expect(response.status).toBe(200);
    }
    // Three closed intervals before now, each with output and both consumers' usage.
    const first = Math.floor(Date.now() / L) * L - 3 * L;
    const starts = [first, first + L, first + 2 * L];
    await devices.publish(
      'p2p.producer-output',
      starts.map((start) => ({
        type: 'producer.output',
        key: 'PVROOF001',
        id: `PVROOF001:${start}:0`,
        data: {
          command: 'output',
          producerId: 'PVROOF001',
          startTime: start,
          endTime: start + L,
          bounds: 'half-open',
          outputWh: 10_000,
          output: 10,
          producerPrice: 20,
          producerPricePerMWh: 20_000,
          paymentIdOrAddress: 'PVROOF001',
          quality: 'measured',
          complete: true,
          missingSources: [],
          partialSources: [],
          revision: 0,
          publishedAt: start + L,
          profile: 'community',
        },
      })),
    );
    for (const meterId of ['FLAT00001', 'FLAT00002'])
      await devices.publish(
        'meter.readings',
        starts.map((start) => ({
          type: 'meter.reading',
          key: meterId,
          id: `${meterId}:${start}:0`,
          data: { meterId, startTime: start, endTime: start + L, energyWh: 4000, source: 'p2p-simulator' },
        })),
      );
    for (let i = 0; (await journalCount()) < 9; i++) {
      if (i > 400) throw new Error(`ingested ${await journalCount()} of 9`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    step('ingested');
    // 1: killed between ingest and settlement.
    await current.kill();
    current = await startGridProcess(database.url, topicPrefix);

    step('restarted after the first kill');
    // 2: killed in the middle of a run: its transaction waits on a lock the test holds, after the run was computed.
    const blocker = await pool.connect();
    await blocker.query('begin');
    await blocker.query('lock table settlement_runs in access exclusive mode');
    const { url } = current;
    const pending = fetch(`${url}/api/operator/settlement-runs`, {
      method: 'POST',
      headers: operator,
      body: '{}',
    }).catch(() => undefined);
    for (let i = 0; ; i++) {
      const { rows } = await blocker.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where not granted and relation = 'settlement_runs'::regclass`,
      );
      if (rows[0].n > 0) break;
      if (i > 400) throw new Error('the run never reached its commit');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await current.kill();
    await blocker.query('rollback');
    blocker.release();
    await pending;
    expect((await pool.query(`select count(*)::int as n from settlement_runs`)).rows[0].n).toBe(0);

    step('restarting after the second kill');
    current = await startGridProcess(database.url, topicPrefix);
    const run = await fetch(`${current.url}/api/operator/settlement-runs`, {
      method: 'POST',
      headers: operator,
      body: '{}',
    });
    const summary = (await run.json()) as { settled: number; paymentRequests: number };
    expect(summary).toMatchObject({ paymentRequests: 2 });
    const again = await fetch(`${current.url}/api/operator/settlement-runs`, {
      method: 'POST',
      headers: operator,
      body: '{}',
    });
    expect(await again.json()).toMatchObject({ resettled: 0, paymentRequests: 0 });

    // Every interval with data once, v1 only; what Kafka holds matches (read_committed, from the beginning).
    const settled = await pool.query<{ interval_start: string; n: number }>(
      `select interval_start, count(*)::int as n from settlement_records group by 1 order by 1`,
    );
    for (const start of starts) expect(settled.rows.find((r) => Number(r.interval_start) === start)?.n).toBe(1);
    const reader = await devices.subscribe({
      group: `${topicPrefix}reader`,
      topics: ['p2p.payment-requests', 'p2p.settlements'],
      fromBeginning: true,
      handler: async (event) => {
        if (event.type === 'payment.request')
          requests.push({ id: event.id, owed: (event.data as { owed: number }).owed });
        if (event.type === 'settlement.interval') settlements.push(event.id);
      },
    });
    const expected = (await pool.query(`select count(*)::int as n from settlement_records`)).rows[0].n as number;
    for (let i = 0; settlements.length < expected || requests.length < 2; i++) {
      if (i > 400) throw new Error(`read ${settlements.length} settlements, ${requests.length} requests`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    await reader.stop();
    // Each consumer's 3 × 4 kWh, all matched, at 25 per kWh: billed once, not lost and not twice.
    expect(requests.map((r) => [r.id, r.owed]).sort()).toEqual([
      ['GRID00001:FLAT00001:1', 300],
      ['GRID00001:FLAT00002:1', 300],
    ]);
    expect(new Set(settlements).size).toBe(settlements.length);
    expect(settlements.length).toBe(expected);
  }, 240_000);
});
