import type { MeterReading } from '@flexgrid/contracts';
import { type DeliveredEvent, KafkaBus, type OutgoingEvent } from '@flexgrid/platform-kafka';
import { type PrivatePostgres, startPrivatePostgres, testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import { type Database, inTransaction, openDatabase } from './database';
import { migrate } from './migrations';
import { enqueue, OutboxRelay, outboxMigrations } from './outbox';

const TOPIC = 'meter.readings';

function reading(seq: number): OutgoingEvent<MeterReading> {
  const meterId = `meter-${seq % 5}`;
  return { type: 'meter.reading', key: meterId, id: `r-${seq}`, data: { meterId, startTime: seq * 1000, endTime: seq * 1000 + 1000, energyWh: seq, source: 'restart-test' } };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('transactional outbox across a PostgreSQL crash', () => {
  let pg: PrivatePostgres;
  let db: Database;
  let bus: KafkaBus;
  const received: DeliveredEvent[] = [];

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    db = await openDatabase({ url: pg.url });
    await migrate(db.pool, 'platform', outboxMigrations);
    bus = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'outbox-restart-test', topicPrefix: uniqueTopicPrefix('outbox-restart') });
    await bus.subscribe({ group: 'observer', topics: [TOPIC], fromBeginning: true, handler: async (e) => void received.push(e) });
  });
  afterAll(async () => {
    await bus?.stop();
    await db?.close();
    await pg?.destroy();
  });

  const enqueueCommitted = (from: number, count: number) =>
    inTransaction(db.pool, (c) => enqueue(c, Array.from({ length: count }, (_, i) => ({ topic: TOPIC, event: reading(from + i) }))));

  it('keeps relaying after the database comes back, losing and duplicating nothing', async () => {
    const relay = new OutboxRelay({ pool: db.pool, bus, name: 'svc', batchSize: 10, pollIntervalMs: 20, leaderLock: true });
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
