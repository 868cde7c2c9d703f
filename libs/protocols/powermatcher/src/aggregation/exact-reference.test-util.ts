/*
 * A from-scratch reference for the exact aggregate (SPEC §5.2 tests), sharing no code with the lib: every double
 * as a BigInt multiple of 2^-1074 found by doubling until integral, the sum in BigInt, and the rounding left to
 * JavaScript's correctly rounded decimal parser on the exact decimal expansion of sum · 2^-1074.
 */
const FIVE_POW_1074 = 5n ** 1074n;

function scaled(value: number): bigint {
  let m = value;
  let k = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  return BigInt(m) * 2n ** BigInt(1074 - k);
}

export function exactSum(values: readonly number[]): number {
  let sum = 0n;
  for (const value of values) sum += scaled(value);
  if (sum === 0n) return 0;
  // sum · 2^-1074 = sum · 5^1074 · 10^-1074
  return Number(`${sum * FIVE_POW_1074}e-1074`);
}

/** The reference aggregate of curves: per step the correctly rounded exact sum. */
export function exactAggregate(curves: Iterable<readonly number[]>, steps: number): number[] {
  const columns: number[][] = Array.from({ length: steps }, () => []);
  for (const curve of curves) curve.forEach((value, i) => columns[i]!.push(value));
  return columns.map(exactSum);
}
