import { P2PError } from '../errors';
import { floorDiv } from './units';

/** A derived price per MWh before flooring (P2P-PR1 `exact`): a reduced fraction with a positive denominator. */
export interface ExactPrice {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function exactPrice(num: bigint, den: bigint): ExactPrice {
  if (den <= 0n) throw new P2PError('INVALID_ARGUMENT', `a price fraction needs a positive denominator, got ${den}.`);
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
}

/** §7: a derived price is floored to whole price units (toward −∞). */
export function floorPrice(price: ExactPrice): bigint {
  return floorDiv(price.num, price.den);
}

/**
 * P2P-S5 `producerExact`: the decimal string if the fraction terminates (its reduced denominator has no prime
 * factor but 2 and 5), else `"num/den"`.
 */
export function formatExactPrice(price: ExactPrice): string {
  let rest = price.den;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos++;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives++;
  }
  if (rest !== 1n) return `${price.num}/${price.den}`;
  // den = 2^twos·5^fives divides 10^digits, so the scaled value is an exact integer.
  const digits = Math.max(twos, fives);
  const scaled = (price.num * 10n ** BigInt(digits)) / price.den;
  if (digits === 0) return scaled.toString();
  const sign = scaled < 0n ? '-' : '';
  const text = (scaled < 0n ? -scaled : scaled).toString().padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
