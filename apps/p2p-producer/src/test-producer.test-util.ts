import { KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { sideKeyHash } from '@flexgrid/protocol-p2p';
import { startTestApp, type TestApp, testKafkaBrokers } from '@flexgrid/testing';
import { startProducer } from './app';
import { producerConfigOf, producerEnv } from './config';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0001';
export const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

/** A producer under test on its own database and topic prefix, and a device-side bus on the same prefix. */
export interface TestProducer {
  app: TestApp;
  /** Publishes as sources, other meters and the payment rail do. */
  devices: KafkaBus;
  /** A source's `channel.hello` with the secret's hash on `meter.readings` (P2P-CH2). */
  hello(meterId: string, sideKey: string, sentAt?: number): Promise<void>;
  /** Readings on `meter.readings` as §3.1 records; `id` defaults to `<meterId>:<startTime>:<revision>`. */
  readings(records: Record<string, unknown>[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestProducer(
  environment: Record<string, string> = {},
  options: { now?: () => number; autoRun?: boolean } = {},
): Promise<TestProducer> {
  const config = producerConfigOf(
    loadConfig(producerEnv, {
      P2P_PRODUCER_ID: 'SUNFARM01',
      P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
      P2P_HELLO_WAIT_MS: '3000',
      ...environment,
    }),
  );
  const app = await startTestApp({
    name: 'p2p-producer',
    start: (env) => startProducer({ ...env, config, logLevel: 'fatal', autoRun: false, ...options }),
  });
  const devices = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'p2p-sources', topicPrefix: app.topicPrefix });
  await devices.connect();
  return {
    app,
    devices,
    async hello(meterId, sideKey, sentAt = Date.now()) {
      await devices.publish('meter.readings', [
        {
          type: 'channel.hello',
          key: meterId,
          id: `${meterId}:hello:${sentAt}`,
          data: { command: 'hello', meterId, sideKeyHash: sideKeyHash(sideKey), sentAt },
        },
      ]);
    },
    async readings(records) {
      await devices.publish(
        'meter.readings',
        records.map((data) => ({
          type: 'meter.reading',
          key: String(data.meterId),
          id: `${String(data.meterId)}:${String(data.startTime)}:${String(data.revision ?? 0)}`,
          data: { source: 'p2p-simulator', ...data },
        })),
      );
    },
    async stop() {
      await devices.stop();
      await app.stop();
    },
  };
}

/** A JSON request. */
export function json(method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  };
}

export async function answer(response: Promise<Response>): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await response;
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** Waits until `count` facts of these kinds are journaled: the producer has taken what the devices sent. */
export async function journaled(app: TestApp, kinds: string[], count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await app.query<{ n: number }>(`select count(*)::int as n from journal where kind = any($1)`, [
      kinds,
    ]);
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${count} journal entries of ${kinds.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until `check` holds (a condition, never a duration). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
