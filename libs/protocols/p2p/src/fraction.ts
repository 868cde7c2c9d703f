import { P2PError } from './error';
import { floorDiv } from './units';

/** An exact rational, kept reduced with a positive denominator. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function fraction(num: bigint, den: bigint): Fraction {
  if (den <= 0n) throw new P2PError('invalid-argument', `a fraction needs a positive denominator, got ${den}.`);
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
}

/** floor(num / den) toward −∞. */
export function floorOf(value: Fraction): bigint {
  return floorDiv(value.num, value.den);
}

/**
 * P2P-S5 `producerExact`: the decimal string if the fraction terminates (its reduced denominator has no prime
 * factor but 2 and 5), else `"num/den"`.
 */
export function formatExact(value: Fraction): string {
  let rest = value.den;
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
  if (rest !== 1n) return `${value.num}/${value.den}`;
  const digits = Math.max(twos, fives);
  const scaled = (value.num * 10n ** BigInt(digits)) / value.den;
  if (digits === 0) return scaled.toString();
  const sign = scaled < 0n ? '-' : '';
  const text = (scaled < 0n ? -scaled : scaled).toString().padStart(digits + 1, '0');
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
