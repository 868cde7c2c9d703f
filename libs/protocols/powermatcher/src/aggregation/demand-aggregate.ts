import { LENGTH_MISMATCH, notFinite } from '../bid';
import { PowerMatcherError } from '../errors';
import { ExactSums } from './exact-sums';

/** Below this bound on Σ|value| a sum of integers is exact in plain doubles, in any order (SPEC §5.1). */
const EXACT_INTEGER_BOUND = 2n ** 53n;

/**
 * The aggregate of a matcher (SPEC §5, PM-AGG-1/PM-AGG-2): one demand curve per child, and per price step
 * the exact sum of the children's values, read correctly rounded, so the result is independent of order and
 * history. Setting or deleting one child's curve costs O(priceSteps), whatever the number of children.
 *
 * Two representations of the same exact sums:
 * - plain doubles while every curve is integral and Σ_children max|value| < 2^53: every partial sum is then
 *   an integer below 2^53, so each addition and subtraction is exact;
 * - otherwise an exact fixed-point accumulator per step (`ExactSums`).
 * The switch between them converts the current sums exactly, so either path gives the same bits.
 *
 * Curves live in one growing Float64Array (a slot per child) so a full rebuild streams through memory.
 */
export class DemandAggregate {
  private readonly slots = new Map<string, number>();
  private curves: Float64Array;
  private absMax: Float64Array;
  private integral: Uint8Array;
  private live: Uint8Array;
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  private nonIntegralCurves = 0;
  /** Σ max|value| over the integral curves, exactly. */
  private integralBound = 0n;
  private readonly sums: Float64Array;
  private exact: ExactSums | null = null;
  private exactMode = false;
  private readonly incoming: Float64Array;

  constructor(readonly priceSteps: number) {
    if (!Number.isInteger(priceSteps) || priceSteps <= 0) {
      throw new PowerMatcherError('INVALID_MARKET_BASIS', 'Price steps must be > 0.');
    }
    this.sums = new Float64Array(priceSteps);
    this.incoming = new Float64Array(priceSteps);
    this.curves = new Float64Array(16 * priceSteps);
    this.absMax = new Float64Array(16);
    this.integral = new Uint8Array(16);
    this.live = new Uint8Array(16);
  }

