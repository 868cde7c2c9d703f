import type { MeterReading } from '@flexgrid/contracts';
import { type Bus, type DeliveredEvent, EmbeddedBus, KafkaBus, type OutgoingEvent } from '@flexgrid/platform-kafka';
import {
  createTestDatabase,
  type PrivatePostgres,
  startPrivatePostgres,
  testKafkaBrokers,
  uniqueTopicPrefix,
} from '@flexgrid/testing';
import { type Database, inTransaction, openDatabase } from './database';
import { migrate } from './migrations';
import { enqueue, OutboxRelay, outboxMigrations, type OutboxRelayOptions } from './outbox';

const TOPIC = 'meter.readings';

function reading(seq: number): OutgoingEvent<MeterReading> {
  const meterId = `meter-${seq % 7}`;
  return {
    type: 'meter.reading',
    key: meterId,
    id: `r-${seq}`,
    data: { meterId, startTime: seq * 1000, endTime: seq * 1000 + 1000, energyWh: seq, source: 'outbox-test' },
  };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Backend {
  db: Database;
  /** A new bus client, as a restarted relay process would have. */
  connectBus(): Promise<Bus>;
  close(): Promise<void>;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'PostgreSQL + Kafka',
    async () => {
      const testDb = await createTestDatabase('outbox');
      const db = await openDatabase({ url: testDb.url });
      const prefix = uniqueTopicPrefix('outbox');
      const buses: KafkaBus[] = [];
      return {
        db,
        connectBus: async () => {
          const bus = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'outbox-test', topicPrefix: prefix });
          await bus.connect();
          buses.push(bus);
          return bus;
        },
        close: async () => {
          await Promise.all(buses.map((b) => b.stop()));
          await db.close();
          await testDb.drop();
        },
      };
    },
  ],
  [
    'embedded PGlite + embedded bus',
    async () => {
      const db = await openDatabase({});
      const bus = new EmbeddedBus({ source: 'outbox-test' });
      return { db, connectBus: async () => bus, close: async () => (await bus.stop(), await db.close()) };
    },
  ],
];

