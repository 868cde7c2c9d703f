import { isPowerMatcherError } from '../errors';
import { basis6, bid, flat, ofType, priceLog, testCluster } from './cluster.test-util';
import { ClusterModel } from './model';
import { exactly } from '../exact-message.test-util';

function thrown(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isPowerMatcherError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('no error');
}

/** auctioneer ← c1 ← c2, with remote agent x on c2 and y on c1; no cooling-off. */
function twoLevelCluster() {
  const cluster = testCluster({
    concentrators: [
      { id: 'c1', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 },
      { id: 'c2', parentId: 'c1', minTimeBetweenBidUpdates: 0 },
    ],
  });
  cluster.model.connectAgent('x', 'c2');
  cluster.model.connectAgent('y', 'c1');
  return cluster;
}

describe('sessions and topology (PM-CL-1, PM-CL-2, PM-CL-3)', () => {
  it('PM-CL-2: components may register in any order; sessions are created once both sides exist', () => {
    const { model } = testCluster();
    expect(model.registerConcentrator({ id: 'c2', parentId: 'c1' })).toEqual([]);
    expect(model.connectAgent('x', 'c2')).toEqual([]);
    const effects = model.registerConcentrator({ id: 'c1', parentId: 'auctioneer' });
    expect(ofType(effects, 'clusterInfo').map((e) => `${e.agentId}<${e.parentId}:${e.sessionId}:${e.remote}`)).toEqual([
      'c1<auctioneer:session-1:false',
      'c2<c1:session-2:false',
      'x<c2:session-3:true',
    ]);
    expect(model.matcherStatuses()).toEqual([
      {
        id: 'auctioneer',
        kind: 'auctioneer',
        parentId: null,
        connected: true,
        clusterId: 'demo',
        marketBasis: basis6,
        children: ['c1'],
      },
      {
        id: 'c2',
        kind: 'concentrator',
        parentId: 'c1',
        connected: true,
        clusterId: 'demo',
        marketBasis: basis6,
        children: ['x'],
      },
      {
        id: 'c1',
        kind: 'concentrator',
        parentId: 'auctioneer',
        connected: true,
        clusterId: 'demo',
        marketBasis: basis6,
        children: ['c2'],
      },
    ]);
  });

  it('PM-CL-2: an id already registered or connected (pending included) is refused; the first wins', () => {
    const { model } = testCluster({ concentrators: [{ id: 'c1', parentId: null }] });
    model.connectAgent('a', 'auctioneer');
    model.connectAgent('p', 'c1');
    for (const action of [
      () => model.connectAgent('a', 'auctioneer'),
      () => model.connectAgent('p', 'auctioneer'),
      () => model.connectAgent('c1', 'auctioneer'),
      () => model.connectAgent('auctioneer', 'c1'),
      () => model.registerConcentrator({ id: 'a', parentId: 'auctioneer' }),
      () => model.registerDeviceAgent('p', 'auctioneer'),
    ]) {
      expect(thrown(action)).toMatchObject({ code: 'DUPLICATE_AGENT' });
    }
    expect(thrown(() => model.connectAgent('a', 'auctioneer')).message).toBe(
      'An agent with id [a] was already connected',
    );
    expect(model.matcherStatuses()[0]!.children).toEqual(['a']);
  });

  it('PM-CL-1: a remote agent must name a registered local matcher', () => {
    const { model } = testCluster();
    expect(thrown(() => model.connectAgent('a', 'nowhere'))).toEqual({
      code: 'UNKNOWN_PARENT',
      message: 'Desired parent [nowhere] does not exist',
    });
    model.connectAgent('a', 'auctioneer');
    expect(thrown(() => model.connectAgent('b', 'a'))).toMatchObject({ code: 'UNKNOWN_PARENT' });
  });

  it('PM-CL-1: configuration checks at start-up', () => {
    const clock = () => 0;
    const create = (
      concentrators: { id: string; parentId: string | null; floor?: number; ceiling?: number; kind?: 'peakShaving' }[],
    ) => thrown(() => ClusterModel.create({ clock, concentrators }));
    expect(create([{ id: 'c1', parentId: 'missing' }])).toEqual({
      code: 'UNKNOWN_PARENT',
      message: 'Desired parent [missing] does not exist',
    });
    expect(
      create([
        { id: 'c1', parentId: 'c2' },
        { id: 'c2', parentId: 'c1' },
      ]),
    ).toEqual({ code: 'INVALID_CONFIGURATION', message: 'Cyclic parent chain at [c1]' });
    expect(create([{ id: 'auctioneer', parentId: 'auctioneer' }])).toEqual({
      code: 'DUPLICATE_AGENT',
      message: 'An agent with id [auctioneer] was already connected',
    });
    expect(create([{ id: 'ps', parentId: 'auctioneer', kind: 'peakShaving', floor: 10, ceiling: 10 }])).toEqual({
      code: 'INVALID_CONFIGURATION',
      message: "The floor constraint shouldn't be higher than the ceiling constraint",
    });
    expect(thrown(() => ClusterModel.create({ clock, auctioneer: { minTimeBetweenPriceUpdates: -1 } }))).toMatchObject({
      code: 'INVALID_CONFIGURATION',
    });
  });

  it('PM-CL-1: registering a concentrator that would close a cycle is refused', () => {
    const { model } = testCluster();
    model.registerConcentrator({ id: 'c1', parentId: 'c2' });
    expect(thrown(() => model.registerConcentrator({ id: 'c2', parentId: 'c1' }))).toEqual({
      code: 'INVALID_CONFIGURATION',
      message: 'Cyclic parent chain at [c2]',
    });
  });

  it('PM-CL-2: a concentrator losing its parent ends its children: local ones pend, remote ones get 4410', () => {
    const { model, at } = twoLevelCluster();
    bid(model, 'x', 1, flat(10));
    at(0);
    expect(model.aggregate('auctioneer')).toEqual({ demand: flat(10), agentCount: 1 });
    const effects = model.unregister('c1');
    expect(
      ofType(effects, 'disconnect').map((e) => `${e.agentId}<${e.parentId}:${e.sessionId}:${e.code}:${e.reason}`),
    ).toEqual(['x<c2:session-3:4410:Parent disconnected', 'y<c1:session-4:4410:Parent disconnected']);
    expect(model.isTaken('x')).toBe(false);
    expect(model.matcherStatuses().find((m) => m.id === 'c2')).toMatchObject({ connected: false, children: [] });
    // The auctioneer re-prices without c1's bid.
    expect(ofType(at(0), 'aggregated')[0]).toMatchObject({ matcherId: 'auctioneer', demand: flat(0) });
    // c2 reconnects as soon as its parent is back; remote agents must reconnect themselves.
    const back = model.registerConcentrator({ id: 'c1', parentId: 'auctioneer' });
    expect(ofType(back, 'clusterInfo').map((e) => e.agentId)).toEqual(['c1', 'c2']);
  });

  it('PM-CL-2: unregistering a pending concentrator disconnects the remote agents pending on it', () => {
    const { model } = testCluster({ concentrators: [{ id: 'c1', parentId: null }] });
    model.connectAgent('p', 'c1');
    expect(model.unregister('c1')).toEqual([
      {
        type: 'disconnect',
        t: 0,
        agentId: 'p',
        parentId: 'c1',
        sessionId: null,
        code: 4410,
        reason: 'Parent disconnected',
      },
    ]);
  });

  it('PM-CL-3: a local agent numbers its bids per session from 1, sends its bid on session creation, and suppresses repeats', () => {
    const { model, at } = testCluster({ concentrators: [{ id: 'c1', parentId: null, minTimeBetweenBidUpdates: 0 }] });
    model.registerDeviceAgent('d', 'c1');
    expect(model.updateDeviceBid('d', flat(5))).toEqual([]);
    const connected = model.connectParent('c1', { clusterId: 'remote', marketBasis: basis6 });
    expect(connected.map((e) => `${e.type}:${e.type === 'bid' ? e.bidNumber : ''}`)).toEqual([
      'clusterInfo:',
      'clusterInfo:',
      'bid:1',
      'bidAccepted:',
    ]);
    expect(model.updateDeviceBid('d', flat(5))).toEqual([]);
    expect(ofType(model.updateDeviceBid('d', flat(4)), 'bid').map((e) => e.bidNumber)).toEqual([2]);
    at(0);
    model.disconnectParent('c1');
    const again = model.connectParent('c1', { clusterId: 'remote', marketBasis: basis6 });
    expect(ofType(again, 'bid').map((e) => [e.agentId, e.bidNumber])).toEqual([['d', 1]]);
    expect(() => model.updateDeviceBid('d', [1, 2, 3, 4, 5, 6])).toThrow(exactly('The demand can not be ascending'));
    model.disconnectParent('c1');
    // Pending, the basis is unknown, but a demand that is no array at all is refused at once.
    expect(thrown(() => model.updateDeviceBid('d', 'x' as unknown as number[]))).toEqual({
      code: 'INVALID_BID',
      message: 'Length of the demandArray is not equal to the number of price steps',
    });
  });

  it('PM-CL-2: cluster info is emitted exactly once per session', () => {
    const { model } = testCluster({ concentrators: [{ id: 'c1', parentId: null }] });
    model.connectAgent('a', 'c1');
    const first = model.connectParent('c1', { clusterId: 'x', marketBasis: basis6 });
    expect(ofType(first, 'clusterInfo').map((e) => e.agentId)).toEqual(['c1', 'a']);
    expect(model.connectParent('c1', { clusterId: 'x', marketBasis: basis6 })).toEqual([]);
  });

  it('PM-CL-2: a reconnected agent gets no price for its previous session’s bid (§9 D9)', () => {
    const { model, at } = testCluster();
    model.connectAgent('a', 'auctioneer');
    model.connectAgent('b', 'auctioneer');
    bid(model, 'a', 1, flat(10));
    bid(model, 'b', 1, flat(-10));
    model.disconnectAgent('a');
    model.connectAgent('a', 'auctioneer');
    expect(priceLog(at(0))).toEqual(['b:1@0']);
  });

  it('PM-CL-5: local deliveries are depth-first', () => {
    const { model, at } = twoLevelCluster();
    model.connectAgent('z', 'auctioneer');
    bid(model, 'x', 1, flat(1));
    bid(model, 'y', 1, flat(1));
    bid(model, 'z', 1, flat(-2));
    expect(priceLog(at(0)).map((entry) => entry.split('@')[0])).toEqual(['c1:1', 'c2:1', 'x:1', 'y:1', 'z:1']);
  });

  it('PM-CL-7: the same inputs give the same effects', () => {
    const script = () => {
      const { model, at } = testCluster({
        concentrators: [{ id: 'c1', parentId: 'auctioneer', minTimeBetweenBidUpdates: 300 }],
      });
      const log = [];
      log.push(...model.connectAgent('a', 'c1'), ...model.connectAgent('b', 'auctioneer'));
      log.push(...bid(model, 'a', 3, flat(4)), ...bid(model, 'b', 2, [9, 5, 1, -3, -7, -9]), ...at(100));
      log.push(...bid(model, 'a', 4, flat(-4)), ...at(1000));
      return log;
    };
    expect(script()).toEqual(script());
    expect(script().length).toBeGreaterThan(10);
  });
});
