import { BID_HISTORY_SIZE } from './bid-history';
import { basis6, bid, flat, ofType, priceLog, testCluster } from './cluster.test-util';

/** A concentrator `c` whose parent is outside the model, so the test plays the parent; `children` connect to it. */
function remoteParented(...children: string[]) {
  const cluster = testCluster({
    auctioneer: null,
    concentrators: [{ id: 'c', parentId: null, minTimeBetweenBidUpdates: 0 }],
  });
  const connected = cluster.model.connectParent('c', { clusterId: 'remote', marketBasis: basis6 });
  for (const child of children) cluster.model.connectAgent(child, 'c');
  return { ...cluster, connected };
}

describe('concentrator (PM-CL-6)', () => {
  it('PM-CL-6: forwards the children’s sum upward with its own number 1, and the price back down', () => {
    const { model, at } = testCluster({
      concentrators: [{ id: 'c1', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 }],
    });
    model.connectAgent('a', 'c1');
    model.connectAgent('b', 'c1');
    bid(model, 'a', 5, [600, 300, 100, -100, -300, -500]);
    bid(model, 'b', 9, [0, 0, 0, -100, -100, -100]);
    const effects = at(0);
    expect(ofType(effects, 'bid')).toEqual([
      {
        type: 'bid',
        t: 0,
        agentId: 'c1',
        parentId: 'auctioneer',
        sessionId: 'session-1',
        bidNumber: 1,
        demand: [600, 300, 100, -200, -400, -600],
        remote: false,
      },
    ]);
    expect(ofType(effects, 'bidAccepted').map((e) => `${e.agentId}>${e.parentId}#${e.bidNumber}`)).toEqual([
      'c1>auctioneer#1',
    ]);
    expect(priceLog(effects)).toEqual(['c1:1@4.666666666666667', 'a:5@4.666666666666667', 'b:9@4.666666666666667']);
  });

  it('PM-CL-6: the bid goes to a remote parent as a remote bid effect with parentId null', () => {
    const { model, connected, at } = remoteParented();
    expect(connected).toEqual([
      {
        type: 'clusterInfo',
        t: 0,
        agentId: 'c',
        parentId: null,
        sessionId: 'session-1',
        clusterId: 'remote',
        marketBasis: basis6,
        remote: false,
      },
    ]);
    model.connectAgent('a', 'c');
    bid(model, 'a', 1, flat(10));
    expect(ofType(at(0), 'bid')).toEqual([
      {
        type: 'bid',
        t: 0,
        agentId: 'c',
        parentId: null,
        sessionId: 'session-1',
        bidNumber: 1,
        demand: flat(10),
        remote: true,
      },
    ]);
  });

  it('PM-CL-6: an identical aggregate is suppressed: no bid, no number consumed', () => {
    const { model, at } = remoteParented('a', 'b');
    bid(model, 'a', 1, flat(10));
    bid(model, 'b', 1, flat(5));
    expect(ofType(at(0), 'bid').map((e) => e.bidNumber)).toEqual([1]);
    bid(model, 'a', 2, flat(10));
    const suppressed = at(0);
    expect(ofType(suppressed, 'aggregated')).toHaveLength(1);
    expect(ofType(suppressed, 'bid')).toEqual([]);
    bid(model, 'a', 3, flat(11));
    expect(ofType(at(0), 'bid').map((e) => e.bidNumber)).toEqual([2]);
  });

  it('PM-CL-6: a suppressed bid re-points its history entry at the new aggregate (§9 D5)', () => {
    const { model, at } = remoteParented('a');
    bid(model, 'a', 1, flat(10));
    at(0);
    bid(model, 'a', 2, flat(10));
    at(0);
    // v2.1 would answer the price for #1 with a's stale #1.
    expect(priceLog(model.receivePrice('c', 3, 1))).toEqual(['a:2@3']);
  });

  it('PM-CL-6: the oscillation scenario: each child learns which of its bids the price answers', () => {
    const { model, at } = remoteParented('A', 'B', 'C');
    bid(model, 'A', 1, flat(10));
    bid(model, 'B', 2, flat(20));
    expect(ofType(at(0), 'bid').map((e) => e.bidNumber)).toEqual([1]);
    bid(model, 'C', 3, flat(30));
    at(0);
    expect(priceLog(model.receivePrice('c', 4, 1))).toEqual(['A:1@4', 'B:2@4']);
    expect(priceLog(model.receivePrice('c', 6, 2))).toEqual(['A:1@6', 'B:2@6', 'C:3@6']);
    // Repeated prices for the same number still resolve; older numbers are gone.
    expect(priceLog(model.receivePrice('c', 7, 2))).toEqual(['A:1@7', 'B:2@7', 'C:3@7']);
    expect(model.receivePrice('c', 7, 1)).toEqual([
      {
        type: 'error',
        t: 0,
        matcherId: null,
        agentId: 'c',
        code: 'UNKNOWN_BID_NUMBER',
        message: 'No bid with bidNumber 1 is available',
        bidNumber: 1,
        level: 'warning',
      },
    ]);
  });

  it('PM-CL-6: an unknown parent bid number is ignored with a warning', () => {
    const { model, at } = remoteParented('a');
    bid(model, 'a', 1, flat(10));
    at(0);
    const effects = model.receivePrice('c', 5, 99);
    expect(ofType(effects, 'price')).toEqual([]);
    expect(ofType(effects, 'error')[0]).toMatchObject({
      code: 'UNKNOWN_BID_NUMBER',
      message: 'No bid with bidNumber 99 is available',
      level: 'warning',
    });
  });

  it('PM-CL-2: a null or invalid price from the parent is ignored with a warning', () => {
    const { model, at } = remoteParented('a');
    bid(model, 'a', 1, flat(10));
    at(0);
    expect(model.receivePrice('c', null, 1)).toEqual([
      {
        type: 'error',
        t: 0,
        matcherId: null,
        agentId: 'c',
        code: 'INVALID_PRICE',
        message: 'Price cannot be null',
        bidNumber: 1,
        level: 'warning',
      },
    ]);
    expect(ofType(model.receivePrice('c', 12, 1), 'error')[0]).toMatchObject({
      message: 'Price 12.0 is out of bounds [0.0, 10.0]',
    });
    expect(priceLog(model.receivePrice('c', 2, 1))).toEqual(['a:1@2']);
  });

  it('PM-CL-6: the history keeps the last 900 bid numbers', () => {
    const { model, at } = remoteParented('a');
    for (let k = 1; k <= BID_HISTORY_SIZE + 1; k++) {
      bid(model, 'a', k, flat(k));
      at(0);
    }
    expect(ofType(model.receivePrice('c', 1, 1), 'error')[0]).toMatchObject({ code: 'UNKNOWN_BID_NUMBER' });
    expect(priceLog(model.receivePrice('c', 1, 2))).toEqual(['a:2@1']);
    expect(priceLog(model.receivePrice('c', 1, 901))).toEqual(['a:901@1']);
    expect(ofType(model.receivePrice('c', 1, 500), 'error')[0]).toMatchObject({ code: 'UNKNOWN_BID_NUMBER' });
  });

  it('PM-CL-6: a child that left after the bid gets no price for it; one that joined later gets none either', () => {
    const { model, at } = remoteParented('a', 'b');
    bid(model, 'a', 1, flat(10));
    bid(model, 'b', 1, flat(20));
    at(0);
    model.disconnectAgent('b');
    model.connectAgent('b', 'c');
    bid(model, 'b', 7, flat(20));
    // b's new session did not send bid #1 of the concentrator's bid #1 (§9 D9).
    expect(priceLog(model.receivePrice('c', 3, 1))).toEqual(['a:1@3']);
  });

  it('PM-CL-6 (§9 D15): a new parent session starts afresh: numbering from 1, empty history and cache', () => {
    const { model, at } = remoteParented('a');
    bid(model, 'a', 1, flat(10));
    at(0);
    const lost = model.disconnectParent('c');
    expect(lost).toEqual([
      {
        type: 'disconnect',
        t: 0,
        agentId: 'a',
        parentId: 'c',
        sessionId: 'session-2',
        code: 4410,
        reason: 'Parent disconnected',
      },
    ]);
    model.connectParent('c', { clusterId: 'remote', marketBasis: basis6 });
    expect(ofType(model.receivePrice('c', 1, 1), 'error')[0]).toMatchObject({ code: 'UNKNOWN_BID_NUMBER' });
    model.connectAgent('a', 'c');
    bid(model, 'a', 8, flat(3));
    const effects = at(0);
    expect(ofType(effects, 'aggregated')[0]).toMatchObject({
      run: 2,
      changes: [{ agentId: 'a', sessionId: 'session-4', bidNumber: 8 }],
    });
    expect(ofType(effects, 'bid').map((e) => [e.sessionId, e.bidNumber])).toEqual([['session-3', 1]]);
  });

  it('PM-CL-6: a new parent session ends the cooling-off; losing the parent cancels the scheduled run', () => {
    const { model, clock, at } = testCluster({
      auctioneer: null,
      concentrators: [{ id: 'c', parentId: null, minTimeBetweenBidUpdates: 1000 }],
    });
    model.connectParent('c', { clusterId: 'remote', marketBasis: basis6 });
    model.connectAgent('a', 'c');
    bid(model, 'a', 1, flat(10));
    expect(ofType(at(0), 'bid')).toHaveLength(1);
    clock.now = 10;
    bid(model, 'a', 2, flat(20));
    expect(model.nextDueTime()).toBe(1000);
    model.disconnectParent('c');
    expect(model.nextDueTime()).toBeNull();
    expect(at(1000)).toEqual([]);
    clock.now = 20;
    model.connectParent('c', { clusterId: 'remote', marketBasis: basis6 });
    model.connectAgent('a', 'c');
    bid(model, 'a', 1, flat(30));
    // Not 1000: the new session starts with coolingOffEnds = 0.
    expect(model.nextDueTime()).toBe(20);
    expect(ofType(at(20), 'bid').map((e) => [e.bidNumber, e.demand])).toEqual([[1, flat(30)]]);
  });

  it('PM-CL-6: the same CLUSTERINFO again changes nothing', () => {
    const { model } = remoteParented('a');
    expect(model.connectParent('c', { clusterId: 'remote', marketBasis: basis6 })).toEqual([]);
    expect(model.matcherStatuses().find((m) => m.id === 'c')).toMatchObject({ connected: true, children: ['a'] });
  });
});
