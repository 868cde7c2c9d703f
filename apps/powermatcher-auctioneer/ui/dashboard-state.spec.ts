import type { AgentView, ClusterView, MatcherView, PriceRound, StreamMessage } from './api';
import {
  applyEvents,
  applySnapshot,
  clusterTree,
  countAgents,
  heldPrices,
  initialState,
  priceStepOf,
  stepPrices,
} from './dashboard-state';

const basis = { commodity: 'electricity', currency: 'EUR', priceSteps: 3, minimumPrice: 0, maximumPrice: 10 };

function agent(agentId: string, parentId: string, bidNumber = 1, connected = true): AgentView {
  return {
    agentId,
    parentId,
    dialect: '1.9',
    connected,
    connectedAt: '2026-01-05T08:00:00.000Z',
    lastSeenAt: '2026-01-05T08:00:00.000Z',
    lastBid: { bidNumber, demand: [100, 0, -100], at: '2026-01-05T08:00:00.000Z' },
    lastPrice: null,
  };
}

const round = (n: number, price: number): PriceRound => ({
  round: n,
  price,
  priceIndex: 0,
  at: new Date(Date.UTC(2026, 0, 5, 8, 0, n)).toISOString(),
});

const matchers: MatcherView[] = [
  { id: 'auctioneer', kind: 'auctioneer', parentId: null, connected: true, children: ['north', 'pv-1'] },
  { id: 'north', kind: 'concentrator', parentId: 'auctioneer', connected: true, children: ['hp-1'] },
];

const cluster: ClusterView = {
  clusterId: 'demo',
  auctioneerId: 'auctioneer',
  marketBasis: basis,
  minTimeBetweenPriceUpdatesMs: 1000,
  lastPrice: round(2, 5),
  aggregate: { demand: [0, 0, 0], agentCount: 0 },
  matchers,
};

describe('dashboard state', () => {
  it('keeps an agent the stream changed after the snapshot was requested', () => {
    const requestedAt = initialState.version;
    const streamed = applyEvents(initialState, [{ event: 'agent', data: agent('pv-1', 'auctioneer', 7) }]);
    const state = applySnapshot(streamed, {
      cluster,
      agents: [agent('pv-1', 'auctioneer', 6), agent('hp-1', 'north', 3)],
      rounds: [],
      requestedAt,
    });
    expect(state.agents.get('pv-1')?.lastBid?.bidNumber).toBe(7);
    expect(state.agents.get('hp-1')?.lastBid?.bidNumber).toBe(3);
  });

  it('takes the snapshot for agents the stream has not changed since', () => {
    const streamed = applyEvents(initialState, [{ event: 'agent', data: agent('pv-1', 'auctioneer', 7) }]);
    const state = applySnapshot(streamed, {
      cluster,
      agents: [agent('pv-1', 'auctioneer', 8)],
      rounds: null,
      requestedAt: streamed.version,
    });
    expect(state.agents.get('pv-1')?.lastBid?.bidNumber).toBe(8);
  });

  it('merges price rounds from history and stream once each, in round order', () => {
    const messages: StreamMessage[] = [
      { event: 'price', data: round(3, 7) },
      { event: 'price', data: round(2, 5) },
    ];
    const streamed = applyEvents(initialState, messages);
    const state = applySnapshot(streamed, { cluster, agents: [], rounds: [round(1, 4), round(2, 5)], requestedAt: 0 });
    expect(state.rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(state.lastPrice?.round).toBe(3); // the snapshot's older lastPrice does not replace the stream's
  });

  it('keeps the latest run of each matcher and marks an agent the service forgot as disconnected', () => {
    const aggregate = (run: number) => ({
      event: 'aggregate' as const,
      data: { matcherId: 'auctioneer', run, demand: [run, 0, 0], agentCount: 1, at: '2026-01-05T08:00:00.000Z' },
    });
    let state = applyEvents(initialState, [aggregate(4), aggregate(3), { event: 'agent', data: agent('pv-1', 'a') }]);
    expect(state.aggregates.get('auctioneer')?.run).toBe(4);
    state = applyEvents(state, [{ event: 'agent', data: { agentId: 'pv-1', connected: false } }]);
    expect(state.agents.get('pv-1')?.connected).toBe(false);
  });

  it('draws held prices as steps that run on to now', () => {
    const t = (n: number) => Date.UTC(2026, 0, 5, 8, 0, n);
    expect(heldPrices([round(1, 4), round(3, 7)], t(10))).toEqual([
      [t(1), 4],
      [t(3) - 1, 4],
      [t(3), 7],
      [t(10), 7],
    ]);
  });

  it('puts each step of the basis at its price, and a received price at its nearest step', () => {
    expect(stepPrices(basis)).toEqual([0, 5, 10]);
    expect(priceStepOf({ ...round(1, 6), priceIndex: -1 }, stepPrices(basis))).toBe(1);
    expect(priceStepOf({ ...round(1, 6), priceIndex: 2 }, stepPrices(basis))).toBe(2);
  });

  it('builds the tree: matchers with their agents, unknown parents apart', () => {
    const { roots, orphans } = clusterTree(matchers, [
      agent('north', 'auctioneer'),
      agent('pv-1', 'auctioneer'),
      agent('hp-10', 'north'),
      agent('hp-9', 'north', 1, false),
      agent('lost-1', 'elsewhere'),
    ]);
    expect(roots).toHaveLength(1);
    const [auctioneer] = roots;
    expect(auctioneer?.children.map((c) => c.id)).toEqual(['north', 'pv-1']);
    expect(auctioneer?.children[0]?.children.map((c) => c.id)).toEqual(['hp-9', 'hp-10']);
    expect(countAgents(auctioneer!)).toEqual({ total: 3, connected: 2 });
    expect(orphans.map((a) => a.agentId)).toEqual(['lost-1']);
  });

  it('shows a remote concentrator that reported its subtree as a concentrator with its agents', () => {
    const station = {
      id: 'station-1',
      kind: 'concentrator',
      parentId: 'auctioneer',
      connected: true,
      children: ['ev-1'],
      remote: true,
    } as const;
    const { roots, orphans } = clusterTree(
      [...matchers, station],
      [agent('station-1', 'auctioneer'), agent('ev-1', 'station-1')],
    );
    const node = roots[0]?.children.find((c) => c.id === 'station-1');
    expect(node).toMatchObject({ kind: 'concentrator', remote: true, agent: null });
    expect(node?.children.map((c) => c.id)).toEqual(['ev-1']);
    expect(orphans).toEqual([]);
  });
});
