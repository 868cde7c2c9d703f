/*
 * Exact per-step sums of doubles, read correctly rounded (round half to even), as SPEC §5.1 defines the
 * aggregate. Each step keeps a fixed-point integer in units of 2^-1074 (the least subnormal), written in
 * 32-bit digits held by doubles (a small superaccumulator in the manner of Neal's xsum):
 *
 *   value = Σ_j digit[j] · 2^(32j − 1074)
 *
 * A double ±M·2^t (M < 2^53 its integer significand, t = exponent + 1074 ∈ [0, 2045]) is added as three
 * 32-bit pieces of M·2^(t mod 32) into digits ⌊t/32⌋ … ⌊t/32⌋+2: three exact integer additions. Digits drift
 * out of 32 bits as values accumulate; a digit is exact while |digit| < 2^53, so carries are propagated at
 * least every 2^20 − 1 additions. Subtraction adds the negated pieces, so removing a value restores the
 * previous state exactly and the result never depends on the order of additions and removals.
 */

/** Digits per step: values below 2^1024, sums of up to 2^46 of them (66 digits), plus the signed top digit. */
const DIGITS = 68;
const RADIX = 2 ** 32;
const INVERSE_RADIX = 2 ** -32;
/** After a carry |digit| < 2^32; each addition moves a digit by < 2^32, and digits must stay below 2^52. */
const ADDS_BEFORE_CARRY = 2 ** 20 - 1;

/** 2^(32j − 1074): the weight of digit j; digits above 65 only hold values beyond the double range. */
const WEIGHT = Float64Array.from({ length: 66 }, (_, j) => 2 ** (32 * j - 1074));

/** Bulk additions split each value over this many fixed-point levels before falling back to digits. */
const SPLIT_LEVELS = 3;
/** Values summed per level accumulator before it is flushed into the digits (2^16: 36 bits per level). */
const SPLIT_BLOCK = 2 ** 16;

// One shared buffer, so reading a double's bits allocates nothing on the hot path.
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

export class ExactSums {
  private readonly digits: Float64Array;
  /** The range of digit indices that may be non-zero, over all steps. */
  private low = DIGITS;
  private high = -1;
  private adds = 0;
  private readonly magnitude = new Float64Array(DIGITS);

  constructor(readonly steps: number) {
    this.digits = new Float64Array(steps * DIGITS);
  }

  clear(): void {
    if (this.high >= 0) this.digits.fill(0);
    this.low = DIGITS;
    this.high = -1;
    this.adds = 0;
  }

  /** Adds `value` (finite) to step `step`, or subtracts it with `negate`. */
  addValue(step: number, value: number, negate: boolean): void {
    if (value === 0) return;
    if (++this.adds > ADDS_BEFORE_CARRY) this.carryAll();
    bits[0] = value;
    const hi = words[HIGH];
    const lo = words[LOW];
    const biased = (hi >>> 20) & 0x7ff;
    // Significand M = top · 2^32 + lo, with the implicit bit for normal numbers; t is the weight of M's bit 0.
    const top = biased === 0 ? hi & 0xfffff : (hi & 0xfffff) | 0x100000;
    const t = biased === 0 ? 0 : biased - 1;
    const shift = t & 31;
    const d = t >>> 5;
    const j = step * DIGITS + d;
    // The three 32-bit digits of M · 2^shift; `>>> 1 >>> (31 - shift)` is `>>> (32 - shift)` without JS's `>>> 32`.
    const piece0 = (lo << shift) >>> 0;
    const piece1 = (((lo >>> 1) >>> (31 - shift)) | (top << shift)) >>> 0;
    const piece2 = (top >>> 1) >>> (31 - shift);
    const digits = this.digits;
    if ((hi >>> 31 === 1) !== negate) {
      digits[j] = digits[j] - piece0;
      digits[j + 1] = digits[j + 1] - piece1;
      digits[j + 2] = digits[j + 2] - piece2;
    } else {
      digits[j] = digits[j] + piece0;
      digits[j + 1] = digits[j + 1] + piece1;
      digits[j + 2] = digits[j + 2] + piece2;
    }
    if (d < this.low) this.low = d;
    if (d + 2 > this.high) this.high = d + 2;
  }

  /** Adds (or, with `negate`, subtracts) `values[offset + i]` to step `i` for every step. */
  addCurve(values: Float64Array, offset: number, negate: boolean): void {
    for (let i = 0; i < this.steps; i++) this.addValue(i, values[offset + i], negate);
  }

