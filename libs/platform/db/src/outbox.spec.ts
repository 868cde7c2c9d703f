import type { MeterReading } from '@flexgrid/contracts';
import {
  type Bus,
  type BusLogger,
  type DeliveredEvent,
  EmbeddedBus,
  KafkaBus,
  type OutgoingEvent,
  silentLogger,
} from '@flexgrid/platform-kafka';
import {
  createTestDatabase,
  type PrivatePostgres,
  startPrivatePostgres,
  testKafkaBrokers,
  uniqueTopicPrefix,
} from '@flexgrid/testing';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { type Database, inTransaction, openDatabase } from './database';
import { migrate } from './migrations';
import { enqueue, OutboxRelay, outboxMigrations, type OutboxRelayOptions, startOutboxRelay } from './outbox';

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

async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A bus on which the relay dies after claiming a batch and before publishing it. */
function dyingBeforePublish(bus: Bus): Bus {
  return {
    ...bus,
    publishAtomically: async () => Promise.reject(new Error('process killed')),
    outboxCheckpoint: (n) => bus.outboxCheckpoint(n),
  };
}

/** Keeps the relay's error messages, which are what an operator gets to see. */
function errorRecorder(): BusLogger & { errors: string[] } {
  const errors: string[] = [];
  return { ...silentLogger, errors, error: (_, msg) => void errors.push(msg ?? '') };
}

async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

interface Backend {
  db: Database;
  /** A new bus client, as a restarted relay process would have. */
  connectBus(): Promise<Bus>;
  close(): Promise<void>;
}

interface KafkaBackend extends Backend {
  /** Deletes the outbox's checkpoint group, as an operator or offset retention would. */
  deleteCheckpoint(outbox: string): Promise<void>;
}

async function postgresAndKafka(): Promise<KafkaBackend> {
  const testDb = await createTestDatabase('outbox');
  const db = await openDatabase({ url: testDb.url });
  const prefix = uniqueTopicPrefix('outbox');
  const buses: KafkaBus[] = [];
  const admin = new Kafka({ brokers: testKafkaBrokers(), clientId: 'outbox-test-admin' }).admin();
  await admin.connect();
  return {
    db,
    connectBus: async () => {
      const bus = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'outbox-test', topicPrefix: prefix });
      await bus.connect();
      buses.push(bus);
      return bus;
    },
    deleteCheckpoint: async (outbox) => void (await admin.deleteGroups([`${prefix}outbox-checkpoint.${outbox}`])),
    close: async () => {
      await Promise.all(buses.map((b) => b.stop()));
      await admin.disconnect();
      await db.close();
      await testDb.drop();
    },
  };
}

async function pgliteAndEmbeddedBus(): Promise<Backend> {
  const db = await openDatabase({});
  const bus = new EmbeddedBus({ source: 'outbox-test' });
  return { db, connectBus: async () => bus, close: async () => (await bus.stop(), await db.close()) };
}

const backends: [string, () => Promise<Backend>][] = [
  ['PostgreSQL + Kafka', postgresAndKafka],
  ['embedded PGlite + embedded bus', pgliteAndEmbeddedBus],
];

