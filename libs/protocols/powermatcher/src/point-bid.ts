import { type Bid, checkDemand, invalidBid, MAX_ABS_DEMAND } from './bid';
import { type MarketBasis, requireMarketBasis } from './market-basis';
import { checkPrice, gridPrice, priceIncrement } from './price-grid';

/** One point of a point bid (1.9 `pricePoints`): at `price`, `demand` W. */
export interface PricePoint {
  readonly price: number;
  readonly demand: number;
}

/** §10: at most this many points in one point bid. */
export const MAX_PRICE_POINTS = 10_000;
/** §3.2: an interpolated ascent smaller than this is flattened to the previous step's value. */
const ROUNDING_GUARD = 1e-10;

/** §3.2 point validation, first failure wins; returns a copy of the points. */
function checkPoints(basis: MarketBasis, points: readonly PricePoint[]): PricePoint[] {
  requireMarketBasis(basis);
  if (!Array.isArray(points) || points.length === 0) throw invalidBid('A point bid needs at least one price point');
  if (points.length > MAX_PRICE_POINTS) throw invalidBid('Too many price points');
  return points.map((point: Partial<PricePoint> | null) => {
    const price = checkPrice(basis, point?.price);
    const demand = typeof point?.demand === 'number' ? point.demand : NaN;
    if (Number.isNaN(demand)) throw invalidBid('Can not create a PricePoint for a NaN demand');
    if (!Number.isFinite(demand)) throw invalidBid('Can not create a PricePoint for an infinite demand');
    if (Math.abs(demand) > MAX_ABS_DEMAND) throw invalidBid('Demand of a price point is out of range');
    return { price, demand };
  });
}

/**
 * v2.1's price-point order (§3.2): price ascending, then demand descending, so that at a vertical step the
 * higher demand comes first. A comparator for `Array.prototype.sort`; 0 and −0 compare equal.
 */
export function comparePricePoints(a: PricePoint, b: PricePoint): number {
  return a.price < b.price ? -1 : a.price > b.price ? 1 : a.demand > b.demand ? -1 : a.demand < b.demand ? 1 : 0;
}

/** Sorted by `comparePricePoints`; exact duplicates (0 equals −0) dropped, the first kept. */
function sortPoints(points: PricePoint[]): PricePoint[] {
  const sorted = points.sort(comparePricePoints);
  return sorted.filter((p, i) => i === 0 || p.price !== sorted[i - 1].price || p.demand !== sorted[i - 1].demand);
}

/** The demand at grid price `p` per v2.1's point-bid builder, before the rounding guard. */
function demandAtGridPrice(points: PricePoint[], p: number): number {
  const m = points.length;
  const first = points[0];
  const last = points[m - 1];
  // v2.1's flat test, kept literally: equal end demands give a flat bid even if inner points differ.
  if (first.demand === last.demand) return last.demand;
  if (p < first.price) return first.demand;
  if (p >= last.price) return last.demand;
  let lo = 0;
  let hi = m;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const price = points[mid].price;
    if (price < p) lo = mid;
    else if (price > p) hi = mid;
    else {
      // A vertical step at exactly p: the last (lowest) demand at that price applies.
      let k = mid;
      while (k + 1 < m && points[k + 1].price === p) k++;
      return points[k].demand;
    }
  }
  const low = points[lo];
  const high = points[hi];
  const f = (p - low.price) / (high.price - low.price);
  return (1 - f) * low.demand + f * high.demand;
}

/** PM-BID-3: converts a point bid to its demand array exactly as v2.1 does, then validates it (PM-BID-1). */
export function pointBidDemand(basis: MarketBasis, points: readonly PricePoint[]): number[] {
  const sorted = sortPoints(checkPoints(basis, points));
  const increment = priceIncrement(basis);
  const out = new Array<number>(basis.priceSteps);
  let last = Infinity;
  for (let i = 0; i < basis.priceSteps; i++) {
    let d = demandAtGridPrice(sorted, gridPrice(basis.minimumPrice, basis.maximumPrice, increment, i));
    if (d > last && d - ROUNDING_GUARD < last) d = last;
    out[i] = d;
    last = d;
  }
  return checkDemand(basis, out);
}

/** A bid from price points (PM-BID-3). */
export function pointBid(basis: MarketBasis, points: readonly PricePoint[]): Bid {
  return { marketBasis: basis, demand: pointBidDemand(basis, points) };
}
