import fc from 'fast-check';
import { ExactSums } from './exact-sums';
import { exactSum } from './exact-reference.test-util';

function read(sums: ExactSums): number[] {
  const out = new Array<number>(sums.steps);
  sums.read(out);
  return out;
}

/** Row-major curves and their offsets, as DemandAggregate hands them to addRows. */
function rows(curves: number[][]): { rows: Float64Array; offsets: Int32Array; maxAbs: number } {
  const steps = curves[0]?.length ?? 0;
  return {
    rows: Float64Array.from(curves.flat()),
    offsets: Int32Array.from(curves.map((_, i) => i * steps)),
    maxAbs: curves.flat().reduce((max, value) => Math.max(max, Math.abs(value)), 0),
  };
}

describe('ExactSums (PM-AGG-1)', () => {
  it('PM-AGG-1: every finite double reads back bit for bit, its negation is −x, and removing it leaves +0', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const sums = new ExactSums(2);
        sums.addValue(0, x, false);
        sums.addValue(1, x, true);
        expect(read(sums)).toEqual([x + 0, -x + 0]);
        sums.addValue(0, x, true);
        sums.addValue(1, x, false);
        expect(read(sums)).toEqual([0, 0]);
      }),
      { numRuns: 300 },
    );
  });

  it('PM-AGG-1: carries keep digits exact past 2^20 additions of full 53-bit significands', () => {
    const sums = new ExactSums(1);
    const value = (2 ** 53 - 1) * 2 ** -20;
    const count = 1_200_000;
    for (let i = 0; i < count; i++) sums.addValue(0, value, false);
    const exact = Number((BigInt(2 ** 53 - 1) * BigInt(count) * 5n ** 20n).toString() + 'e-20');
    expect(read(sums)).toEqual([exact]);
    for (let i = 0; i < count; i++) sums.addValue(0, value, true);
    expect(read(sums)).toEqual([0]);
  });

  it('PM-AGG-2: bulk rows split over fixed grids equal the exact sum, across blocks of 2^16 rows', () => {
    const next = (() => {
      let seed = 7;
      return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    })();
    const curves = Array.from({ length: 70_000 }, () => [next() * 1000, next() * 1e-3]);
    const sums = new ExactSums(2);
    const { rows: data, offsets, maxAbs } = rows(curves);
    sums.addRows(data, offsets, maxAbs);
    expect(read(sums)).toEqual([exactSum(curves.map((c) => c[0]!)), exactSum(curves.map((c) => c[1]!))]);
  });

  it('PM-AGG-2: bulk rows with residuals beyond the split grids, and magnitudes near the double range', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e307, max: 1e307 }), {
            minLength: 3,
            maxLength: 3,
          }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (curves) => {
          const sums = new ExactSums(3);
          const { rows: data, offsets, maxAbs } = rows(curves);
          sums.addRows(data, offsets, maxAbs);
          expect(read(sums)).toEqual([0, 1, 2].map((i) => exactSum(curves.map((c) => c[i]!))));
        },
      ),
      { numRuns: 100 },
    );
  });
});
