/**
 * An app under test, in-process, on infrastructure of its own: a fresh database, a fresh topic prefix, named
 * SQL fixtures, an HTTP and websocket client bound to it, readers of what it published, and a clean stop.
 * The app is any function that starts it on the given database and prefix, so this lib stays free of the
 * platform libs the apps are built with.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Admin, type Consumer, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { WebSocket } from 'ws';
import { createTestDatabase, testKafkaBrokers, uniqueTopicPrefix } from './isolation';

/** What the app is started on; it must use nothing else, so that tests stay apart. */
export interface AppEnvironment {
  /** An empty database of this app instance's own: the app runs its migrations on it as it starts. */
  databaseUrl: string;
  kafkaBrokers: string[];
  /** Prepended to every topic and consumer group name the app uses (the bus's `topicPrefix`). */
  topicPrefix: string;
}

/** The app once started: where it answers, and how to stop it as SIGTERM would. */
export interface StartedApp {
  /** Its HTTP base URL, e.g. `http://127.0.0.1:41234`; websockets are on the same port. */
  url: string;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Labels the database and topic prefix, so that they can be told apart on the shared servers. */
  name: string;
  start(environment: AppEnvironment): Promise<StartedApp>;
  /** The app's `fixtures/` folder, holding `<fixture name>.sql` files. */
  fixturesDir?: string;
  /** Fixtures applied in this order once the app has started, that is after its migrations. */
  fixtures?: readonly string[];
  /**
   * Servers of the test's own instead of the shared ones (startPrivateKafka, startPrivatePostgres), for tests
   * that crash them: the app, its database and the readers of what it published all use these.
   */
  infrastructure?: { kafkaBrokers?: string[]; databaseServerUrl?: string };
}

/** A record the app published, read back from its prefixed topic. */
export interface PublishedRecord {
  /** The topic as the app names it, without the prefix. */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: string | null;
  /** The CloudEvents type (`ce_type` header) every flexgrid record carries. */
  type: string | undefined;
  /** The value parsed as JSON; undefined when it is not JSON. */
  data: unknown;
}

/** Everything published on one topic since the app started, as it arrives. */
export interface PublishedTopic {
  readonly records: readonly PublishedRecord[];
  /** Resolves with every record read so far once there are at least `count`; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<PublishedRecord[]>;
}

export interface TestApp {
  url: string;
  databaseUrl: string;
  topicPrefix: string;
  /** fetch relative to the app's URL: `app.fetch('/meters')`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** An open websocket to `path` on the app; it is closed by stop(). Rejects with the status of a refused upgrade. */
  websocket(path: string, protocols?: string | string[]): Promise<WebSocket>;
  /** Applies `<fixturesDir>/<name>.sql` for each name, in order, each in a transaction. */
  applyFixtures(...names: string[]): Promise<void>;
  /** Runs SQL on the app's database, for arrangements and assertions beyond the app's API. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Starts reading `topic` from the beginning on first call; later calls return the same reader. */
  published(topic: string): PublishedTopic;
  /** Stops the app, then the readers and sockets, and drops its database. */
  stop(): Promise<void>;
}

const defaultWaitMs = 10_000;

