import type { Bid } from './bid';
import { gridPrice, priceIncrement } from './price-grid';

/** §4 and §10: demands closer than this (W, absolute, strict) count as equal. */
export const DEMAND_TOLERANCE = 1e-6;

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < DEMAND_TOLERANCE;
}

/**
 * PM-EQ-1: the price at which the bid's curve (valid per PM-BID-1 rows 1, 2, 4) meets `target` W (finite; the
 * auctioneer uses 0). Follows v2.1's operation order exactly, so the result is bit-identical to it wherever
 * v2.1 did not throw; the result is clamped to [min, max] (§9 D3). Not re-validated here.
 */
export function intersection(bid: Bid, target = 0): number {
  const { marketBasis: basis, demand } = bid;
  const min = basis.minimumPrice;
  const max = basis.maximumPrice;
  const n = basis.priceSteps;
  if (target > demand[0]) return min;
  if (target < demand[n - 1]) return max;
  let l = 0;
  let r = n - 1;
  if (near(target, demand[0])) r = 0;
  else if (near(target, demand[n - 1])) l = n - 1;
  else {
    while (r - l > 1) {
      const m = Math.floor((l + r) / 2);
      const d = demand[m];
      if (near(target, d)) {
        l = m;
        r = m;
      } else if (d > target) l = m;
      else r = m;
    }
  }
  // On a plateau at the target the price is its midpoint, so [l, r] must span the whole plateau.
  while (l > 0 && near(target, demand[l - 1])) l--;
  while (r < n - 1 && near(target, demand[r + 1])) r++;
  const increment = priceIncrement(basis);
  const pL = r === 0 ? min : gridPrice(min, max, increment, l);
  const pR = l === n - 1 ? max : gridPrice(min, max, increment, r);
  const dL = demand[l];
  const dR = demand[r];
  const f = near(dL, dR) ? 0.5 : (dL - target) / (dL - dR);
  const price = pL + (pR - pL) * f;
  return price < min ? min : price > max ? max : price;
}
