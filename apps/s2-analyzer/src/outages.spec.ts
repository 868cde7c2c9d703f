import { randomUUID } from 'node:crypto';
import { KafkaBus } from '@flexgrid/platform-kafka';
import {
  createTestDatabase,
  type PrivateKafka,
  type PrivatePostgres,
  startPrivateKafka,
  startPrivatePostgres,
  startTestApp,
  type TestApp,
  type TestDatabase,
  uniqueTopicPrefix,
} from '@flexgrid/testing';
import pg from 'pg';
import { corpus, eventually, openPair, replay } from './analyzer.test-util';
import { type RunningS2Analyzer, startS2Analyzer } from './app';

/*
 * What the analyzer does when a backend cannot keep up (DESIGN.md "Kafka contracts", README "Kafka", "How it
 * works"): Kafka down only delays records (the stored frames are the outbox), and a store that falls behind past
 * S2_STORE_BUFFER_BYTES costs stored frames, never forwarding, and says how many on the session and on Kafka.
 */

const [frbc] = corpus('valid-frbc');
const lines = (frbc?.text ?? '').trim().split('\n');

describe('Kafka down while the analyzer runs', () => {
  let broker: PrivateKafka;
  let database: TestDatabase;
  let analyzer: RunningS2Analyzer;
  let consumer: KafkaBus;
  const seen = new Set<string>();
  const topicPrefix = uniqueTopicPrefix('s2-kafka-down');

  beforeAll(async () => {
    broker = await startPrivateKafka();
    database = await createTestDatabase('s2_kafka_down');
    analyzer = await startS2Analyzer({
      databaseUrl: database.url,
      kafkaBrokers: broker.brokers,
      topicPrefix,
      logLevel: 'fatal',
    });
    consumer = new KafkaBus({
      brokers: broker.brokers,
      clientId: 's2-kafka-down-reader',
      topicPrefix,
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    await consumer.subscribe({
      group: `reader-${randomUUID()}`,
      topics: ['s2.frames'],
      fromBeginning: true,
      handler: async (event) => void seen.add(event.id),
    });
  }, 120_000);
  afterAll(async () => {
    await consumer.stop();
    await analyzer.stop();
    await database.drop();
    await broker.destroy();
  }, 60_000);

  /** The session's outbox marks: what is stored, and how much of it Kafka acknowledged. */
  const outbox = async (id: string) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ stored_seq: number; published_seq: number; end_published: boolean }>(
        'select stored_seq, published_seq, end_published from sessions where session_id = $1',
        [id],
      );
      return rows[0];
    } finally {
      await client.end();
    }
  };

  it('keeps forwarding, keeps every record in the outbox, and publishes each once the broker is back', async () => {
    const pair = await openPair(analyzer.url.replace(/^http/, 'ws'), 'kafka-rm', 'kafka-cem');
    const half = Math.floor(lines.length / 2);
    await replay(pair, lines.slice(0, half).join('\n'));
    // The session is listed once its first batch is stored, which a loaded machine can put off.
    const id = await eventually(async () => {
      const listed = (await (await fetch(`${analyzer.url}/api/sessions?rm=kafka-rm`)).json()) as {
        sessions: Array<{ id: string }>;
      };
      return listed.sessions[0]?.id;
    }, 30_000);
    // A new broker's group coordinator and producer ids take a while the first time.
    await eventually(async () => ((await outbox(id))?.published_seq === half ? true : undefined), 90_000);

    await broker.kill();
    const { sent, delivered } = await replay(pair, lines.slice(half).join('\n'));
    expect(delivered).toEqual(sent);
    await pair.rm.close();
    await analyzer.settled();
    // Stored and analysed, waiting in the outbox: nothing acknowledged past the outage, nothing dropped.
    expect(await outbox(id)).toEqual({ stored_seq: lines.length, published_seq: half, end_published: false });

    await broker.restart();
    await eventually(async () => ((await outbox(id))?.end_published ? true : undefined), 90_000);
    const expected = [...Array.from({ length: lines.length }, (_, i) => `${id}:${i + 1}`), `${id}:ended`];
    await eventually(async () => (expected.every((each) => seen.has(each)) ? true : undefined), 90_000);
    expect([...seen].filter((each) => each.startsWith(`${id}:`)).sort()).toEqual(expected.sort());
  }, 300_000);
});

describe('a store that falls behind past S2_STORE_BUFFER_BYTES', () => {
  let postgres: PrivatePostgres;
  let app: TestApp;
  let analyzer: RunningS2Analyzer;
  const FRAME_BYTES = 64 * 1024;
  const BUFFER_BYTES = 16 * FRAME_BYTES;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    app = await startTestApp({
      name: 's2-frames-lost',
      start: async (environment) => {
        analyzer = await startS2Analyzer({
          ...environment,
          databaseUrl: postgres.url,
          logLevel: 'fatal',
          storeBufferBytes: BUFFER_BYTES,
          storeFlushMs: 10,
        });
        return analyzer;
      },
    });
  });
  afterAll(async () => {
    await app.stop();
    await postgres.destroy();
  });

  it('forwards every frame, stores what fits, and reports the rest as framesLost on the session and on Kafka', async () => {
    const pair = await openPair(app.url.replace(/^http/, 'ws'), 'lost-rm', 'lost-cem');
    pair.rm.socket.send('{"before":"the outage"}');
    await pair.cem.until(1);
    // Stored, and the analyzer knows it: its buffer is empty when the database goes.
    await analyzer.settled();
    const listed = (await (await app.fetch('/api/sessions?rm=lost-rm')).json()) as { sessions: Array<{ id: string }> };
    const id = listed.sessions[0]?.id as string;

    await postgres.crash();
    const big = `{"filler":"${'x'.repeat(FRAME_BYTES - 13)}"}`;
    expect(Buffer.byteLength(big)).toBe(FRAME_BYTES);
    const count = 40;
    for (let i = 0; i < count; i++) pair.rm.socket.send(big);
    await pair.cem.until(1 + count);
    expect(pair.cem.received.slice(1).every((r) => r.data.toString() === big)).toBe(true);
    await pair.rm.close();

    await postgres.restart();
    // The buffer holds 16 of the frames until the database is back; the 24 after them are lost.
    const session = await eventually(async () => {
      const response = await app.fetch(`/api/sessions/${id}`).catch(() => undefined);
      if (!response?.ok) return undefined;
      const body = (await response.json()) as {
        endedAt: string | null;
        framesLost: number;
        frames: number;
        state: { summary: { frames: number } };
      };
      return body.endedAt ? body : undefined;
    }, 30_000);
    expect(session).toMatchObject({ framesLost: 24, frames: 1 + count, state: { summary: { frames: 1 + count } } });
    const stored = (await (await app.fetch(`/api/sessions/${id}/frames?limit=1000`)).json()) as {
      frames: Array<{ seq: number }>;
    };
    expect(stored.frames.map((f) => f.seq)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));

    const records = await eventually(async () => {
      const all = await app.published('s2.frames').waitFor(0);
      const mine = [...new Map(all.filter((r) => r.key === id).map((r) => [r.headers['ce_id'], r])).values()];
      return mine.some((r) => r.type === 's2.session.ended') ? mine : undefined;
    }, 30_000);
    expect(records.filter((r) => r.type === 's2.frame.observed')).toHaveLength(17);
    expect(records.find((r) => r.type === 's2.session.ended')?.data).toMatchObject({ framesLost: 24 });
  });
});
