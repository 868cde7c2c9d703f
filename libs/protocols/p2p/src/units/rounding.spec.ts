import fc from 'fast-check';
import { compareIds } from './id-order';
import { floorWithCarry, largestRemainder } from './rounding';

describe('P2P-R rounding', () => {
  it('P2P-R1: floor with carry keeps 0 ≤ c < q for negative amounts and carries the remainder', () => {
    expect(floorWithCarry(0n, 17_625_000n, 1_000_000n)).toEqual({ part: 17n, carry: 625_000n });
    expect(floorWithCarry(625_000n, 9_525_000n, 1_000_000n)).toEqual({ part: 10n, carry: 150_000n });
    expect(floorWithCarry(100n, -1_100n, 1_000n)).toEqual({ part: -1n, carry: 0n });
    expect(floorWithCarry(200n, -1_100n, 1_000n)).toEqual({ part: -1n, carry: 100n });
    expect(floorWithCarry(0n, -1n, 1_000_000n)).toEqual({ part: -1n, carry: 999_999n });
    expect(() => floorWithCarry(1_000n, 1n, 1_000n)).toThrow(/outside/);
  });

  it('P2P-R1: the parts of any sequence stay within one unit of the exact total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), { maxLength: 40 }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (amounts, q) => {
          let carry = 0n;
          let parts = 0n;
          for (const a of amounts) {
            const step = floorWithCarry(carry, a, q);
            carry = step.carry;
            parts += step.part;
            expect(carry >= 0n && carry < q).toBe(true);
          }
          const exact = amounts.reduce((s, a) => s + a, 0n);
          // parts·q + carry = exact: the remainder is never lost.
          expect(parts * q + carry).toBe(exact);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('P2P-R2: largest remainder sums exactly and breaks ties toward the earlier key', () => {
    expect(largestRemainder(1801, [900, 1400])).toEqual([705, 1096]);
    expect(largestRemainder(800, [500, 250, 300])).toEqual([381, 190, 229]);
    expect(largestRemainder(1001, [300_000, 300_000])).toEqual([501, 500]);
    expect(largestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(largestRemainder(5, [0, 0])).toEqual([0, 0]);
    expect(largestRemainder(0, [3, 4])).toEqual([0, 0]);
    // Beyond 2^53 for T·W, the BigInt path is exact too.
    expect(largestRemainder(2 ** 40, [2 ** 20, 2 ** 20 + 1])).toEqual([549_755_551_744, 549_756_076_032]);
    expect(() => largestRemainder(-1, [1])).toThrow(/non-negative/);
  });

  it('P2P-R2: for any total and weights, parts sum to the total and each is floor or floor + 1 of its exact share', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10 ** 9 }),
        fc.array(fc.nat({ max: 10 ** 9 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const parts = largestRemainder(total, weights);
          const sum = weights.reduce((s, w) => s + w, 0);
          if (sum === 0) return expect(parts.every((p) => p === 0)).toBe(true);
          expect(parts.reduce((s, p) => s + p, 0)).toBe(total);
          parts.forEach((part, k) => {
            const floor = (BigInt(total) * BigInt(weights[k])) / BigInt(sum);
            expect(BigInt(part) - floor >= 0n && BigInt(part) - floor <= 1n).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('P2P-R2: ties go to the smaller id in UTF-8 byte order', () => {
    expect(['b', 'a', 'B'].sort(compareIds)).toEqual(['B', 'a', 'b']);
    expect(['b9', 'b10'].sort(compareIds)).toEqual(['b10', 'b9']);
    // U+FFFD sorts before U+1F600 in UTF-8, though not in UTF-16 code units.
    expect(['\u{1F600}', '\uFFFD'].sort(compareIds)).toEqual(['\uFFFD', '\u{1F600}']);
  });
});
