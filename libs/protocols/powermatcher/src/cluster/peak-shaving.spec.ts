import { basis6, bid, ofType, priceLog, testCluster } from './cluster.test-util';
import { clipToFlowLimits, flowLimits, peakShavingBid, peakShavingPrice } from './peak-shaving';
import type { Bid } from '../bid';
import { exactly } from '../exact-message.test-util';

const limits = flowLimits(-250, 250);
const b = (demand: number[]): Bid => ({ marketBasis: basis6, demand });

function peakShavingCluster() {
  const cluster = testCluster({
    auctioneer: null,
    concentrators: [
      { id: 'ps', parentId: null, kind: 'peakShaving', floor: -250, ceiling: 250, minTimeBetweenBidUpdates: 0 },
    ],
  });
  cluster.model.connectParent('ps', { clusterId: 'remote', marketBasis: basis6 });
  cluster.model.connectAgent('a', 'ps');
  cluster.model.connectAgent('b', 'ps');
  return cluster;
}

describe('peak shaving (PM-PS-1)', () => {
  it('PM-PS-1: the §6.8 example: clipped bid, price walked back to the original curve, then a measurement', () => {
    const { model, at } = peakShavingCluster();
    bid(model, 'a', 1, [600, 300, 100, -100, -300, -300]);
    bid(model, 'b', 4, [0, 0, 0, 0, 0, -200]);
    expect(ofType(at(0), 'bid')[0]!.demand).toEqual([100, 100, 100, -100, -100, -100]);
    // Price 9 → index 5; sent −100 > original −500 → walk down to index 3, where the original is −100.
    expect(priceLog(model.receivePrice('ps', 9, 1))).toEqual(['a:1@6', 'b:4@6']);
    // allocatedFlow is now −100; 400 W measured → u = 500.
    model.measureFlow('ps', 400);
    expect(model.nextDueTime()).toBe(0);
    expect(ofType(at(0), 'bid')[0]).toMatchObject({ bidNumber: 2, demand: [-300, -300, -300, -300, -300, -500] });
  });

  it('PM-PS-1: a new parent session keeps the measured and allocated flows (§6.7)', () => {
    const { model, at } = peakShavingCluster();
    const children = (): void => {
      bid(model, 'a', 1, [600, 300, 100, -100, -300, -300]);
      bid(model, 'b', 4, [0, 0, 0, 0, 0, -200]);
    };
    children();
    at(0);
    model.receivePrice('ps', 9, 1);
    model.measureFlow('ps', 400);
    model.disconnectParent('ps');
    model.connectParent('ps', { clusterId: 'remote', marketBasis: basis6 });
    model.connectAgent('a', 'ps');
    model.connectAgent('b', 'ps');
    children();
    // Still u = 400 − (−100) = 500, as in the §6.8 example.
    expect(ofType(at(0), 'bid')[0]).toMatchObject({ bidNumber: 1, demand: [-300, -300, -300, -300, -300, -500] });
  });

  it('PM-PS-1: within the limits the bid passes unchanged and the price is the grid price of its step', () => {
    const { model, at } = peakShavingCluster();
    bid(model, 'a', 1, [200, 100, 0, -100, -200, -200]);
    expect(ofType(at(0), 'bid')[0]!.demand).toEqual([200, 100, 0, -100, -200, -200]);
    expect(priceLog(model.receivePrice('ps', 4.9, 1))).toEqual(['a:1@4']);
  });

  it('PM-PS-1: all above the ceiling or all below the floor', () => {
    expect(clipToFlowLimits(b([900, 800, 700, 600, 500, 400]), limits).demand).toEqual([400, 400, 400, 400, 400, 400]);
    expect(clipToFlowLimits(b([-300, -400, -500, -500, -600, -700]), limits).demand).toEqual([
      -300, -300, -300, -300, -300, -300,
    ]);
    expect(clipToFlowLimits(b([300, 250, 0, -250, -300, -400]), limits).demand).toEqual([
      250, 250, 0, -250, -250, -250,
    ]);
  });

  it('PM-PS-1: the transform shifts by the uncontrolled flow and back; NaN means unknown', () => {
    expect(peakShavingBid(b([600, 300, 100, -100, -300, -500]), limits, NaN).demand).toEqual([
      100, 100, 100, -100, -100, -100,
    ]);
    expect(peakShavingBid(b([600, 300, 100, -100, -300, -500]), limits, 500).demand).toEqual([
      -300, -300, -300, -300, -300, -500,
    ]);
  });

  it('PM-PS-1: the price walk stops at the grid ends (v2.1 ran past them, §9 D7)', () => {
    const original = b([5, 4, 3, 2, 1, 0]);
    expect(peakShavingPrice(original, b([-9, -9, -9, -9, -9, -9]), 0)).toEqual({ price: 10, allocatedFlow: 0 });
    expect(peakShavingPrice(original, b([9, 9, 9, 9, 9, 9]), 10)).toEqual({ price: 0, allocatedFlow: 5 });
  });

  it('PM-PS-1: measurements are validated; while not connected they are only stored', () => {
    const { model } = testCluster({
      auctioneer: null,
      concentrators: [
        { id: 'ps', parentId: null, kind: 'peakShaving' },
        { id: 'plain', parentId: null },
      ],
    });
    expect(() => model.measureFlow('ps', NaN)).toThrow(exactly('Invalid measurement'));
    expect(() => model.measureFlow('ps', 2e12)).toThrow(exactly('Invalid measurement'));
    expect(() => model.measureFlow('plain', 1)).toThrow(exactly('No peak-shaving concentrator [plain]'));
    expect(model.measureFlow('ps', -1250.5)).toEqual([]);
    expect(model.nextDueTime()).toBeNull();
  });

  it('PM-PS-1: floor must be below ceiling', () => {
    expect(() => flowLimits(5, 5)).toThrow(
      exactly("The floor constraint shouldn't be higher than the ceiling constraint"),
    );
    expect(flowLimits()).toEqual({ floor: -50_000, ceiling: 50_000 });
  });
});