/** Starts the app on a fresh database and topic prefix, and applies `options.fixtures`. */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const database = await createTestDatabase(options.name, options.infrastructure?.databaseServerUrl);
  const topicPrefix = uniqueTopicPrefix(options.name);
  const kafkaBrokers = options.infrastructure?.kafkaBrokers ?? testKafkaBrokers();
  const pool = new Pool({ connectionString: database.url, max: 2 });
  // drop() ends the connections of a database with force; an idle client learning of it must not crash the test.
  pool.on('error', () => undefined);
  const release = async () => {
    await pool.end();
    await database.drop();
  };

  let started: StartedApp;
  try {
    started = await options.start({ databaseUrl: database.url, kafkaBrokers, topicPrefix });
  } catch (error) {
    await release();
    throw error;
  }

  const kafka = new Kafka({ clientId: `${topicPrefix}test-reader`, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const readers = new Map<string, TopicReader>();
  const sockets = new Set<WebSocket>();
  let stopping: Promise<void> | undefined;

  const app: TestApp = {
    url: started.url,
    databaseUrl: database.url,
    topicPrefix,
    fetch: (path, init) => fetch(new URL(path, started.url), init),
    websocket: async (path, protocols) => {
      const socket = await openWebSocket(new URL(path, started.url.replace(/^http/, 'ws')), protocols);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    },
    applyFixtures: async (...names) => {
      for (const name of names) {
        const sql = await readFixture(options.fixturesDir, name);
        const client = await pool.connect();
        try {
          await client.query('begin');
          await client.query(sql);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw new Error(`fixture ${name} failed: ${(error as Error).message}`);
        } finally {
          client.release();
        }
      }
    },
    query: async <Row extends object>(sql: string, params?: unknown[]) => (await pool.query<Row>(sql, params)).rows,
    published: (topic) => {
      let reader = readers.get(topic);
      if (!reader) {
        reader = new TopicReader(kafka, topicPrefix, topic);
        readers.set(topic, reader);
      }
      return reader;
    },
    stop: () =>
      (stopping ??= (async () => {
        try {
          await started.stop();
        } finally {
          for (const socket of sockets) socket.terminate();
          await Promise.all([...readers.values()].map((reader) => reader.stop()));
          await release();
        }
      })()),
  };

  try {
    await app.applyFixtures(...(options.fixtures ?? []));
  } catch (error) {
    await app.stop();
    throw error;
  }
  return app;
}

async function readFixture(dir: string | undefined, name: string): Promise<string> {
  if (!dir) throw new Error(`fixture ${name}: no fixturesDir was given to startTestApp`);
  try {
    return await readFile(join(dir, `${name}.sql`), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const known = (await readdir(dir).catch(() => [] as string[]))
      .filter((file) => file.endsWith('.sql'))
      .map((file) => file.slice(0, -'.sql'.length));
    throw new Error(`no fixture ${name} in ${dir} (known: ${known.join(', ') || 'none'})`);
  }
}

function openWebSocket(url: URL, protocols: string | string[] | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      reject(new Error(`websocket ${url.pathname}: the upgrade was refused with HTTP ${response.statusCode}`));
    });
  });
}

/** A consumer of one prefixed topic from its first record, in a consumer group of its own. */
class TopicReader implements PublishedTopic {
  readonly records: PublishedRecord[] = [];
  private readonly seen = new Set<string>();
  private readonly waiters = new Set<() => void>();
  private readonly consumer: Consumer;
  private readonly running: Promise<void>;
  private failure: Error | undefined;
  private stopped = false;

  constructor(
    kafka: Kafka,
    private readonly prefix: string,
    private readonly topic: string,
  ) {
    this.consumer = kafka.consumer({
      groupId: `${prefix}test-reader-${randomBytes(3).toString('hex')}`,
      // Tests wait on these records: ask the broker for them often rather than in big batches.
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    // A failure surfaces through waitFor.
    this.running = this.run(kafka.admin()).catch((error: Error) => {
      this.failure = error;
      this.notify();
    });
  }

  async waitFor(count: number, timeoutMs = defaultWaitMs): Promise<PublishedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < count) {
      if (this.failure) throw new Error(`${this.topic}: reading failed: ${this.failure.message}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const types = this.records.length > 0 ? ` (types: ${this.records.map((r) => r.type).join(', ')})` : '';
        throw new Error(`${this.topic}: ${this.records.length} of ${count} records within ${timeoutMs} ms${types}`);
      }
      await this.nextChange(left);
    }
    return [...this.records];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.consumer.disconnect();
  }

  /** Resolves when a record arrives, reading fails, or `ms` pass. */
  private nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Subscribes once the topic exists (the app creates its topics as it connects) and starts consuming. */
  private async run(admin: Admin): Promise<void> {
    const physical = this.prefix + this.topic;
    await admin.connect();
    try {
      while (!(await admin.listTopics()).includes(physical)) {
        if (this.stopped) return;
        await sleep(100);
      }
    } finally {
      await admin.disconnect();
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: physical, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        // A consumer restarted after its broker came back reads again what it read since its last commit; a
        // record is its (partition, offset), so a record published twice is still seen twice.
        const position = `${partition}:${message.offset}`;
        if (this.seen.has(position)) return;
        this.seen.add(position);
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        const value = message.value?.toString('utf8') ?? null;
        this.records.push({
          topic: this.topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          headers,
          value,
          type: headers['ce_type'],
          data: parseJson(value),
        });
        this.notify();
      },
    });
  }
}

function parseJson(value: string | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
