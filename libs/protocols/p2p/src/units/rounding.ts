import { P2PError } from '../errors';
import { floorDiv } from './units';

/** The result of one R1 step: the whole part taken now and the carry that travels forward. */
export interface CarryStep {
  part: bigint;
  carry: bigint;
}

/**
 * P2P-R1, floor with carry, for a running amount of one owner: `x = carry + amount`, `part = floor(x / q)`
 * (toward −∞, so negative amounts keep `0 ≤ carry < q`), `carry = x − part·q`. The parts of any sequence stay
 * within one unit of the exact total.
 */
export function floorWithCarry(carry: bigint, amount: bigint, q: bigint): CarryStep {
  if (q <= 0n) throw new P2PError('INVALID_ARGUMENT', `R1 divisor must be positive, got ${q}.`);
  if (carry < 0n || carry >= q) throw new P2PError('INVALID_STATE', `R1 carry ${carry} is outside [0, ${q}).`);
  const x = carry + amount;
  const part = floorDiv(x, q);
  return { part, carry: x - part * q };
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * P2P-R2, largest remainder: splits `total ≥ 0` over integer `weights ≥ 0` so the parts sum to `total` exactly.
 * `base_k = floor(T·w_k / W)`; the leftover units go one each to the largest remainders `T·w_k mod W`, ties to
 * the earlier position, so callers pass weights in tie-break order (ids in byte order, intervals in time order).
 * `W = 0` gives all parts 0.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0)
    throw new P2PError('INVALID_ARGUMENT', `R2 total must be a non-negative integer, got ${total}.`);
  let sum = 0;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new P2PError('INVALID_ARGUMENT', `R2 weights must be non-negative integers, got ${w}.`);
    sum += w;
  }
  if (!Number.isSafeInteger(sum)) throw new P2PError('UNSAFE_INTEGER', `R2 weights sum beyond ${SAFE}.`);
  const parts = new Array<number>(weights.length).fill(0);
  if (sum === 0 || total === 0) return parts;
  const remainders = new Array<number | bigint>(weights.length);
  let assigned = 0;
  // T·w_k ≤ T·W: while T·W is a safe integer, `*`, `%` and the division of the exact multiple `T·w_k − rem_k` by
  // W are exact in doubles (and a product beyond the range compares above it); otherwise BigInt.
  if (total * sum <= SAFE) {
    for (let k = 0; k < weights.length; k++) {
      const product = total * weights[k];
      const remainder = product % sum;
      const base = (product - remainder) / sum;
      parts[k] = base;
      remainders[k] = remainder;
      assigned += base;
    }
  } else {
    const bigTotal = BigInt(total);
    const bigSum = BigInt(sum);
    for (let k = 0; k < weights.length; k++) {
      const product = bigTotal * BigInt(weights[k]);
      const base = product / bigSum;
      parts[k] = Number(base);
      remainders[k] = product - base * bigSum;
      assigned += Number(base);
    }
  }
  const leftover = total - assigned;
  if (leftover > 0) {
    const order = weights.map((_, k) => k);
    order.sort((a, b) => {
      const ra = remainders[a];
      const rb = remainders[b];
      return ra > rb ? -1 : ra < rb ? 1 : a - b;
    });
    for (let i = 0; i < leftover; i++) parts[order[i]] += 1;
  }
  return parts;
}