  /** The number of children with a curve. */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Adds or replaces the child's curve (finite values, one per step; monotonicity is the caller's rule).
   * Returns false when the curve is bitwise identical to the cached one: then no arithmetic happens.
   */
  set(key: string, demand: ArrayLike<number>): boolean {
    const n = this.priceSteps;
    if (demand.length !== n) throw new PowerMatcherError('INVALID_BID', LENGTH_MISMATCH);
    const incoming = this.incoming;
    let integral = 1;
    let absMax = 0;
    for (let i = 0; i < n; i++) {
      const value = demand[i];
      if (typeof value !== 'number' || !Number.isFinite(value)) throw notFinite(i);
      incoming[i] = value;
      if (value !== Math.floor(value)) integral = 0;
      const magnitude = Math.abs(value);
      if (magnitude > absMax) absMax = magnitude;
    }
    const existing = this.slots.get(key);
    if (existing !== undefined && this.sameCurve(existing, incoming)) return false;
    const wasExact = this.exactMode;
    if (existing !== undefined) this.forget(existing);
    this.remember(integral, absMax);
    this.update(wasExact, existing, incoming);
    const slot = existing ?? this.allocate(key);
    this.curves.set(incoming, slot * n);
    this.integral[slot] = integral;
    this.absMax[slot] = absMax;
    return true;
  }

  /** Removes the child's curve; returns whether it had one. */
  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    const wasExact = this.exactMode;
    this.forget(slot);
    this.update(wasExact, slot, null);
    this.slots.delete(key);
    this.live[slot] = 0;
    this.freeSlots.push(slot);
    return true;
  }

  /** The aggregate: per step the correctly rounded exact sum, +0 for a zero sum (all +0 when empty). */
  demand(): number[] {
    const out = new Array<number>(this.priceSteps);
    if (this.exactMode) {
      this.exactSums().read(out);
    } else {
      // The sums start at +0 and x + (−0) = x, x − x = +0: a zero sum is +0 here too, as §5.1 wants.
      for (let i = 0; i < this.priceSteps; i++) out[i] = this.sums[i];
    }
    return out;
  }

  /** Recomputes every sum from the cached curves (the full re-aggregation v2.1 does on every run). */
  rebuild(): void {
    const offsets = new Int32Array(this.slots.size);
    let live = 0;
    let nonIntegral = 0;
    let bound = 0;
    let maxAbs = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (!this.live[slot]) continue;
      offsets[live++] = slot * this.priceSteps;
      const absMax = this.absMax[slot];
      if (absMax > maxAbs) maxAbs = absMax;
      if (this.integral[slot]) bound += absMax;
      else nonIntegral++;
    }
    // Adding non-negative doubles: the computed sum is below 2^53 exactly when the real one is.
    this.integralBound = bound < 2 ** 53 ? BigInt(bound) : this.exactIntegralBound();
    this.nonIntegralCurves = nonIntegral;
    this.exactMode = !this.fitsDoubles();
    if (this.exactMode) {
      const exact = this.exactSums();
      exact.clear();
      exact.addRows(this.curves, offsets, maxAbs);
      return;
    }
    const n = this.priceSteps;
    const curves = this.curves;
    const sums = this.sums;
    sums.fill(0);
    for (const base of offsets) for (let i = 0; i < n; i++) sums[i] = sums[i] + curves[base + i];
  }

  private exactIntegralBound(): bigint {
    let bound = 0n;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.live[slot] && this.integral[slot]) bound += BigInt(this.absMax[slot]);
    }
    return bound;
  }

  private fitsDoubles(): boolean {
    return this.nonIntegralCurves === 0 && this.integralBound < EXACT_INTEGER_BOUND;
  }

  private forget(slot: number): void {
    if (this.integral[slot]) this.integralBound -= BigInt(this.absMax[slot]);
    else this.nonIntegralCurves--;
  }

  private remember(integral: number, absMax: number): void {
    if (integral) this.integralBound += BigInt(absMax);
    else this.nonIntegralCurves++;
  }

  /** Replaces the old curve (slot, or none) by the incoming one (or none) in the sums, switching paths as needed. */
  private update(wasExact: boolean, oldSlot: number | undefined, incoming: Float64Array | null): void {
    const n = this.priceSteps;
    const nowExact = !this.fitsDoubles();
    if (!wasExact && !nowExact) {
      const sums = this.sums;
      const curves = this.curves;
      // Two exact steps: the sum without the old curve, then with the new one; both stay below 2^53.
      if (oldSlot !== undefined) {
        const base = oldSlot * n;
        for (let i = 0; i < n; i++) sums[i] = sums[i] - curves[base + i];
      }
      if (incoming) for (let i = 0; i < n; i++) sums[i] = sums[i] + incoming[i];
      return;
    }
    const exact = this.exactSums();
    if (!wasExact) {
      exact.clear();
      exact.addCurve(this.sums, 0, false);
    }
    if (oldSlot !== undefined) exact.addCurve(this.curves, oldSlot * n, true);
    if (incoming) exact.addCurve(incoming, 0, false);
    // Back on integers below 2^53: the correctly rounded sums are the exact ones.
    if (!nowExact) exact.read(this.sums);
    this.exactMode = nowExact;
  }

  private exactSums(): ExactSums {
    return (this.exact ??= new ExactSums(this.priceSteps));
  }

  private sameCurve(slot: number, incoming: Float64Array): boolean {
    const base = slot * this.priceSteps;
    for (let i = 0; i < this.priceSteps; i++) if (!Object.is(this.curves[base + i], incoming[i])) return false;
    return true;
  }

  private allocate(key: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotCount++;
      if (slot === this.live.length) this.grow();
    }
    this.slots.set(key, slot);
    this.live[slot] = 1;
    return slot;
  }

  private grow(): void {
    const capacity = this.live.length * 2;
    const curves = new Float64Array(capacity * this.priceSteps);
    curves.set(this.curves);
    this.curves = curves;
    const absMax = new Float64Array(capacity);
    absMax.set(this.absMax);
    this.absMax = absMax;
    const integral = new Uint8Array(capacity);
    integral.set(this.integral);
    this.integral = integral;
    const live = new Uint8Array(capacity);
    live.set(this.live);
    this.live = live;
  }
}
