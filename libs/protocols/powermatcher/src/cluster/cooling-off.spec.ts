import { basis6, bid, flat, ofType, testCluster } from './cluster.test-util';

describe('cooling-off rate limit (PM-RL-1)', () => {
  function limited(minTime: number) {
    const cluster = testCluster({ auctioneer: { marketBasis: basis6, minTimeBetweenPriceUpdates: minTime } });
    for (const id of ['a', 'b', 'c']) cluster.model.connectAgent(id, 'auctioneer');
    return cluster;
  }

  it('PM-RL-1: the §6.5 timeline with minTime 500', () => {
    const { model, clock, at } = limited(500);
    clock.now = 100;
    bid(model, 'a', 1, flat(100));
    expect(model.nextDueTime()).toBe(100);
    expect(ofType(at(100), 'aggregated').map((e) => [e.t, e.run])).toEqual([[100, 1]]);
    clock.now = 350;
    bid(model, 'b', 1, flat(-50));
    expect(model.nextDueTime()).toBe(600);
    expect(at(420)).toEqual([]);
    bid(model, 'c', 1, flat(-10));
    const coalesced = at(600);
    expect(ofType(coalesced, 'aggregated').map((e) => [e.t, e.run, e.demand[0]])).toEqual([[600, 2, 40]]);
    expect(ofType(coalesced, 'price').map((p) => `${p.t}:${p.agentId}`)).toEqual(['600:a', '600:b', '600:c']);
    clock.now = 1500;
    bid(model, 'a', 2, flat(0));
    expect(model.nextDueTime()).toBe(1500);
    expect(ofType(at(1500), 'aggregated').map((e) => e.t)).toEqual([1500]);
  });

  it('PM-RL-1: a bid during cooling-off runs when it ends, and the next cooling-off counts from that run', () => {
    const { model, clock, at } = limited(500);
    bid(model, 'a', 1, flat(1));
    at(0);
    clock.now = 200;
    bid(model, 'a', 2, flat(2));
    expect(ofType(at(10_000), 'aggregated').map((e) => e.t)).toEqual([500]);
    clock.now = 900;
    bid(model, 'a', 3, flat(3));
    expect(model.nextDueTime()).toBe(1000);
  });

  it('PM-RL-1: a disconnect triggers a run that re-prices the rest', () => {
    const { model, at } = limited(0);
    bid(model, 'a', 1, [300, 300, 300, 300, 300, 300]);
    bid(model, 'b', 1, [0, 0, 0, -200, -600, -600]);
    expect(ofType(at(0), 'round')[0]!.price).toBe(6.5);
    model.disconnectAgent('a');
    const effects = at(0);
    // b alone has a plateau at 0 over 0 … 4: its midpoint.
    expect(ofType(effects, 'round')[0]!.price).toBe(2);
    expect(ofType(effects, 'price').map((p) => p.agentId)).toEqual(['b']);
  });

  it('PM-RL-1: minTime 0 runs once per advance, however many inputs came before it', () => {
    const { model, at } = limited(0);
    bid(model, 'a', 1, flat(1));
    bid(model, 'b', 1, flat(1));
    bid(model, 'a', 2, flat(2));
    expect(ofType(at(0), 'aggregated')).toHaveLength(1);
    bid(model, 'a', 3, flat(3));
    expect(ofType(at(0), 'aggregated')).toHaveLength(1);
  });

  it('PM-RL-1: the run happens even when the aggregate did not change', () => {
    const { model, at } = limited(0);
    bid(model, 'a', 1, flat(5));
    at(0);
    bid(model, 'a', 1, flat(5));
    expect(ofType(at(0), 'round')).toHaveLength(1);
  });

  it('PM-RL-1: runs due at the same time execute in scheduling order; runs scheduled meanwhile run in the same call', () => {
    const { model, clock, at } = testCluster({
      concentrators: [
        { id: 'c1', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 },
        { id: 'c2', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 },
      ],
    });
    model.connectAgent('y', 'c2');
    model.connectAgent('x', 'c1');
    clock.now = 10;
    bid(model, 'y', 1, flat(1));
    bid(model, 'x', 1, flat(-1));
    const runs = ofType(at(10), 'aggregated').map((e) => `${e.t}:${e.matcherId}`);
    // c2 was scheduled first; the auctioneer's run, triggered by the concentrators' bids, follows in the same call.
    expect(runs).toEqual(['10:c2', '10:c1', '10:auctioneer']);
  });
});

describe('bid expiry (PM-WS-7)', () => {
  it('PM-WS-7 (§9 D8): with a TTL a bid not refreshed in time leaves the aggregate and the cluster is re-priced; the session stays', () => {
    const { model, clock, at } = testCluster({ bidTtlMs: 1000 });
    model.connectAgent('a', 'auctioneer');
    model.connectAgent('b', 'auctioneer');
    bid(model, 'a', 1, flat(100));
    bid(model, 'b', 1, [0, 0, 0, -50, -50, -50]);
    at(0);
    clock.now = 600;
    bid(model, 'b', 2, [0, 0, 0, -50, -50, -50]);
    expect(ofType(at(600), 'aggregated')[0]!.changes).toEqual([{ agentId: 'b', sessionId: 'session-2', bidNumber: 2 }]);
    const expired = at(1000);
    expect(ofType(expired, 'aggregated')[0]).toMatchObject({ t: 1000, changes: [{ agentId: 'a', bidNumber: null }] });
    expect(ofType(expired, 'price').map((p) => p.agentId)).toEqual(['b']);
    expect(at(1599)).toEqual([]);
    expect(ofType(at(1600), 'aggregated')[0]).toMatchObject({ t: 1600, changes: [{ agentId: 'b', bidNumber: null }] });
    expect(model.matcherStatuses()[0]!.children).toEqual(['a', 'b']);
    clock.now = 2000;
    bid(model, 'a', 2, flat(1));
    expect(ofType(at(2000), 'price').map((p) => `${p.agentId}:${p.bidNumber}`)).toEqual(['a:2']);
  });

  it('PM-WS-7: without a TTL bids stay', () => {
    const { model, at } = testCluster();
    model.connectAgent('a', 'auctioneer');
    bid(model, 'a', 1, flat(100));
    at(0);
    expect(at(10_000_000)).toEqual([]);
    expect(model.aggregate('auctioneer')!.agentCount).toBe(1);
  });
});
