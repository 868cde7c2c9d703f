import { PowerMatcherError } from './errors';
import { checkSameMarketBasis, type MarketBasis, marketBasisEquals, requireMarketBasis } from './market-basis';
import { type Price, priceIndex, priceStep } from './price-grid';

/** SPEC §3.1: watts at each price step; positive = consumption, negative = production, non-increasing in price. */
export interface Bid {
  readonly marketBasis: MarketBasis;
  readonly demand: readonly number[];
}

/** §3.1 row 3 and §10: the largest |demand| a bid entering the cluster may carry, in W. */
export const MAX_ABS_DEMAND = 1e12;

/**
 * Which rows of PM-BID-1 apply: `entering` (from agents, remote concentrators, the objective, the REST API)
 * checks all four; `computed` (aggregates and what is computed from them) skips the 1e12 bound, as a sum of
 * valid bids may exceed it.
 */
export type DemandScope = 'entering' | 'computed';

export function invalidBid(message: string): PowerMatcherError {
  return new PowerMatcherError('INVALID_BID', message);
}

export const LENGTH_MISMATCH = 'Length of the demandArray is not equal to the number of price steps';
export const ASCENDING = 'The demand can not be ascending';

export function notFinite(index: number): PowerMatcherError {
  return invalidBid(`Demand at index ${index} is not a finite number`);
}

export function outOfRange(index: number): PowerMatcherError {
  return invalidBid(`Demand at index ${index} is out of range`);
}

/**
 * PM-BID-1: validates `demand` for `basis`, row by row over all indices (first failing row, lowest index),
 * and returns a copy.
 */
export function checkDemand(basis: MarketBasis, demand: unknown, scope: DemandScope = 'entering'): number[] {
  const n = requireMarketBasis(basis).priceSteps;
  if (!Array.isArray(demand) || demand.length !== n) throw invalidBid(LENGTH_MISMATCH);
  for (let i = 0; i < n; i++) {
    const value: unknown = demand[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw notFinite(i);
  }
  const values = demand as number[];
  if (scope === 'entering') {
    for (let i = 0; i < n; i++) if (Math.abs(values[i]) > MAX_ABS_DEMAND) throw outOfRange(i);
  }
  // Strict comparison, no tolerance (v2.1).
  for (let i = 1; i < n; i++) if (values[i] > values[i - 1]) throw invalidBid(ASCENDING);
  return values.slice();
}

/** A validated bid (PM-BID-1) holding its own copy of `demand`. */
export function bid(basis: MarketBasis, demand: readonly number[], scope: DemandScope = 'entering'): Bid {
  return { marketBasis: basis, demand: checkDemand(basis, demand, scope) };
}

/** The same `x` W at every price step. */
export function flatBid(basis: MarketBasis, x: number): Bid {
  return bid(basis, new Array<number>(requireMarketBasis(basis).priceSteps).fill(x));
}

/** PM-BID-2, arrays only: element-wise identical, +0 and −0 differ (v2.1 compares bitwise). */
export function demandEquals(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** PM-BID-2: equal market bases and identical demand values. */
export function bidEquals(a: Bid, b: Bid): boolean {
  return marketBasisEquals(a.marketBasis, b.marketBasis) && demandEquals(a.demand, b.demand);
}

export function maximumDemand(b: Bid): number {
  return b.demand[0];
}

export function minimumDemand(b: Bid): number {
  return b.demand[b.demand.length - 1];
}

function combine(a: Bid, b: Bid, op: (x: number, y: number) => number): number[] {
  checkSameMarketBasis(a.marketBasis, b.marketBasis);
  return a.demand.map((x, i) => op(x, b.demand[i]));
}

/** `a[i] + b[i]`; not validated, as a sum of valid bids is valid (PM-BID-4). */
export function aggregate(a: Bid, b: Bid): Bid {
  return { marketBasis: a.marketBasis, demand: combine(a, b, (x, y) => x + y) };
}

/** `a[i] - b[i]`, then rows 1, 2 and 4: may fail with `The demand can not be ascending`. */
export function subtract(a: Bid, b: Bid): Bid {
  return bid(
    a.marketBasis,
    combine(a, b, (x, y) => x - y),
    'computed',
  );
}

/** `a[i] + x`, then rows 1, 2 and 4 (a non-finite `x` fails row 2 at index 0). */
export function transpose(a: Bid, x: number): Bid {
  return bid(
    a.marketBasis,
    a.demand.map((v) => v + x),
    'computed',
  );
}

/** The demand at the nearest step of a valid price: no interpolation (v2.1, how an agent reads its allocation). */
export function demandAt(b: Bid, price: number | Price): number {
  return b.demand[priceIndex(b.marketBasis, price)];
}

/** Ours, for display: linear interpolation between the two steps around a valid price. */
export function interpolatedDemandAt(b: Bid, price: number | Price): number {
  const s = priceStep(b.marketBasis, price);
  const k = Math.min(Math.floor(s), b.marketBasis.priceSteps - 2);
  const d = b.demand;
  return d[k] + (d[k + 1] - d[k]) * (s - k);
}
