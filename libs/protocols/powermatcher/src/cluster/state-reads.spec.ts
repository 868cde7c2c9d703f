import { basis6, bid, flat, ofType, testCluster } from './cluster.test-util';

describe('model reads for a host (PM-CL-8, §8.3)', () => {
  it('PM-CL-8: agentStatus gives the session, the last accepted bid and the last price of each agent', () => {
    const { model, at, clock } = testCluster({
      concentrators: [{ id: 'street', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 }],
    });
    model.connectAgent('a', 'street');
    expect(model.agentStatus('a')).toEqual({
      agentId: 'a',
      kind: 'remote',
      parentId: 'street',
      sessionId: 'session-2',
      clusterId: 'demo',
      lastBid: null,
      lastPrice: null,
    });
    clock.now = 10;
    bid(model, 'a', 4, [900, 500, 100, -300, -700, -900]);
    at(10);
    expect(model.agentStatus('a')).toMatchObject({
      lastBid: { bidNumber: 4, demand: [900, 500, 100, -300, -700, -900], at: 10 },
      lastPrice: { price: 4.5, bidNumber: 4, at: 10 },
    });
    // The concentrator is an agent too: its bid #1 at the auctioneer, answered with the same price.
    expect(model.agentStatus('street')).toMatchObject({
      kind: 'concentrator',
      lastBid: { bidNumber: 1, at: 10 },
      lastPrice: { price: 4.5, bidNumber: 1 },
    });
    expect(model.agentStatuses().map((s) => s.agentId)).toEqual(['street', 'a']);
    model.disconnectAgent('a');
    expect(model.agentStatus('a')).toBeUndefined();
  });

  it('PM-CL-8: a rejected bid leaves the last bid unchanged; a bid TTL expiry clears it', () => {
    const { model, at, clock } = testCluster({ bidTtlMs: 100 });
    model.connectAgent('a', 'auctioneer');
    bid(model, 'a', 1, flat(100));
    bid(model, 'a', 2, [1, 2, 3, 4, 5, 6]);
    expect(model.agentStatus('a')?.lastBid?.bidNumber).toBe(1);
    at(0);
    clock.now = 200;
    at(200);
    expect(model.agentStatus('a')).toMatchObject({ sessionId: 'session-1', lastBid: null });
  });

  it('PM-CL-8: a concentrator losing its remote parent clears its own state and its children', () => {
    const { model } = testCluster({ auctioneer: null, concentrators: [{ id: 'remote-c', parentId: null }] });
    model.connectParent('remote-c', { clusterId: 'demo', marketBasis: basis6 });
    model.connectAgent('a', 'remote-c');
    bid(model, 'a', 1, flat(5));
    const bids = ofType(model.advanceTo(0), 'bid');
    expect(bids).toHaveLength(1);
    model.receivePrice('remote-c', 3, bids[0].bidNumber);
    expect(model.agentStatus('remote-c')).toMatchObject({
      parentId: null,
      lastBid: { bidNumber: 1, demand: flat(5) },
      lastPrice: { price: 3, bidNumber: 1 },
    });
    expect(model.agentStatus('a')?.lastPrice).toMatchObject({ price: 3, bidNumber: 1 });
    model.disconnectParent('remote-c');
    expect(model.agentStatus('remote-c')).toMatchObject({ sessionId: null, lastBid: null, lastPrice: null });
  });

  it('PM-CL-4: bidReferences are the references of the last run, not the bids accepted since', () => {
    const { model, at } = testCluster();
    model.connectAgent('a', 'auctioneer');
    model.connectAgent('b', 'auctioneer');
    expect(model.bidReferences('auctioneer')).toEqual([]);
    bid(model, 'a', 7, flat(10));
    bid(model, 'b', -2, flat(-20));
    at(0);
    bid(model, 'a', 8, flat(30));
    model.disconnectAgent('b');
    expect(model.bidReferences('auctioneer')).toEqual([
      { agentId: 'a', sessionId: 'session-1', bidNumber: 7 },
      { agentId: 'b', sessionId: 'session-2', bidNumber: -2 },
    ]);
    at(0);
    expect(model.bidReferences('auctioneer')).toEqual([{ agentId: 'a', sessionId: 'session-1', bidNumber: 8 }]);
    expect(model.bidReferences('nobody')).toBeUndefined();
  });

  it('PM-RL-1: runMatcher executes one matcher run when due and leaves the others to advanceTo', () => {
    const { model, clock } = testCluster({
      auctioneer: { marketBasis: basis6, minTimeBetweenPriceUpdates: 1000, clusterId: 'demo' },
      concentrators: [{ id: 'street', parentId: 'auctioneer', minTimeBetweenBidUpdates: 500 }],
    });
    model.connectAgent('a', 'street');
    model.connectAgent('b', 'auctioneer');
    bid(model, 'b', 1, flat(-100));
    bid(model, 'a', 1, flat(50));
    expect(model.matcherDueTime('street')).toBe(0);
    expect(model.matcherDueTime('auctioneer')).toBe(0);
    clock.now = 20;
    const street = model.runMatcher('street', 20);
    expect(street.map((e) => e.type)).toEqual(['aggregated', 'bid', 'bidAccepted']);
    expect(street.every((e) => e.t === 0)).toBe(true);
    expect(model.matcherDueTime('street')).toBeNull();
    // Not due yet: nothing happens.
    expect(model.runMatcher('street', 20)).toEqual([]);
    const round = model.advanceTo(20);
    expect(ofType(round, 'round')).toEqual([
      { type: 'round', t: 0, clusterId: 'demo', round: 1, price: 0, priceIndex: 0 },
    ]);
    expect(() => model.runMatcher('nobody', 0)).toThrow('No matcher [nobody]');
  });
});
