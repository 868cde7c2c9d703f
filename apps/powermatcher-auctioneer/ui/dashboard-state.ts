import type {
  AgentEvent,
  AgentView,
  AggregateEvent,
  ClusterView,
  MarketBasis,
  MatcherView,
  PriceRound,
  StreamMessage,
} from './api';

/** Rounds the price chart keeps: an hour of rounds at one per second, twice over. */
const MAX_ROUNDS = 7_200;

/**
 * What the dashboard shows, merged from the REST snapshot and the live stream. Stream events may arrive while a
 * snapshot is on its way; `version` numbers them so that a snapshot never undoes a newer event.
 */
export interface DashboardState {
  readonly cluster: ClusterView | null;
  /** The latest run of each matcher, from the stream. */
  readonly aggregates: ReadonlyMap<string, AggregateEvent>;
  readonly lastPrice: PriceRound | null;
  /** Price rounds by round number, ascending. */
  readonly rounds: readonly PriceRound[];
  readonly agents: ReadonlyMap<string, AgentView>;
  /** The `version` at which each agent last changed through the stream. */
  readonly agentVersions: ReadonlyMap<string, number>;
  readonly version: number;
}

export const initialState: DashboardState = {
  cluster: null,
  aggregates: new Map(),
  lastPrice: null,
  rounds: [],
  agents: new Map(),
  agentVersions: new Map(),
  version: 0,
};

export interface Snapshot {
  readonly cluster: ClusterView | null;
  readonly agents: readonly AgentView[];
  /** Null when the service keeps no price history (a remote concentrator). */
  readonly rounds: readonly PriceRound[] | null;
  /** The state's version when the snapshot was requested: agents changed since keep their streamed view. */
  readonly requestedAt: number;
}

function mergeRounds(existing: readonly PriceRound[], added: readonly PriceRound[]): PriceRound[] {
  if (added.length === 0) return existing as PriceRound[];
  const byRound = new Map<number, PriceRound>();
  for (const round of existing) byRound.set(round.round, round);
  for (const round of added) byRound.set(round.round, round);
  return [...byRound.values()].sort((a, b) => a.round - b.round).slice(-MAX_ROUNDS);
}

function newer(a: PriceRound | null, b: PriceRound | null): PriceRound | null {
  if (!a) return b;
  if (!b) return a;
  return b.round >= a.round ? b : a;
}

/**
 * A remote concentrator runs no rounds: its prices are those its parent sends its own matcher (that agent's
 * `lastPrice`), kept as rounds numbered by their time so the price chart and the figures read the same.
 */
function parentPrice(cluster: ClusterView | null, agent: AgentView): PriceRound | null {
  if (!cluster || cluster.auctioneerId !== null || !agent.lastPrice) return null;
  if (agent.agentId !== topMatcherId(cluster)) return null;
  return {
    round: Date.parse(agent.lastPrice.at),
    price: agent.lastPrice.price,
    priceIndex: -1,
    at: agent.lastPrice.at,
  };
}

export function applySnapshot(state: DashboardState, snapshot: Snapshot): DashboardState {
  const agents = new Map<string, AgentView>();
  for (const agent of snapshot.agents) agents.set(agent.agentId, agent);
  for (const [agentId, version] of state.agentVersions) {
    if (version <= snapshot.requestedAt) continue;
    const streamed = state.agents.get(agentId);
    if (streamed) agents.set(agentId, streamed);
    else agents.delete(agentId);
  }
  const received = snapshot.agents.flatMap((agent) => parentPrice(snapshot.cluster, agent) ?? []);
  const lastPrice = [snapshot.cluster?.lastPrice ?? null, ...received].reduce(newer, state.lastPrice);
  return {
    ...state,
    cluster: snapshot.cluster,
    agents,
    lastPrice,
    rounds: mergeRounds(state.rounds, [...(snapshot.rounds ?? []), ...(lastPrice ? [lastPrice] : [])]),
  };
}

function isView(event: AgentEvent): event is AgentView {
  return 'dialect' in event;
}

/** Applies a batch of stream events (the page flushes them once per animation frame). */
export function applyEvents(state: DashboardState, messages: readonly StreamMessage[]): DashboardState {
  if (messages.length === 0) return state;
  let { lastPrice, version } = state;
  const added: PriceRound[] = [];
  let aggregates: Map<string, AggregateEvent> | null = null;
  let agents: Map<string, AgentView> | null = null;
  let agentVersions: Map<string, number> | null = null;
  for (const message of messages) {
    version += 1;
    switch (message.event) {
      case 'price':
        added.push(message.data);
        lastPrice = newer(lastPrice, message.data);
        break;
      case 'aggregate': {
        aggregates ??= new Map(state.aggregates);
        const previous = aggregates.get(message.data.matcherId);
        if (!previous || message.data.run >= previous.run) aggregates.set(message.data.matcherId, message.data);
        break;
      }
      case 'agent': {
        agents ??= new Map(state.agents);
        agentVersions ??= new Map(state.agentVersions);
        const event = message.data;
        if (isView(event)) {
          agents.set(event.agentId, event);
          const received = parentPrice(state.cluster, event);
          if (received) {
            added.push(received);
            lastPrice = newer(lastPrice, received);
          }
        } else {
          // The service forgot it (it left and was never stored): keep it as disconnected if it was shown.
          const known = agents.get(event.agentId);
          if (known) agents.set(event.agentId, { ...known, connected: false });
        }
        agentVersions.set(event.agentId, version);
        break;
      }
      default:
        break;
    }
  }
  return {
    ...state,
    version,
    lastPrice,
    rounds: mergeRounds(state.rounds, added),
    aggregates: aggregates ?? state.aggregates,
    agents: agents ?? state.agents,
    agentVersions: agentVersions ?? state.agentVersions,
  };
}

