import { marketBasis } from '../market-basis';
import type { Effect } from './effects';
import type { ClusterModelOptions } from './configuration';
import { ClusterModel } from './model';

/** 6 steps on 0 … 10 (grid 0, 2, 4, 6, 8, 10), the basis of the SPEC's worked examples. */
export const basis6 = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 6,
  minimumPrice: 0,
  maximumPrice: 10,
});

/** The same `x` W at each of basis6's steps. */
export function flat(x: number): number[] {
  return [x, x, x, x, x, x];
}

/** A model on a hand-driven clock. */
export function testCluster(options: Omit<ClusterModelOptions, 'clock'> = {}): {
  model: ClusterModel;
  effects: Effect[];
  clock: { now: number };
  /** Sets the clock, then runs everything due up to it. */
  at: (time: number) => Effect[];
} {
  const clock = { now: 0 };
  const { model, effects } = ClusterModel.create({
    auctioneer: { marketBasis: basis6, minTimeBetweenPriceUpdates: 0, clusterId: 'demo' },
    ...options,
    clock: () => clock.now,
  });
  return {
    model,
    effects,
    clock,
    at: (time) => {
      clock.now = time;
      return model.advanceTo(time);
    },
  };
}

export function ofType<T extends Effect['type']>(effects: readonly Effect[], type: T): Extract<Effect, { type: T }>[] {
  return effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
}

/** `agentId:bidNumber@price` for every price effect, in delivery order. */
export function priceLog(effects: readonly Effect[]): string[] {
  return ofType(effects, 'price').map((p) => `${p.agentId}:${p.bidNumber}@${p.price}`);
}

export function bid(
  model: ClusterModel,
  agentId: string,
  bidNumber: number,
  demand: number[],
  basis = basis6,
): Effect[] {
  return model.receiveBid(agentId, { marketBasis: basis, bidNumber, demand });
}
