import type { ProducerOutput } from '@flexgrid/contracts';
import { type DeliveredEvent, KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { sideKeyHash } from '@flexgrid/protocol-p2p';
import { createTestDatabase, testKafkaBrokers, type TestDatabase, uniqueTopicPrefix } from '@flexgrid/testing';
import { Pool } from 'pg';
import { type RunningProducer, startProducer } from './app';
import { producerConfigOf, producerEnv } from './config';
import { OPERATOR_TOKEN, operator } from './test-producer.test-util';

const FIRST_SECRET = 'sunfarm-secret-0001';
const SECOND_SECRET = 'sunfarm-secret-0002';

/** One producer restarted with a new configuration (one database, one topic prefix), as its operator would. */
describe('the producer restarted with a new secret (P2P-AG8) or a new price (P2P-AG3)', () => {
  let database: TestDatabase;
  let devices: KafkaBus;
  const topicPrefix = uniqueTopicPrefix('p2p-producer-reconfigured');
  const commands: { command: string; sideKeyHash?: string }[] = [];
  const outputs: ProducerOutput[] = [];
  let reader: { stop(): Promise<void> };

  beforeAll(async () => {
    database = await createTestDatabase('p2p-producer-reconfigured');
    devices = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'p2p-grid-side', topicPrefix });
    await devices.connect();
    // What the grid reads of this producer, read_committed.
    reader = await devices.subscribe({
      group: `${topicPrefix}grid-side`,
      topics: ['p2p.producer-output'],
      fromBeginning: true,
      handler: async (event: DeliveredEvent) => {
        if (event.type === 'producer.output') outputs.push(event.data as ProducerOutput);
        else commands.push(event.data as { command: string; sideKeyHash?: string });
      },
    });
  });
  afterAll(async () => {
    await reader.stop();
    await devices.stop();
    await database.drop();
  });

  const start = (environment: Record<string, string>, now?: () => number, databaseUrl = database.url) =>
    startProducer({
      config: producerConfigOf(
        loadConfig(producerEnv, {
          P2P_PRODUCER_ID: 'SUNFARM01',
          P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
          ...environment,
        }),
      ),
      databaseUrl,
      kafkaBrokers: testKafkaBrokers(),
      topicPrefix,
      logLevel: 'fatal',
      autoRun: false,
      now,
    });
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  /** The channel commands read back once there are `count`. */
  const channelCommands = async (count: number) => {
    await until(`${count} channel commands`, () => commands.length >= count);
    return commands.map(({ command, sideKeyHash: hash }) => [command, hash]);
  };

  it('hello at the first start; nothing on a plain restart; goodbye then hello for a new secret; closedown says goodbye, the next start hello', async () => {
    let producer = await start({ P2P_PRODUCER_SIDE_KEY: FIRST_SECRET });
    expect(await channelCommands(1)).toEqual([['hello', sideKeyHash(FIRST_SECRET)]]);
    await producer.stop();

    producer = await start({ P2P_PRODUCER_SIDE_KEY: FIRST_SECRET });
    await producer.stop();
    producer = await start({ P2P_PRODUCER_SIDE_KEY: SECOND_SECRET });
    // The restart with the same secret sent nothing: the next two are the rotation's.
    expect(await channelCommands(3)).toEqual([
      ['hello', sideKeyHash(FIRST_SECRET)],
      ['goodbye', undefined],
      ['hello', sideKeyHash(SECOND_SECRET)],
    ]);

    const closedown = await fetch(`${producer.url}/api/operator/closedown`, { method: 'POST', headers: operator });
    expect([closedown.status, await closedown.json()]).toEqual([200, { success: true, message: 'OK' }]);
    expect((await channelCommands(4))[3]).toEqual(['goodbye', undefined]);
    await producer.stop();

    producer = await start({ P2P_PRODUCER_SIDE_KEY: SECOND_SECRET });
    expect((await channelCommands(5))[4]).toEqual(['hello', sideKeyHash(SECOND_SECRET)]);
    await producer.stop();
    // Nothing else was ever enqueued: the outbox keeps its sent rows (7 days), and it holds these five.
    const pool = new Pool({ connectionString: database.url, max: 1 });
    try {
      const { rows } = await pool.query<{ type: string }>(
        `select event_type as type from flexgrid_outbox where event_type like 'channel.%' order by id`,
      );
      expect(rows.map((r) => r.type)).toEqual([
        'channel.hello',
        'channel.goodbye',
        'channel.hello',
        'channel.goodbye',
        'channel.hello',
      ]);
    } finally {
      await pool.end();
    }
    expect(commands).toHaveLength(5);
  }, 90_000);

  it('a correction after a price change keeps the price its interval was first published with; a new interval takes the new one', async () => {
    // Community rules on 60 s intervals and the test's clock: interval n is [T0 + n·L, T0 + (n+1)·L).
    const T0 = 1_800_000_000_000;
    const L = 60_000;
    // A producer of its own (its first start fixes its epoch and interval), on a database of its own.
    const rules = {
      P2P_PRODUCER_ID: 'WINDFARM1',
      P2P_INTERVAL_MS: String(L),
      P2P_PRODUCER_GATE_CLOSURE_MS: '5000',
    };
    const dueAt = (n: number) => T0 + (n + 1) * L + 5_001;
    let clock = T0 + 1;
    const own = await createTestDatabase('p2p-producer-repriced');
    const pool = new Pool({ connectionString: own.url, max: 1 });
    const readings = async (records: { n: number; energyWh: number; revision?: number }[], journaledAfter: number) => {
      await devices.publish(
        'meter.readings',
        records.map(({ n, energyWh, revision = 0 }) => ({
          type: 'meter.reading',
          key: 'PANEL0001',
          id: `PANEL0001:${n}:${revision}`,
          data: {
            meterId: 'PANEL0001',
            startTime: T0 + n * L,
            endTime: T0 + (n + 1) * L,
            energyWh,
            revision,
            source: 'test-meter',
          },
        })),
      );
      await until(`${journaledAfter} readings journaled`, () => journaledCount >= journaledAfter);
    };
    let journaledCount = 0;
    const poll = setInterval(() => {
      void pool
        .query<{ n: number }>(`select count(*)::int as n from journal where kind = 'reading'`)
        .then(({ rows }) => (journaledCount = rows[0].n))
        .catch(() => undefined);
    }, 25);
    const aggregate = async (url: string, asOf: number) => {
      clock = asOf;
      const ran = await fetch(`${url}/api/operator/aggregation-runs`, {
        method: 'POST',
        headers: { ...operator, 'content-type': 'application/json' },
        body: JSON.stringify({ asOf }),
      });
      expect(ran.status).toBe(200);
    };
    let producer: RunningProducer | undefined;
    try {
      producer = await start({ ...rules, P2P_PRODUCER_PRICE_PER_KWH: '20' }, () => clock, own.url);
      const registered = await fetch(`${producer.url}/registration/PANEL0001`, {
        method: 'PUT',
        headers: { ...operator, 'content-type': 'application/json' },
        body: JSON.stringify({ itemType: 'solar' }),
      });
      expect(registered.status).toBe(200);
      await readings([{ n: 0, energyWh: 1000 }], 1);
      await aggregate(producer.url, dueAt(0));
      await until('the first output', () => outputs.length >= 1);
      await producer.stop();
      producer = undefined;

      producer = await start({ ...rules, P2P_PRODUCER_PRICE_PER_KWH: '18' }, () => clock, own.url);
      await readings(
        [
          { n: 0, energyWh: 1200, revision: 1 },
          { n: 1, energyWh: 800 },
        ],
        3,
      );
      await aggregate(producer.url, dueAt(1));
      await until('three outputs', () => outputs.length >= 3);
      expect(
        outputs
          .map((o) => [o.startTime - T0, o.revision, o.outputWh, o.producerPricePerMWh])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      ).toEqual([
        [0, 0, 1000, 20_000],
        [0, 1, 1200, 20_000],
        [L, 0, 800, 18_000],
      ]);
    } finally {
      clearInterval(poll);
      await producer?.stop();
      await pool.end();
      await own.drop();
    }
  }, 90_000);
});