  /**
   * Adds many curves at once: the rows of `rows` starting at `offsets`, every |value| ≤ `maxAbs`.
   *
   * For speed each value is split exactly, Rump-style, into parts on fixed grids: with σ = 1.5·2^52·u and
   * |p| ≤ 2^51·u, q = (σ + p) − σ is p rounded to a multiple of u and r = p − q is exact. With u chosen so
   * that |q| ≤ 2^(52−b)·u, 2^b of the q's add up exactly in one double. Each level takes 52 − b bits, the
   * residual goes to the next, a residual left after the last level goes to the digits, and each level's
   * sums are added to the digits once per block. So the result is the exact sum, at a few flops per value.
   */
  addRows(rows: Float64Array, offsets: Int32Array, maxAbs: number): void {
    if (offsets.length === 0 || maxAbs === 0) return;
    const n = this.steps;
    const b = ceilLog2(Math.min(offsets.length, SPLIT_BLOCK));
    const e1 = ceilLog2(maxAbs) - 51 + b;
    if (e1 + 53 >= 1024) {
      // σ would overflow: values this large take the digit path.
      for (const offset of offsets) this.addCurve(rows, offset, false);
      return;
    }
    const e2 = Math.max(e1 - 52 + b, -1074);
    const e3 = Math.max(e2 - 52 + b, -1074);
    const s1 = 1.5 * 2 ** (Math.max(e1, -1074) + 52);
    const s2 = 1.5 * 2 ** (e2 + 52);
    const s3 = 1.5 * 2 ** (e3 + 52);
    const levels = new Float64Array(SPLIT_LEVELS * n);
    for (let start = 0; start < offsets.length; start += SPLIT_BLOCK) {
      levels.fill(0);
      const end = Math.min(offsets.length, start + SPLIT_BLOCK);
      for (let k = start; k < end; k++) {
        const base = offsets[k];
        for (let i = 0; i < n; i++) {
          const p = rows[base + i];
          const q1 = s1 + p - s1;
          let r = p - q1;
          levels[i] = levels[i] + q1;
          if (r === 0) continue;
          const q2 = s2 + r - s2;
          r -= q2;
          levels[n + i] = levels[n + i] + q2;
          if (r === 0) continue;
          const q3 = s3 + r - s3;
          r -= q3;
          levels[2 * n + i] = levels[2 * n + i] + q3;
          if (r !== 0) this.addValue(i, r, false);
        }
      }
      for (let level = 0; level < SPLIT_LEVELS; level++) this.addCurve(levels, level * n, false);
    }
  }

  /** Writes every step's exact sum, correctly rounded, into `out`; a zero sum is +0. */
  read(out: number[] | Float64Array): void {
    this.carryAll();
    for (let i = 0; i < this.steps; i++) out[i] = this.roundStep(i * DIGITS);
  }

  /** Propagates carries so every digit but the top one is within (−2^32, 2^32); the value is unchanged. */
  private carryAll(): void {
    this.adds = 0;
    if (this.high < 0) return;
    const digits = this.digits;
    let high = this.high;
    for (let base = 0; base < digits.length; base += DIGITS) {
      let carry = 0;
      for (let j = this.low; j <= this.high || carry !== 0; j++) {
        if (j > high) high = j;
        if (j === DIGITS - 1) {
          // The top digit keeps whatever arrives; it only grows for sums far beyond the double range.
          digits[base + j] = digits[base + j] + carry;
          break;
        }
        const digit = digits[base + j] + carry;
        carry = Math.trunc(digit * INVERSE_RADIX);
        digits[base + j] = digit - carry * RADIX;
      }
    }
    this.high = high;
  }

  /** The correctly rounded value of one carried step. */
  private roundStep(base: number): number {
    const digits = this.digits;
    let top = this.high;
    while (top >= this.low && digits[base + top] === 0) top--;
    if (top < this.low) return 0;
    // Below the top digit everything is worth less than one unit of it, so the top digit gives the sign.
    const sign = digits[base + top] > 0 ? 1 : -1;
    if (top > 65) return sign * Infinity;
    // The magnitude in digits 0 … 2^32 − 1 (borrowing upward), so the digits form a non-overlapping expansion.
    const magnitude = this.magnitude;
    let borrow = 0;
    for (let j = this.low; j <= top; j++) {
      let digit = sign * digits[base + j] - borrow;
      borrow = 0;
      if (digit < 0) {
        digit += RADIX;
        borrow = 1;
      }
      magnitude[j] = digit;
    }
    return sign * roundExpansion(magnitude, this.low, top);
  }
}

/** The least e with x ≤ 2^e, for x > 0. */
function ceilLog2(x: number): number {
  let e = Math.ceil(Math.log2(x));
  while (2 ** e < x) e++;
  while (2 ** (e - 1) >= x) e--;
  return e;
}

/**
 * Rounds Σ digit[j] · WEIGHT[j] (digits non-negative, non-overlapping by construction) to the nearest double,
 * ties to even: the final step of Python's math.fsum, from the top digit down.
 */
function roundExpansion(digit: Float64Array, low: number, top: number): number {
  let j = top;
  while (j >= low && digit[j] === 0) j--;
  let sum = digit[j] * WEIGHT[j];
  let error = 0;
  for (j--; j >= low; j--) {
    if (digit[j] === 0) continue;
    const x = sum;
    const y = digit[j] * WEIGHT[j];
    sum = x + y;
    error = y - (sum - x);
    if (error !== 0) {
      j--;
      break;
    }
  }
  if (error > 0) {
    // A tie broken downward by the hardware is really above the midpoint if anything non-zero remains below.
    while (j >= low && digit[j] === 0) j--;
    if (j >= low) {
      const twice = error * 2;
      const up = sum + twice;
      if (up - sum === twice) sum = up;
    }
  }
  return sum;
}
