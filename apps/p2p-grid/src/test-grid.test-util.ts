import { KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { sideKeyHash } from '@flexgrid/protocol-p2p';
import { startTestApp, type TestApp, testKafkaBrokers } from '@flexgrid/testing';
import { startGrid } from './app';
import { gridConfigOf, gridEnv } from './config';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0001';

/** A grid under test on its own database and topic prefix, and a device-side bus on the same prefix. */
export interface TestGrid {
  app: TestApp;
  /** Publishes as sources, consumers, producers and wallets do. */
  devices: KafkaBus;
  /** A stream's `channel.hello` with the secret's hash (P2P-CH2), on the topic of its role. */
  hello(role: 'consumer' | 'producer', streamKey: string, sideKey: string, sentAt?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestGrid(
  environment: Record<string, string> = {},
  options: { now?: () => number; autoRun?: boolean } = {},
): Promise<TestGrid> {
  const config = gridConfigOf(
    loadConfig(gridEnv, {
      P2P_GRID_ID: 'GRID00001',
      P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
      P2P_HELLO_WAIT_MS: '3000',
      ...environment,
    }),
  );
  const app = await startTestApp({
    name: 'p2p-grid',
    // kafkajs logs 'not the leader' errors while just-created topics elect their leaders; it retries them.
    start: (env) => startGrid({ ...env, config, logLevel: 'fatal', autoRun: false, ...options }),
  });
  const devices = new KafkaBus({
    brokers: testKafkaBrokers(),
    clientId: 'p2p-devices',
    topicPrefix: app.topicPrefix,
  });
  await devices.connect();
  return {
    app,
    devices,
    async hello(role, streamKey, sideKey, sentAt = Date.now()) {
      if (role === 'consumer')
        await devices.publish('meter.readings', [
          {
            type: 'channel.hello',
            key: streamKey,
            id: `${streamKey}:hello:${sentAt}`,
            data: { command: 'hello', meterId: streamKey, sideKeyHash: sideKeyHash(sideKey), sentAt },
          },
        ]);
      else
        await devices.publish('p2p.producer-output', [
          {
            type: 'channel.hello',
            key: streamKey,
            id: `${streamKey}:hello:${sentAt}`,
            data: { command: 'hello', producerId: streamKey, sideKeyHash: sideKeyHash(sideKey), sentAt },
          },
        ]);
    },
    async stop() {
      await devices.stop();
      await app.stop();
    },
  };
}

/** A JSON request to the grid. */
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

/** Waits until `count` facts of these kinds are journaled: the grid has taken what the devices sent. */
export async function journaled(grid: TestGrid, kinds: string[], count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await grid.app.query<{ n: number }>(`select count(*)::int as n from journal where kind = any($1)`, [
      kinds,
    ]);
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${count} journal entries of ${kinds.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
