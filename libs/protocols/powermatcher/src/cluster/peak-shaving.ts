import { type Bid, MAX_ABS_DEMAND } from '../bid';
import { PowerMatcherError } from '../errors';
import { checkSameMarketBasis } from '../market-basis';
import { gridIndexOf, priceOf } from '../price-grid';

/** §6.8 and §10: the flow limits of a peak-shaving concentrator, in W (bid sign: positive = consumption). */
export interface FlowLimits {
  readonly floor: number;
  readonly ceiling: number;
}

export const DEFAULT_FLOW_LIMITS: FlowLimits = { floor: -50_000, ceiling: 50_000 };

export function flowLimits(floor = DEFAULT_FLOW_LIMITS.floor, ceiling = DEFAULT_FLOW_LIMITS.ceiling): FlowLimits {
  if (!Number.isFinite(floor) || !Number.isFinite(ceiling) || !(ceiling > floor)) {
    throw new PowerMatcherError(
      'INVALID_CONFIGURATION',
      "The floor constraint shouldn't be higher than the ceiling constraint",
    );
  }
  return { floor, ceiling };
}

/** Validates a flow measurement (§6.8): finite and |m| ≤ 1e12 W. */
export function checkMeasurement(measurement: unknown): number {
  if (typeof measurement !== 'number' || !Number.isFinite(measurement) || Math.abs(measurement) > MAX_ABS_DEMAND) {
    throw new PowerMatcherError('INVALID_MEASUREMENT', 'Invalid measurement');
  }
  return measurement;
}

/** Flattens the parts of a bid outside [floor, ceiling] (v2.1 `PeakShavingConcentrator` clip). */
export function clipToFlowLimits(bid: Bid, limits: FlowLimits): Bid {
  return { marketBasis: bid.marketBasis, demand: clip(bid.demand, limits) };
}

function clip(demand: readonly number[], limits: FlowLimits): number[] {
  const b = demand.slice();
  const n = b.length;
  const s = b.findIndex((value) => value <= limits.ceiling);
  if (s < 0) return b.fill(b[n - 1]);
  b.fill(b[s], 0, s);
  // Searched after the step above, as v2.1 does.
  let e = n - 1;
  while (e >= 0 && !(b[e] >= limits.floor)) e--;
  if (e < 0) return b.fill(b[0]);
  return b.fill(b[e], e + 1);
}

/**
 * transformBid (§6.8): the children's aggregate seen through the connection, clipped to the limits and
 * shifted back. `uncontrolled` = measuredFlow − allocatedFlow, NaN until both are known. The transposes are
 * not validated (v2.1).
 */
export function peakShavingBid(aggregate: Bid, limits: FlowLimits, uncontrolled: number): Bid {
  const demand = aggregate.demand;
  if (Number.isNaN(uncontrolled)) return { marketBasis: aggregate.marketBasis, demand: clip(demand, limits) };
  const clipped = clip(
    demand.map((value) => value + uncontrolled),
    limits,
  );
  return { marketBasis: aggregate.marketBasis, demand: clipped.map((value) => value - uncontrolled) };
}

/**
 * transformPrice (§6.8): from the parent's price on the sent (clipped) bid, the grid price at which the
 * original aggregate meets the same flow. The walk is bounded at 0 and n-1 (v2.1 ran past them, §9 D7).
 */
export function peakShavingPrice(original: Bid, sent: Bid, price: number): { price: number; allocatedFlow: number } {
  checkSameMarketBasis(original.marketBasis, sent.marketBasis);
  const basis = original.marketBasis;
  const n = basis.priceSteps;
  let i = gridIndexOf(basis, price);
  const t = sent.demand[i];
  const orig = original.demand;
  let r = orig[i];
  if (t < r) {
    while (t < r && i < n - 1) r = orig[++i];
  } else if (t > r) {
    while (t > r && i > 0) r = orig[--i];
  }
  return { price: priceOf(basis, i), allocatedFlow: orig[i] };
}