/**
 * A price holds from its round until the next one, so the line steps: each round's price is repeated just
 * before the next round, and the last one runs on to now.
 */
export function heldPrices(rounds: readonly PriceRound[], now: number): [number, number][] {
  const points: [number, number][] = [];
  rounds.forEach((round, i) => {
    const at = Date.parse(round.at);
    const previous = rounds[i - 1];
    if (previous) points.push([at - 1, previous.price]);
    points.push([at, round.price]);
  });
  const last = rounds[rounds.length - 1];
  if (last && now > Date.parse(last.at)) points.push([now, last.price]);
  return points;
}

/** The matcher whose aggregate is the cluster's: the auctioneer, or a remote concentrator's own matcher. */
export function topMatcherId(cluster: ClusterView | null): string | null {
  if (!cluster) return null;
  return cluster.auctioneerId ?? cluster.matchers.find((m) => m.parentId === null)?.id ?? null;
}

/** The current aggregate of a matcher: the stream's latest run, else the snapshot's (top matcher only). */
export function aggregateOf(
  state: DashboardState,
  matcherId: string | null,
): { demand: readonly number[]; agentCount: number; at: string | null; run: number | null } | null {
  if (matcherId === null) return null;
  const streamed = state.aggregates.get(matcherId);
  if (streamed) return streamed;
  if (state.cluster && matcherId === topMatcherId(state.cluster)) {
    return { ...state.cluster.aggregate, at: null, run: null };
  }
  return null;
}

/**
 * The price of each step of the basis (SPEC §2.2 `priceOf`), to draw a demand array against price. Only for the
 * chart's axis: prices themselves always come from the service.
 */
export function stepPrices(basis: MarketBasis): number[] {
  const { priceSteps: n, minimumPrice: min, maximumPrice: max } = basis;
  const increment = (max - min) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.min(min + i * increment, max));
}

/**
 * The step of the basis a price stands at, to mark it on the curve: the round's own index, or for a price a
 * remote concentrator received (which carries none) the nearest step.
 */
export function priceStepOf(round: PriceRound, prices: readonly number[]): number {
  if (round.priceIndex >= 0) return round.priceIndex;
  let nearest = 0;
  prices.forEach((price, i) => {
    if (Math.abs(price - round.price) < Math.abs((prices[nearest] ?? 0) - round.price)) nearest = i;
  });
  return nearest;
}

export interface TreeNode {
  readonly id: string;
  readonly kind: 'auctioneer' | 'concentrator' | 'agent';
  /** A concentrator in a process of its own, with the subtree it reports. */
  readonly remote: boolean;
  readonly connected: boolean;
  readonly agent: AgentView | null;
  readonly children: readonly TreeNode[];
}

/**
 * The cluster as a tree: matchers (the auctioneer, local and remote concentrators) with their agents beneath; a
 * remote concentrator is a matcher as soon as it reported its subtree. Agents whose parent is no known matcher are
 * listed under `orphans`.
 */
export function clusterTree(
  matchers: readonly MatcherView[],
  agents: Iterable<AgentView>,
): { roots: TreeNode[]; orphans: AgentView[] } {
  const matcherIds = new Set(matchers.map((m) => m.id));
  const agentsByParent = new Map<string, AgentView[]>();
  const orphans: AgentView[] = [];
  for (const agent of agents) {
    if (matcherIds.has(agent.agentId)) continue;
    if (agent.parentId === null || !matcherIds.has(agent.parentId)) {
      orphans.push(agent);
      continue;
    }
    const list = agentsByParent.get(agent.parentId) ?? [];
    list.push(agent);
    agentsByParent.set(agent.parentId, list);
  }
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id, undefined, { numeric: true });
  const build = (matcher: MatcherView, seen: Set<string>): TreeNode => {
    seen.add(matcher.id);
    const subMatchers = matchers.filter((m) => m.parentId === matcher.id && !seen.has(m.id));
    const leaves = (agentsByParent.get(matcher.id) ?? []).map((agent): TreeNode => ({
      id: agent.agentId,
      kind: 'agent',
      remote: false,
      connected: agent.connected,
      agent,
      children: [],
    }));
    return {
      id: matcher.id,
      kind: matcher.kind,
      remote: matcher.remote === true,
      connected: matcher.connected,
      agent: null,
      children: [...subMatchers.map((m) => build(m, seen)).sort(byId), ...leaves.sort(byId)],
    };
  };
  const seen = new Set<string>();
  const roots = matchers.filter((m) => m.parentId === null || !matcherIds.has(m.parentId)).map((m) => build(m, seen));
  return { roots, orphans: orphans.sort((a, b) => a.agentId.localeCompare(b.agentId, undefined, { numeric: true })) };
}

/** Agents below a node, and how many of them are connected. */
export function countAgents(node: TreeNode): { total: number; connected: number } {
  if (node.kind === 'agent') return { total: 1, connected: node.connected ? 1 : 0 };
  let total = 0;
  let connected = 0;
  for (const child of node.children) {
    const counts = countAgents(child);
    total += counts.total;
    connected += counts.connected;
  }
  return { total, connected };
}
