import fc from 'fast-check';
import { bid, ofType, testCluster } from './cluster.test-util';
import type { Effect } from './effects';
import type { ConcentratorOptions } from './configuration';

const curve = fc
  .array(fc.integer({ min: -5000, max: 5000 }), { minLength: 6, maxLength: 6 })
  .map((values) => values.sort((a, b) => b - a));

/** Concentrator i hangs under the auctioneer or an earlier concentrator; agents hang under any matcher. */
const scenario = fc.record({
  parents: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  agents: fc.array(
    fc.record({ matcher: fc.nat(), bidNumber: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), demand: curve }),
    {
      minLength: 1,
      maxLength: 12,
    },
  ),
  rebids: fc.array(fc.record({ agent: fc.nat(), demand: curve }), { maxLength: 5 }),
});

function lastPrices(effects: readonly Effect[]): Map<string, [number, number]> {
  const prices = new Map<string, [number, number]>();
  for (const effect of ofType(effects, 'price')) prices.set(effect.agentId, [effect.price, effect.bidNumber]);
  return prices;
}

describe('hierarchy (PM-AGG-1, PM-CL-6)', () => {
  it('PM-AGG-1: with cooling-off 0 and integral bids a tree of concentrators prices exactly like the flat cluster', () => {
    fc.assert(
      fc.property(scenario, ({ parents, agents, rebids }) => {
        const concentrators: ConcentratorOptions[] = parents.map((p, i) => ({
          id: `c${i}`,
          parentId: p % (i + 1) === 0 ? 'auctioneer' : `c${(p % (i + 1)) - 1}`,
          minTimeBetweenBidUpdates: 0,
        }));
        const matcherIds = ['auctioneer', ...concentrators.map((c) => c.id)];
        const tree = testCluster({ concentrators });
        const flat = testCluster();
        agents.forEach((agent, i) => {
          tree.model.connectAgent(`a${i}`, matcherIds[agent.matcher % matcherIds.length]!);
          flat.model.connectAgent(`a${i}`, 'auctioneer');
        });
        const check = (bids: { agent: number; bidNumber: number; demand: number[] }[]) => {
          if (bids.length === 0) return;
          for (const { agent, bidNumber, demand } of bids) {
            bid(tree.model, `a${agent}`, bidNumber, demand);
            bid(flat.model, `a${agent}`, bidNumber, demand);
          }
          const treeEffects = tree.at(0);
          const flatEffects = flat.at(0);
          const treeRounds = ofType(treeEffects, 'round');
          const flatRounds = ofType(flatEffects, 'round');
          // The auctioneer may run before a concentrator's bid arrives and again after it: the last round counts.
          expect(flatRounds).toHaveLength(1);
          expect(Object.is(treeRounds.at(-1)!.price, flatRounds[0]!.price)).toBe(true);
          const treePrices = lastPrices(treeEffects);
          for (const [agentId, [price, bidNumber]] of lastPrices(flatEffects)) {
            expect(treePrices.get(agentId)).toEqual([price, bidNumber]);
          }
        };
        check(agents.map((agent, i) => ({ agent: i, bidNumber: agent.bidNumber, demand: agent.demand })));
        check(
          rebids.map((rebid, k) => ({ agent: rebid.agent % agents.length, bidNumber: k + 1, demand: rebid.demand })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('PM-AGG-1: a hierarchy of depth 3 gives every agent the flat cluster’s price with its own bid number', () => {
    const concentrators: ConcentratorOptions[] = [
      { id: 'c1', parentId: 'auctioneer', minTimeBetweenBidUpdates: 0 },
      { id: 'c2', parentId: 'c1', minTimeBetweenBidUpdates: 0 },
      { id: 'c3', parentId: 'c2', minTimeBetweenBidUpdates: 0 },
    ];
    const tree = testCluster({ concentrators });
    const flat = testCluster();
    const bids: [string, string, number, number[]][] = [
      ['deep', 'c3', 17, [900, 700, 100, -300, -700, -900]],
      ['mid', 'c2', -3, [250, 250, 250, -250, -250, -250]],
      ['top', 'c1', 2, [0, 0, 0, 0, 0, -1000]],
      ['root', 'auctioneer', 8, [-100, -100, -100, -100, -100, -100]],
    ];
    for (const [agentId, matcherId, bidNumber, demand] of bids) {
      tree.model.connectAgent(agentId, matcherId);
      flat.model.connectAgent(agentId, 'auctioneer');
      bid(tree.model, agentId, bidNumber, demand);
      bid(flat.model, agentId, bidNumber, demand);
    }
    const treePrices = lastPrices(tree.at(0));
    const flatPrices = lastPrices(flat.at(0));
    // Aggregate [1050, 850, 250, -650, -1050, -2250]: the crossing lies between 4 and 6.
    const expected = 4 + (6 - 4) * (250 / 900);
    expect(flatPrices.get('deep')).toEqual([expected, 17]);
    for (const [agentId, , bidNumber] of bids) expect(treePrices.get(agentId)).toEqual([expected, bidNumber]);
    expect(treePrices.get('c3')).toEqual([expected, 1]);
  });
});
