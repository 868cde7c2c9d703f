import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import { AGENT_ENDPOINTS } from '@flexgrid/protocol-powermatcher';
import { DEVICE_KINDS, type DeviceKind, type Draw, deviceBid } from './devices';

export interface PowerMatcherSimulationOptions {
  /** The matcher's base URL, `ws://host:port` (or `wss://`). */
  readonly url: string;
  readonly agents: number;
  /** The matcher the agents attach to on the 1.9 endpoint; with `dialect: 'v2.1'` the server's v2.1 parent. */
  readonly parentId?: string;
  readonly dialect?: '1.9' | 'v2.1';
  /** Agent ids are `<prefix>-<kind>-<n>`. */
  readonly prefix?: string;
  /** Each agent re-bids every `rebidMs`, jittered by ±50 % (SPEC §8.5: 30 s). */
  readonly rebidMs?: number;
  readonly token?: string;
  /** Ramps the connections up, `connectBatch` at a time (10 000 agents at once would be a SYN flood). */
  readonly connectBatch?: number;
  readonly random?: () => number;
}

export interface SimulationStats {
  readonly agents: number;
  readonly connected: number;
  readonly bids: number;
  readonly prices: number;
  readonly errors: number;
  readonly lastPrice: number | null;
}

export interface SimulatedAgent {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly agent: PowerMatcherAgent;
  /** Latest price and the bid number it answers. */
  lastPrice: { price: number; bidNumber: number; at: number } | null;
  lastBidAt: number;
}

export interface PowerMatcherSimulation {
  readonly agents: readonly SimulatedAgent[];
  stats(): SimulationStats;
  /** Makes every agent re-bid now (a benchmark's burst). */
  rebidAll(): void;
  stop(): Promise<void>;
}

/**
 * N PowerMatcher device agents (SPEC §8.5) on the agent SDK: each bids when CLUSTERINFO arrives and then again
 * on its own jittered schedule, with a bid of its device kind (heat pump, battery, PV, EV, freezer, inflexible).
 */
export async function startPowerMatcherSimulation(
  options: PowerMatcherSimulationOptions,
): Promise<PowerMatcherSimulation> {
  const random = options.random ?? Math.random;
  const draw: Draw = (low, high) => low + random() * (high - low);
  const rebidMs = options.rebidMs ?? 30_000;
  const dialect = options.dialect ?? '1.9';
  const parentId = options.parentId ?? 'auctioneer';
  const prefix = options.prefix ?? 'sim';
  const counters = { bids: 0, prices: 0, errors: 0, lastPrice: null as number | null };
  const timers = new Set<NodeJS.Timeout>();
  const agents: SimulatedAgent[] = [];
  let stopped = false;

  const bid = (simulated: SimulatedAgent): void => {
    const info = simulated.agent.clusterInfo;
    if (!info || stopped) return;
    simulated.agent.bid(deviceBid(simulated.kind, info.marketBasis, draw));
    simulated.lastBidAt = Date.now();
    counters.bids++;
  };
  const schedule = (simulated: SimulatedAgent): void => {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        bid(simulated);
        schedule(simulated);
      },
      rebidMs * (0.5 + random()),
    );
    timers.add(timer);
  };

  for (let i = 0; i < options.agents; i++) {
    const kind = DEVICE_KINDS[i % DEVICE_KINDS.length]!;
    const id = `${prefix}-${kind}-${i + 1}`;
    const query =
      dialect === '1.9'
        ? `?agentId=${encodeURIComponent(id)}&desiredConnectionId=${encodeURIComponent(parentId)}`
        : `?agentId=${encodeURIComponent(id)}`;
    const simulated: SimulatedAgent = {
      id,
      kind,
      lastPrice: null,
      lastBidAt: 0,
      agent: new PowerMatcherAgent({
        url: `${options.url.replace(/\/$/, '')}${AGENT_ENDPOINTS[dialect]}${query}`,
        token: options.token,
        reconnect: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
        onClusterInfo: () => bid(simulated),
        onPrice: ({ price, bidNumber }) => {
          simulated.lastPrice = { price, bidNumber, at: Date.now() };
          counters.prices++;
          counters.lastPrice = price;
        },
        onError: () => counters.errors++,
      }),
    };
    agents.push(simulated);
  }
  const batch = options.connectBatch ?? 200;
  for (let i = 0; i < agents.length; i += batch) {
    for (const simulated of agents.slice(i, i + batch)) {
      simulated.agent.start();
      schedule(simulated);
    }
    if (i + batch < agents.length) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    agents,
    stats: () => ({
      agents: agents.length,
      connected: agents.filter((a) => a.agent.connected).length,
      bids: counters.bids,
      prices: counters.prices,
      errors: counters.errors,
      lastPrice: counters.lastPrice,
    }),
    rebidAll: () => agents.forEach(bid),
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(agents.map((a) => a.agent.stop()));
    },
  };
}
