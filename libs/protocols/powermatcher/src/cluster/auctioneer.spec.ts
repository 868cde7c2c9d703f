import { marketBasis } from '../market-basis';
import { basis6, bid, ofType, priceLog, testCluster } from './cluster.test-util';

describe('auctioneer (PM-CL-4, PM-CL-5)', () => {
  it('PM-CL-5: effects have exactly the §6 fields, in emission order', () => {
    const { model, at } = testCluster();
    expect(model.connectAgent('a', 'auctioneer')).toEqual([
      {
        type: 'clusterInfo',
        t: 0,
        agentId: 'a',
        parentId: 'auctioneer',
        sessionId: 'session-1',
        clusterId: 'demo',
        marketBasis: basis6,
        remote: true,
      },
    ]);
    expect(bid(model, 'a', 7, [900, 500, 100, -300, -700, -900])).toEqual([
      {
        type: 'bidAccepted',
        t: 0,
        agentId: 'a',
        parentId: 'auctioneer',
        sessionId: 'session-1',
        bidNumber: 7,
        demand: [900, 500, 100, -300, -700, -900],
      },
    ]);
    expect(at(5)).toEqual([
      {
        type: 'aggregated',
        t: 0,
        matcherId: 'auctioneer',
        run: 1,
        demand: [900, 500, 100, -300, -700, -900],
        changes: [{ agentId: 'a', sessionId: 'session-1', bidNumber: 7 }],
      },
      { type: 'round', t: 0, clusterId: 'demo', round: 1, price: 4.5, priceIndex: 2 },
      {
        type: 'price',
        t: 0,
        agentId: 'a',
        parentId: 'auctioneer',
        sessionId: 'session-1',
        price: 4.5,
        bidNumber: 7,
        remote: true,
      },
    ]);
  });

  it('PM-CL-5 (§9 D11): prices go only to children with a bid in the aggregate, each with its own bid number', () => {
    const { model, at } = testCluster();
    for (const id of ['a', 'b', 'c']) model.connectAgent(id, 'auctioneer');
    bid(model, 'a', 12, [500, 500, 100, -100, -300, -300]);
    bid(model, 'c', -4, [0, 0, 0, -100, -100, -100]);
    const effects = at(0);
    // Aggregate [500, 500, 100, -200, -400, -400]: the crossing lies a third of the way from 4 to 6.
    expect(priceLog(effects)).toEqual(['a:12@4.666666666666667', 'c:-4@4.666666666666667']);
    expect(ofType(effects, 'round')).toEqual([
      { type: 'round', t: 0, clusterId: 'demo', round: 1, price: 4 + (6 - 4) * (100 / 300), priceIndex: 2 },
    ]);
  });

  it('PM-CL-5: no crossing gives min or max; a round is emitted even without receivers', () => {
    const { model, at } = testCluster({
      auctioneer: { marketBasis: basis6, minTimeBetweenPriceUpdates: 0, clusterId: 'demo', firstRound: 41 },
    });
    model.connectAgent('a', 'auctioneer');
    bid(model, 'a', 1, [100, 90, 80, 70, 60, 50]);
    expect(ofType(at(0), 'round')[0]).toMatchObject({ round: 41, price: 10, priceIndex: 5 });
    bid(model, 'a', 2, [-1, -2, -3, -4, -5, -6]);
    expect(ofType(at(0), 'round')[0]).toMatchObject({ round: 42, price: 0, priceIndex: 0 });
    model.disconnectAgent('a');
    const effects = at(0);
    expect(ofType(effects, 'aggregated')[0]).toMatchObject({
      demand: [0, 0, 0, 0, 0, 0],
      changes: [{ agentId: 'a', sessionId: 'session-1', bidNumber: null }],
    });
    expect(ofType(effects, 'round')[0]).toMatchObject({ round: 43, price: 5 });
    expect(ofType(effects, 'price')).toEqual([]);
  });

  it('PM-CL-4: a rejected bid leaves the aggregate and the previous bid in force', () => {
    const { model, at } = testCluster();
    model.connectAgent('a', 'auctioneer');
    bid(model, 'a', 1, [500, 300, 100, -100, -300, -500]);
    at(0);
    const foreign = marketBasis({ ...basis6, currency: 'USD' });
    expect(bid(model, 'a', 2, [1, 2, 3, 4, 5, 6])).toEqual([
      {
        type: 'error',
        t: 0,
        matcherId: 'auctioneer',
        agentId: 'a',
        code: 'INVALID_BID',
        message: 'The demand can not be ascending',
        bidNumber: 2,
        level: 'error',
      },
    ]);
    expect(ofType(bid(model, 'a', 3, [0, 0, 0, 0, 0, 0], foreign), 'error')[0]).toMatchObject({
      code: 'MARKET_BASIS_MISMATCH',
      message: 'Marketbasis new bid differs from marketbasis auctioneer',
      bidNumber: 3,
    });
    expect(ofType(bid(model, 'a', 4, [2e12, 0, 0, 0, 0, 0]), 'error')[0]).toMatchObject({
      message: 'Demand at index 0 is out of range',
    });
    expect(model.nextDueTime()).toBeNull();
    expect(model.aggregate('auctioneer')).toEqual({ demand: [500, 300, 100, -100, -300, -500], agentCount: 1 });
    model.connectAgent('b', 'auctioneer');
    bid(model, 'b', 1, [0, 0, 0, 0, 0, 0]);
    expect(priceLog(at(0))).toEqual(['a:1@5', 'b:1@5']);
  });

  it('PM-CL-2: a bid from an unknown or pending agent is refused with NOT_CONNECTED', () => {
    const { model } = testCluster({ concentrators: [{ id: 'c1', parentId: null }] });
    expect(bid(model, 'nobody', 1, [0, 0, 0, 0, 0, 0])).toEqual([
      {
        type: 'error',
        t: 0,
        matcherId: null,
        agentId: 'nobody',
        code: 'NOT_CONNECTED',
        message: 'No session found',
        bidNumber: 1,
        level: 'error',
      },
    ]);
    model.connectAgent('p', 'c1');
    expect(ofType(bid(model, 'p', 1, [0, 0, 0, 0, 0, 0]), 'error')[0]).toMatchObject({
      matcherId: 'c1',
      code: 'NOT_CONNECTED',
      message: 'Not connected to the cluster',
    });
  });

  it('PM-CL-4: an identical curve with a new number updates only the reference', () => {
    const { model, at } = testCluster();
    model.connectAgent('a', 'auctioneer');
    model.connectAgent('b', 'auctioneer');
    bid(model, 'a', 1, [100, 0, 0, 0, 0, -100]);
    bid(model, 'b', 1, [50, 50, 0, 0, -50, -50]);
    at(0);
    bid(model, 'a', 2, [100, 0, 0, 0, 0, -100]);
    const effects = at(0);
    expect(ofType(effects, 'aggregated')[0]!.changes).toEqual([{ agentId: 'a', sessionId: 'session-1', bidNumber: 2 }]);
    expect(priceLog(effects)).toEqual(['a:2@5', 'b:1@5']);
  });

  it('PM-CL-8: changes list only references that differ from the previous run', () => {
    const { model, at } = testCluster();
    model.connectAgent('a', 'auctioneer');
    model.connectAgent('b', 'auctioneer');
    bid(model, 'a', 1, [0, 0, 0, 0, 0, 0]);
    bid(model, 'b', 1, [0, 0, 0, 0, 0, 0]);
    at(0);
    // b re-bids its reference-equal bid, a bids twice, then a new agent comes and goes before the run.
    bid(model, 'b', 1, [0, 0, 0, 0, 0, 0]);
    bid(model, 'a', 2, [10, 0, 0, 0, 0, 0]);
    bid(model, 'a', 3, [20, 0, 0, 0, 0, 0]);
    model.connectAgent('c', 'auctioneer');
    bid(model, 'c', 9, [0, 0, 0, 0, 0, 0]);
    model.disconnectAgent('c');
    expect(ofType(at(0), 'aggregated')[0]!.changes).toEqual([{ agentId: 'a', sessionId: 'session-1', bidNumber: 3 }]);
  });
});
