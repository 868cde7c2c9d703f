import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import { ClusterModel, type Effect, marketBasis } from '@flexgrid/protocol-powermatcher';
import { createTestDatabase, type TestDatabase, testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import { endpoint19, eventually, TEST_ENV } from './auctioneer.test-util';

/** 11 steps on 0 … 1: equilibria fall between the steps, so a price off by one bit would show. */
const BASIS_ENV = { PM_PRICE_STEPS: '11', PM_MIN_PRICE: '0', PM_MAX_PRICE: '1' };
const basis = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 11,
  minimumPrice: 0,
  maximumPrice: 1,
});

/** Integral sloped bids: a sum of them crosses zero between grid prices. */
const BIDS: Record<string, number[]> = {
  'hp-1': [3000, 2700, 2400, 2100, 1800, 1500, 1200, 900, 600, 300, 0],
  'pv-1': [-700, -700, -700, -700, -700, -700, -700, -700, -700, -700, -700],
  'ev-1': [2200, 2200, 2200, 1100, 1100, 0, 0, 0, 0, 0, -300],
  'bat-1': [1500, 1200, 900, 600, 300, 0, -300, -600, -900, -1200, -1500],
};

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The app as its own process, from its TypeScript source, as main.ts starts it. */
class AppProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(
      process.execPath,
      ['--conditions=@flexgrid/source', '-r', 'ts-node/register/transpile-only', join(__dirname, 'main.ts')],
      {
        env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await eventually(async () => {
      if (this.child?.exitCode !== null) throw new Error(`exited: ${this.output}`);
      const ready = await fetch(`http://127.0.0.1:${this.port}/readyz`).catch(() => null);
      return ready?.status === 200 ? true : undefined;
    }, 60_000);
  }

  /** SIGKILL: no close frames, no goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/** The same tree in one model: auctioneer ← concentrator c1 ← the agents, all bids in. */
function expectedPrice(): number {
  let now = 0;
  const { model } = ClusterModel.create({
    clock: () => now,
    auctioneer: { clusterId: 'demo', marketBasis: basis, minTimeBetweenPriceUpdates: 0 },
    concentrators: [{ id: 'c1', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 }],
  });
  const effects: Effect[] = [];
  for (const [agentId, demand] of Object.entries(BIDS)) {
    model.connectAgent(agentId, 'c1');
    model.receiveBid(agentId, { marketBasis: basis, bidNumber: 1, demand });
  }
  now = 1;
  effects.push(...model.advanceTo(1));
  const rounds = effects.filter((e) => e.type === 'round');
  return (rounds.at(-1) as Extract<Effect, { type: 'round' }>).price;
}

describe('a remote concentrator across processes (PM-CL-1, PM-CL-6, the hierarchy property)', () => {
  let database: TestDatabase;
  let auctioneer: AppProcess;
  let concentrator: AppProcess;
  const agents: PowerMatcherAgent[] = [];
  const received = new Map<string, { price: number; bidNumber: number }[]>();
  /** Sessions each agent lost, to tell a concentrator that kept its children from one that dropped them. */
  let agentDisconnects = 0;

  beforeAll(async () => {
    database = await createTestDatabase('pm-tree');
    const auctioneerPort = await freePort();
    auctioneer = new AppProcess(auctioneerPort, {
      ...TEST_ENV,
      ...BASIS_ENV,
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('pm-tree'),
    });
    concentrator = new AppProcess(await freePort(), {
      PM_ROLE: 'concentrator',
      PM_PARENT_URL: endpoint19(`ws://127.0.0.1:${auctioneerPort}`, 'c1'),
      PM_MIN_TIME_BETWEEN_BID_UPDATES_MS: '0',
    });
    await Promise.all([auctioneer.start(), concentrator.start()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await concentrator.stop();
    await auctioneer.stop();
    await database.drop();
  });

  /** Every agent's latest price answers its bid and equals `price`. */
  const allPricedAt = (price: number, after: Map<string, number> = new Map()) =>
    eventually(() => {
      for (const agentId of Object.keys(BIDS)) {
        const list = received.get(agentId) ?? [];
        const last = list.at(-1);
        if (list.length <= (after.get(agentId) ?? 0) || !last || last.price !== price || last.bidNumber !== 1) {
          return undefined;
        }
      }
      return true;
    }, 30_000);

  it('PM-CL-6: auctioneer ← concentrator ← agents in three processes prices exactly like the one-model tree', async () => {
    const wsUrl = `ws://127.0.0.1:${concentrator.port}`;
    for (const [agentId, demand] of Object.entries(BIDS)) {
      received.set(agentId, []);
      const agent = new PowerMatcherAgent({
        url: endpoint19(wsUrl, agentId, 'c1'),
        reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
        onPrice: (update) => received.get(agentId)?.push({ price: update.price, bidNumber: update.bidNumber }),
        onConnectionChange: (connected) => {
          if (!connected) agentDisconnects++;
        },
      });
      agents.push(agent.start());
      agent.bid({ demand }, 1);
    }
    const price = expectedPrice();
    expect(price).not.toBe(Math.round(price * 10) / 10); // off the grid
    await allPricedAt(price);
    const cluster = (await (await fetch(`http://127.0.0.1:${auctioneer.port}/api/clusters/demo`)).json()) as {
      aggregate: { demand: number[] };
      lastPrice: { price: number };
    };
    expect(cluster.lastPrice.price).toBe(price);
  });

  it('PM-SVC-3: the auctioneer shows the remote concentrator as a concentrator with its children', async () => {
    const api = async <T>(path: string): Promise<T> =>
      (await (await fetch(`http://127.0.0.1:${auctioneer.port}${path}`)).json()) as T;
    const c1 = await eventually(async () => {
      const { matchers } = await api<{ matchers: { id: string; children: string[] }[] }>('/api/clusters/demo');
      const remote = matchers.find((m) => m.id === 'c1');
      return remote && remote.children.length === Object.keys(BIDS).length ? remote : undefined;
    });
    expect(c1).toEqual({
      id: 'c1',
      kind: 'concentrator',
      parentId: 'auctioneer',
      connected: true,
      remote: true,
      children: expect.arrayContaining(Object.keys(BIDS)),
    });
    const agents =
      await api<{ agentId: string; parentId: string; connected: boolean; dialect: string }[]>('/api/agents');
    for (const agentId of Object.keys(BIDS)) {
      expect(agents.find((a) => a.agentId === agentId)).toMatchObject({
        parentId: 'c1',
        connected: true,
        dialect: '1.9',
      });
    }
    // A report is taken only from the connected agent it names.
    const forged = await fetch(`http://127.0.0.1:${auctioneer.port}/api/concentrators/nobody/tree`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: [], agents: [] }),
    });
    expect(forged.status).toBe(409);
  });

  it('PM-CL-1: killing the concentrator process and starting it again re-forms the tree and the price', async () => {
    const seen = new Map([...received].map(([agentId, list]) => [agentId, list.length]));
    await concentrator.kill();
    // The auctioneer loses c1's bid: with nothing else in the cluster its aggregate is empty.
    await eventually(async () => {
      const cluster = (await (await fetch(`http://127.0.0.1:${auctioneer.port}/api/clusters/demo`)).json()) as {
        matchers: { id: string; children: string[] }[];
      };
      const gone = !cluster.matchers.some((m) => m.id === 'c1' || m.children.includes('c1'));
      return gone ? true : undefined;
    });
    await concentrator.start();
    // The agents reconnect with backoff and re-send their bids; the concentrator bids upward again.
    await allPricedAt(expectedPrice(), seen);
  });

  it('PM-CL-6: a concentrator that loses its parent keeps its children, reconnects and re-sends its aggregate', async () => {
    const seen = new Map([...received].map(([agentId, list]) => [agentId, list.length]));
    const disconnectsBefore = agentDisconnects;
    await auctioneer.kill();
    await auctioneer.start();
    await allPricedAt(expectedPrice(), seen);
    expect(agentDisconnects).toBe(disconnectsBefore);
  });
});
