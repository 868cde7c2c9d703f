import { ASCENDING, type Bid, checkDemand, invalidBid, MAX_ABS_DEMAND, notFinite, outOfRange } from './bid';
import { PowerMatcherError } from './errors';
import type { MarketBasis } from './market-basis';

/** v2.1's demand-array builder (§3.1), for agents written against the lib; messages are v2.1's. */
export class DemandArrayBuilder {
  private readonly basis: MarketBasis;
  private values: number[] = [];

  constructor(basis: MarketBasis | null | undefined) {
    if (basis == null) throw new PowerMatcherError('INVALID_MARKET_BASIS', 'marketBasis is not allowed to be null');
    this.basis = basis;
  }

  /** Appends the demand of the next price step. */
  demand(x: number): this {
    const index = this.values.length;
    if (index >= this.basis.priceSteps) throw invalidBid('Demand array has already been filled to maximum');
    if (typeof x !== 'number' || !Number.isFinite(x)) throw notFinite(index);
    if (Math.abs(x) > MAX_ABS_DEMAND) throw outOfRange(index);
    if (index > 0 && x > this.values[index - 1]) throw invalidBid(ASCENDING);
    this.values.push(x);
    return this;
  }

  /** Replaces whatever was filled so far by a complete array. */
  demandArray(demand: readonly number[]): this {
    if (!Array.isArray(demand) || demand.length !== this.basis.priceSteps) {
      throw invalidBid('supplied array is not same size as number of priceSteps in MarketBasis');
    }
    this.values = checkDemand(this.basis, demand);
    return this;
  }

  /** Repeats the last value into the steps `next … k-1`; nothing when `k ≤ next`. */
  fillTo(k: number): this {
    const next = this.values.length;
    if (next === 0) throw invalidBid('Demand array contains no demand that can be extended');
    if (k > this.basis.priceSteps) throw invalidBid('The supplied priceStep is out of bounds');
    const last = this.values[next - 1];
    for (let i = next; i < k; i++) this.values.push(last);
    return this;
  }

  build(): Bid {
    this.fillTo(this.basis.priceSteps);
    return { marketBasis: this.basis, demand: checkDemand(this.basis, this.values) };
  }
}