describe.each(backends)('transactional outbox on %s', (_, makeBackend) => {
  let backend: Backend;
  let received: DeliveredEvent[];
  const relays: OutboxRelay[] = [];

  const relay = (bus: Bus, extra: Partial<OutboxRelayOptions> = {}) => {
    const created = new OutboxRelay({
      pool: backend.db.pool,
      bus,
      name: 'svc',
      batchSize: 10,
      pollIntervalMs: 20,
      leaderLock: !backend.db.embedded,
      ...extra,
    });
    relays.push(created);
    return created;
  };

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
  // A test that failed half-way leaves its relay running, which would keep jest from exiting.
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await backend.close();
  });

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

  it('keeps CloudEvents extension attributes (a signature) and the signed value exactly through the outbox; refuses a bad name at once', async () => {
    const value = JSON.stringify(reading(0).data, null, 1);
    await inTransaction(backend.db.pool, (c) =>
      enqueue(c, [{ topic: TOPIC, event: { ...reading(0), value, extensions: { p2psig: 'c2lnbmF0dXJl' } } }]),
    );
    expect((await backend.db.pool.query('select value from flexgrid_outbox')).rows).toEqual([{ value }]);
    const r = relay(await backend.connectBus());
    r.start();
    await eventually(() => received.length >= 1, 'the event');
    expect(received[0]).toMatchObject({ id: 'r-0', data: reading(0).data, extensions: { p2psig: 'c2lnbmF0dXJl' } });
    await expect(
      inTransaction(backend.db.pool, (c) =>
        enqueue(c, [{ topic: TOPIC, event: { ...reading(1), extensions: { ce_bad: 'x' } } }]),
      ),
    ).rejects.toThrow("'ce_bad' cannot name a CloudEvents extension attribute.");
  });

  it('stores rows in the order given, a value of megabytes as it is, and the caller’s copy of each (keep) with them', async () => {
    const large = { ...reading(1), data: { ...reading(1).data, origin: { padding: 'x'.repeat(100_000) } } };
    const largeValue = JSON.stringify(large.data, null, 1);
    const smallValue = JSON.stringify(reading(2).data, null, 1);
    await backend.db.pool.query('create table kept_copy (event_id text, event_key text, value text, run_no int)');
    await inTransaction(backend.db.pool, (c) =>
      enqueue(
        c,
        [
          { topic: TOPIC, event: reading(0) },
          { topic: TOPIC, event: { ...large, value: largeValue } },
          { topic: TOPIC, event: { ...reading(2), value: smallValue } },
        ],
        {
          keep: {
            sql: (rows, first) =>
              `insert into kept_copy select event_id, event_key, coalesce(value, data::text), $${first}::int from ${rows}`,
            params: [7],
          },
        },
      ),
    );
    const { rows } = await backend.db.pool.query<{ event_id: string; value: string | null }>(
      'select event_id, value from flexgrid_outbox order by id',
    );
    expect(rows).toEqual([
      { event_id: 'r-0', value: null },
      { event_id: 'r-1', value: largeValue },
      { event_id: 'r-2', value: smallValue },
    ]);
    const kept = await backend.db.pool.query<{ event_id: string; event_key: string; value: string; run_no: number }>(
      'select * from kept_copy order by event_id',
    );
    expect(kept.rows.map((r) => [r.event_id, r.event_key, r.run_no])).toEqual([
      ['r-0', reading(0).key, 7],
      ['r-1', reading(1).key, 7],
      ['r-2', reading(2).key, 7],
    ]);
    expect(JSON.parse(kept.rows[0].value)).toEqual(reading(0).data);
    expect(kept.rows.slice(1).map((r) => r.value)).toEqual([largeValue, smallValue]);
    const r = relay(await backend.connectBus());
    r.start();
    await eventually(() => received.length >= 3, 'the three events');
    expect(received.map((e) => e.id).sort()).toEqual(['r-0', 'r-1', 'r-2']);
    expect(received.find((e) => e.id === 'r-1')?.data).toEqual(large.data);
  });

  it('adds the extensions made at publish to rows stored with a value, beside their stored ones, and to no other row', async () => {
    const value = JSON.stringify(reading(0).data, null, 1);
    await inTransaction(backend.db.pool, (c) =>
      enqueue(c, [
        { topic: TOPIC, event: { ...reading(0), value, extensions: { stored: 'kept' } } },
        { topic: TOPIC, event: reading(1) },
      ]),
    );
    const seen: { topic: string; type: string; value: string }[] = [];
    const r = relay(await backend.connectBus(), {
      publishExtensions: (row) => {
        seen.push(row);
        return Promise.resolve({ p2psig: Buffer.from(row.value).toString('base64url').slice(0, 8) });
      },
    });
    r.start();
    await eventually(() => received.length >= 2, 'both events');
    const byId = new Map(received.map((e) => [e.id, e]));
    expect(byId.get('r-0')?.extensions).toEqual({
      stored: 'kept',
      p2psig: Buffer.from(value).toString('base64url').slice(0, 8),
    });
    expect(byId.get('r-1')?.extensions ?? {}).toEqual({});
    expect(seen).toEqual([{ topic: TOPIC, type: reading(0).type, value }]);
  });

  it('startOutboxRelay relays on the database it is given, taking the leader lock only on a server', async () => {
    await enqueueCommitted(0, 12);
    const started = startOutboxRelay(backend.db, await backend.connectBus(), { name: 'svc', pollIntervalMs: 20 });
    relays.push(started);
    await expectExactlyOnce(12);
    if (!backend.db.embedded) {
      const { rows } = await backend.db.pool.query(`select count(*)::int as held from pg_locks
         where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`);
      expect(rows[0].held).toBe(1);
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
    await expect(relay(dyingBeforePublish(await backend.connectBus())).relayOnce()).rejects.toThrow('process killed');

    const restarted = relay(await backend.connectBus());
    restarted.start();
    await expectExactlyOnce(15);
    await restarted.stop();
  });

  /** Waits until every one of the first `count` rows reached the consumer, duplicates allowed, and none is pending. */
  const expectAtLeastOnce = async (count: number) => {
    const missing = () => expectedIds(count).filter((id) => !received.some((e) => e.id === id));
    await eventually(
      () => missing().length === 0,
      () => `every one of ${count} rows; missing: ${missing().join(' ')}`,
    );
    const pending = async () => {
      const { rows } = await backend.db.pool.query(
        'select count(*)::int as pending from flexgrid_outbox where sent_at is null and failed_reason is null',
      );
      return rows[0].pending as number;
    };
    await eventually(async () => (await pending()) === 0, 'no pending row');
  };

  it('loses no row when the database goes back in time (a restore, a failover to an asynchronous replica)', async () => {
    await enqueueCommitted(0, 30);
    const first = relay(await backend.connectBus());
    while ((await first.relayOnce()) > 0); // batches 1 to 3; the checkpoint says 3
    // Restore a snapshot taken after batch 1 was sent and before the rows of batches 2 and 3 were written.
    await backend.db.pool.query("select setval('flexgrid_outbox_batch', 1)");
    await backend.db.pool.query('delete from flexgrid_outbox where batch > 1');
    await enqueueCommitted(30, 15);
    const logger = errorRecorder();
    const metrics = new Registry();
    // The new rows get batch 2 again, which the checkpoint of the old history covers.
    await expect(
      relay(dyingBeforePublish(await backend.connectBus()), { logger, metrics }).relayOnce(),
    ).rejects.toThrow('process killed');
    // Claims that failed half-way (a statement timeout, a lost connection) move the sequence past the old
    // checkpoint before anything is published again: only the new epoch tells that checkpoint apart now.
    await backend.db.pool.query("select nextval('flexgrid_outbox_batch'), nextval('flexgrid_outbox_batch')");

    const restarted = relay(await backend.connectBus(), { logger, metrics });
    restarted.start();
    await expectAtLeastOnce(45);
    await restarted.stop();
    expect(logger.errors).toContainEqual(
      expect.stringMatching(/database went back in time .* checkpoint says batch 3 was published, .* only up to 1/),
    );
    expect(
      await counterValue(metrics, 'outbox_rewinds_detected_total', { evidence: 'checkpoint_ahead_of_sequence' }),
    ).toBe(1);
  });

  it('loses no row when the checkpoint belongs to another database history', async () => {
    await enqueueCommitted(0, 20);
    await relay(await backend.connectBus()).relayOnce(); // batch 1
    const bus = await backend.connectBus();
    await expect(relay(dyingBeforePublish(bus)).relayOnce()).rejects.toThrow('process killed'); // claims batch 2
    // Say a restored copy of this database relayed for a while: its batch numbers mean other rows.
    await bus.publishAtomically('svc', [], { epoch: randomUUID(), batch: 2 });

    const logger = errorRecorder();
    const restarted = relay(await backend.connectBus(), { logger });
    restarted.start();
    await expectAtLeastOnce(20);
    await restarted.stop();
    expect(logger.errors).toContainEqual(expect.stringMatching(/belongs to another database history/));
  });

  it('replaces a refused checkpoint with its own while idle, so that a restart raises no second alarm', async () => {
    await enqueueCommitted(0, 10);
    const bus = await backend.connectBus();
    await relay(bus).relayOnce();
    await bus.publishAtomically('svc', [], { epoch: randomUUID(), batch: 1 });

    const logger = errorRecorder();
    const first = relay(await backend.connectBus(), { logger });
    first.start();
    // Reading the checkpoint meanwhile would fence the relay's transactional producer: give it time to go idle.
    await new Promise((r) => setTimeout(r, 3_000));
    await first.stop();
    expect(logger.errors).toHaveLength(1);
    const { rows } = await backend.db.pool.query<{ epoch: string }>('select epoch from flexgrid_outbox_history');
    expect(await bus.outboxCheckpoint('svc')).toEqual({ epoch: rows[0].epoch, batch: 1 });

    const quiet = errorRecorder();
    const second = relay(await backend.connectBus(), { logger: quiet });
    second.start();
    await enqueueCommitted(10, 5);
    second.wake();
    await expectAtLeastOnce(15);
    await second.stop();
    expect(quiet.errors).toEqual([]);
  });

  it('refuses to enqueue an event that breaks its contract or has no valid time, failing the business transaction', async () => {
    const bad = { ...reading(0), data: { meterId: 'meter-0' } } as OutgoingEvent;
    await expect(inTransaction(backend.db.pool, (c) => enqueue(c, [{ topic: TOPIC, event: bad }]))).rejects.toThrow(
      /breaks its contract/,
    );
    const { rows } = await backend.db.pool.query('select count(*)::int as n from flexgrid_outbox');
    expect(rows[0].n).toBe(0);
    await expect(
      inTransaction(backend.db.pool, (c) => enqueue(c, [{ topic: TOPIC, event: { ...reading(1), time: 'soon' } }])),
    ).rejects.toThrow('event r-1: invalid time');
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

  // Only Kafka keeps a checkpoint that can be lost: the embedded bus forgets everything with its process.
  if (makeBackend === postgresAndKafka) {
    const deleteCheckpoint = () => (backend as KafkaBackend).deleteCheckpoint('svc');

    it('says so loudly when the checkpoint is lost, and loses no row', async () => {
      await enqueueCommitted(0, 20);
      const firstStart = errorRecorder();
      await relay(await backend.connectBus(), { logger: firstStart }).relayOnce(); // batch 1, marked sent
      expect(firstStart.errors).toEqual([]); // no checkpoint yet, and none expected
      const doomed = relay(await backend.connectBus(), {
        afterPublish: async () => {
          throw new Error('process killed');
        },
      });
      await expect(doomed.relayOnce()).rejects.toThrow('process killed'); // batch 2, published and not marked
      // Reading the checkpoint waits until its transaction is complete, so that the deletion is the last word.
      expect(await (await backend.connectBus()).outboxCheckpoint('svc')).toMatchObject({ batch: 2 });
      await deleteCheckpoint();

      const logger = errorRecorder();
      const metrics = new Registry();
      const restarted = relay(await backend.connectBus(), { logger, metrics });
      restarted.start();
      await expectAtLeastOnce(20);
      await restarted.stop();
      expect(logger.errors).toContainEqual(
        expect.stringMatching(/outbox svc: its checkpoint on kafka .* is gone although this database published/),
      );
      expect(await counterValue(metrics, 'outbox_checkpoint_lost_total', { outbox: 'svc' })).toBe(1);
      expect(await counterValue(metrics, 'outbox_published_rows_total', { outbox: 'svc' })).toBe(10); // batch 2 again
    });

    it('records the checkpoint again while idle, so that it does not expire', async () => {
      const r = relay(await backend.connectBus(), { checkpointRefreshMs: 200 });
      r.start();
      await enqueueCommitted(0, 5);
      r.wake();
      await eventually(() => received.length >= 5, '5 events');
      await deleteCheckpoint(); // what offsets.retention.minutes does to a group without members
      await new Promise((res) => setTimeout(res, 2_000));
      await r.stop();

      const checkpoint = await (await backend.connectBus()).outboxCheckpoint('svc');
      const { rows } = await backend.db.pool.query('select max(batch)::int as batch from flexgrid_outbox');
      expect(checkpoint?.batch).toBe(rows[0].batch);
      const { rows: history } = await backend.db.pool.query('select epoch from flexgrid_outbox_history');
      expect(checkpoint).toEqual({ epoch: history[0].epoch, batch: rows[0].batch });
    });
  }
});

describe('outbox migrations', () => {
  it('give an install that relayed before epochs existed an epoch and its last sent batch', async () => {
    const testDb = await createTestDatabase('outbox-upgrade');
    const db = await openDatabase({ url: testDb.url });
    try {
      await migrate(db.pool, 'platform', outboxMigrations.slice(0, 1));
      // Rows as that install's enqueue wrote them (its table has no later columns).
      await db.pool.query(
        `insert into flexgrid_outbox (topic, event_key, event_type, event_id, data)
         select $1, 'm', 'meter.reading', 'r-' || i, '{}' from generate_series(0, 5) as i`,
        [TOPIC],
      );
      // What a relay left behind: batches 1 and 2 sent, batch 3 claimed.
      await db.pool.query(
        "update flexgrid_outbox set batch = (id + 1) / 2, sent_at = case when id <= 4 then now() end; select setval('flexgrid_outbox_batch', 3)",
      );

      expect(await migrate(db.pool, 'platform', outboxMigrations)).toEqual({
        applied: ['2_outbox_history', '3_outbox_extensions', '4_outbox_value_lz4'],
        alreadyApplied: 1,
      });
      const { rows } = await db.pool.query('select epoch, last_sent_batch from flexgrid_outbox_history');
      expect(rows).toEqual([{ epoch: expect.stringMatching(/^[0-9a-f-]{36}$/), last_sent_batch: '2' }]);
    } finally {
      await db.close();
      await testDb.drop();
    }
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
