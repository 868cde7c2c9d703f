import { gridConfigOf, gridEnv, startGrid } from '@flexgrid/p2p-grid';
import { producerConfigOf, producerEnv, startProducer } from '@flexgrid/p2p-producer';
import { KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { startTestApp, type TestApp, testKafkaBrokers } from '@flexgrid/testing';

export const OPERATOR_TOKEN = 'operator-token-for-tests-0001';
export const operator = { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' };

/** A grid and its producers as services, each on its own database, all on one topic prefix (as deployed). */
export interface P2PServices {
  grid: TestApp;
  producers: Map<string, TestApp>;
  /** Publishes as sources, households, wallets and the rail do, on the services' topics. */
  devices: KafkaBus;
  stop(): Promise<void>;
}

export interface P2PServicesOptions {
  /** §16 variables both services run with (P2P_PROFILE, ...). */
  rules: Record<string, string>;
  /** Each producer service: its id and, if any, the secret its stream proves at the grid (P2P-AG8). */
  producers: { id: string; sideKey?: string }[];
  now?: () => number;
  /** false: only the operator API starts runs. */
  autoRun?: boolean;
}

export async function startP2PServices(options: P2PServicesOptions): Promise<P2PServices> {
  const common = { P2P_OPERATOR_TOKEN: OPERATOR_TOKEN, P2P_HELLO_WAIT_MS: '15000', ...options.rules };
  const run = {
    logLevel: 'fatal' as const,
    autoRun: options.autoRun ?? false,
    ...(options.now ? { now: options.now } : {}),
  };
  const grid = await startTestApp({
    name: 'p2p-chain-grid',
    start: (env) =>
      startGrid({ ...env, ...run, config: gridConfigOf(loadConfig(gridEnv, { P2P_GRID_ID: 'POCGRID01', ...common })) }),
  });
  const producers = new Map<string, TestApp>();
  const stop = async () => {
    for (const producer of producers.values()) await producer.stop();
    await grid.stop();
  };
  try {
    for (const { id, sideKey } of options.producers) {
      const config = producerConfigOf(
        loadConfig(producerEnv, {
          P2P_PRODUCER_ID: id,
          ...(sideKey ? { P2P_PRODUCER_SIDE_KEY: sideKey } : {}),
          ...common,
        }),
      );
      producers.set(
        id,
        await startTestApp({
          name: `p2p-chain-${id.toLowerCase()}`,
          // The producers talk to the grid over its topics: one prefix for the community.
          start: (env) => startProducer({ ...env, ...run, topicPrefix: grid.topicPrefix, config }),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const devices = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'p2p-devices', topicPrefix: grid.topicPrefix });
  await devices.connect();
  return {
    grid,
    producers,
    devices,
    async stop() {
      await devices.stop();
      await stop();
    },
  };
}

export async function call(
  app: TestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = operator,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.fetch(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Waits until `count` journal facts of these kinds are in the app's journal (grid and producer journal alike). */
export async function journaled(app: TestApp, kinds: string[], count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await app.query<{ n: number }>(`select count(*)::int as n from journal where kind = any($1)`, [
      kinds,
    ]);
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${count} journal entries of ${kinds.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