describe.each(backends)('transactional outbox on %s', (_, makeBackend) => {
  let backend: Backend;
  let received: DeliveredEvent[];

  const relay = (bus: Bus, extra: Partial<OutboxRelayOptions> = {}) =>
    new OutboxRelay({
      pool: backend.db.pool,
      bus,
      name: 'svc',
      batchSize: 10,
      pollIntervalMs: 20,
      leaderLock: !backend.db.embedded,
      ...extra,
    });

  const enqueueCommitted = (from: number, count: number) =>
    inTransaction(backend.db.pool, (c) =>
      enqueue(
        c,
        Array.from({ length: count }, (_, i) => ({ topic: TOPIC, event: reading(from + i) })),
      ),
    );

  beforeEach(async () => {
    backend = await makeBackend();
    await migrate(backend.db.pool, 'platform', outboxMigrations);
    received = [];
    const observer = await backend.connectBus();
    await observer.subscribe({
      group: 'observer',
      topics: [TOPIC],
      fromBeginning: true,
      handler: async (e) => void received.push(e),
    });
  });
  afterEach(() => backend.close());

  const ids = () => received.map((e) => e.id).sort();
  const expectedIds = (count: number) => Array.from({ length: count }, (_, i) => `r-${i}`).sort();
  /** Waits for `count` deliveries, then a little longer, so a duplicate would have time to show. */
  const expectExactlyOnce = async (count: number) => {
    await eventually(() => received.length >= count, `${count} events`);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ids()).toEqual(expectedIds(count));
    const { rows } = await backend.db.pool.query(
      'select count(*)::int as pending from flexgrid_outbox where sent_at is null and failed_reason is null',
    );
    expect(rows[0].pending).toBe(0);
  };

  it('publishes committed events, in order per key, and nothing of a rolled-back transaction', async () => {
    await enqueueCommitted(0, 25);
    await expect(
      inTransaction(backend.db.pool, async (c) => {
        await enqueue(c, [{ topic: TOPIC, event: reading(99) }]);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const r = relay(await backend.connectBus());
    r.start();
    await expectExactlyOnce(25);
    await r.stop();
    for (const meter of new Set(received.map((e) => e.key))) {
      const seqs = received.filter((e) => e.key === meter).map((e) => (e.data as MeterReading).energyWh!);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it('delivers every row once when the relay dies between publishing and marking rows sent', async () => {
    await enqueueCommitted(0, 30);
    const doomed = relay(await backend.connectBus(), {
      afterPublish: async () => {
        throw new Error('process killed');
      },
    });
    await expect(doomed.relayOnce()).rejects.toThrow('process killed');
    const { rows } = await backend.db.pool.query(
      'select count(*)::int as published_unmarked from flexgrid_outbox where batch is not null and sent_at is null',
    );
    expect(rows[0].published_unmarked).toBe(10);

    const restarted = relay(await backend.connectBus());
    restarted.start();
    await expectExactlyOnce(30);
    await restarted.stop();
  });

  it('publishes rows claimed by a relay that died before publishing them', async () => {
    await enqueueCommitted(0, 15);
    const bus = await backend.connectBus();
    const failingBus: Bus = {
      ...bus,
      publishAtomically: async () => Promise.reject(new Error('process killed')),
      outboxCheckpoint: (n) => bus.outboxCheckpoint(n),
    };
    await expect(relay(failingBus).relayOnce()).rejects.toThrow('process killed');

    const restarted = relay(await backend.connectBus());
    restarted.start();
    await expectExactlyOnce(15);
    await restarted.stop();
  });

  it('refuses to enqueue an event that breaks its contract, failing the business transaction', async () => {
    const bad = { ...reading(0), data: { meterId: 'meter-0' } } as OutgoingEvent;
    await expect(inTransaction(backend.db.pool, (c) => enqueue(c, [{ topic: TOPIC, event: bad }]))).rejects.toThrow(
      /breaks its contract/,
    );
    const { rows } = await backend.db.pool.query('select count(*)::int as n from flexgrid_outbox');
    expect(rows[0].n).toBe(0);
  });

  it('sets aside a stored row that breaks its contract and keeps relaying the others', async () => {
    await enqueueCommitted(0, 3);
    await backend.db.pool.query(
      `insert into flexgrid_outbox (topic, event_key, event_type, event_id, data) values ($1, 'meter-x', 'meter.reading', 'bad', '{"meterId":"meter-x"}')`,
      [TOPIC],
    );
    await enqueueCommitted(3, 2);
    const r = relay(await backend.connectBus());
    r.start();
    await expectExactlyOnce(5);
    await r.stop();
    const { rows } = await backend.db.pool.query("select failed_reason from flexgrid_outbox where event_id = 'bad'");
    expect(rows[0].failed_reason).toMatch(/must have required property 'startTime'/);
  });

  it('flushes pending rows on stop', async () => {
    const r = relay(await backend.connectBus(), { pollIntervalMs: 60_000 });
    r.start();
    await new Promise((res) => setTimeout(res, 200));
    await enqueueCommitted(0, 12);
    await r.stop();
    await expectExactlyOnce(12);
  });
});

describe('transactional outbox across a PostgreSQL crash', () => {
  let pg: PrivatePostgres;
  let db: Database;
  let bus: KafkaBus;
  const received: DeliveredEvent[] = [];

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    db = await openDatabase({ url: pg.url });
    await migrate(db.pool, 'platform', outboxMigrations);
    bus = new KafkaBus({
      brokers: testKafkaBrokers(),
      clientId: 'outbox-restart-test',
      topicPrefix: uniqueTopicPrefix('outbox-restart'),
    });
    await bus.subscribe({
      group: 'observer',
      topics: [TOPIC],
      fromBeginning: true,
      handler: async (e) => void received.push(e),
    });
  });
  afterAll(async () => {
    await bus?.stop();
    await db?.close();
    await pg?.destroy();
  });

  const enqueueCommitted = (from: number, count: number) =>
    inTransaction(db.pool, (c) =>
      enqueue(
        c,
        Array.from({ length: count }, (_, i) => ({ topic: TOPIC, event: reading(from + i) })),
      ),
    );

  it('keeps relaying after the database comes back, losing and duplicating nothing', async () => {
    const relay = new OutboxRelay({
      pool: db.pool,
      bus,
      name: 'svc',
      batchSize: 10,
      pollIntervalMs: 20,
      leaderLock: true,
    });
    relay.start();
    await enqueueCommitted(0, 40);
    await eventually(() => received.length >= 40, 'the first 40 events');

    // Crash while the relay polls: its in-flight transaction and every pooled connection die with the server.
    await enqueueCommitted(40, 20);
    await pg.crash();
    await expect(enqueueCommitted(1000, 1)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 500)); // the relay meets the outage at least once
    await pg.restart();

    await enqueueCommitted(60, 40);
    await eventually(() => received.length >= 100, 'all 100 events');
    await new Promise((r) => setTimeout(r, 1_000)); // time for a duplicate to show
    await relay.stop();

    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `r-${i}`).sort());
    const { rows } = await db.pool.query('select count(*)::int as pending from flexgrid_outbox where sent_at is null');
    expect(rows[0].pending).toBe(0);
  });
});
