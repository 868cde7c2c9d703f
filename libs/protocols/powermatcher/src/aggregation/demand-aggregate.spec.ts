import fc from 'fast-check';
import { DemandAggregate } from './demand-aggregate';
import { exactAggregate, exactSum } from './exact-reference.test-util';
import { exactly } from '../exact-message.test-util';

function expectBits(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => {
    if (!Object.is(value, expected[i])) throw new Error(`step ${i}: ${value} !== ${expected[i]}`);
  });
}

const STEPS = 4;

/**
 * Values that stress exactness: integers (small, and up to 2^53 so that the integer path's bound is crossed
 * both ways), fractions, subnormals, signed zeros, huge and tiny magnitudes.
 */
const value = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.maxSafeInteger(),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1e300, max: 1e300, noNaN: true }),
  fc.constantFrom(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -1022, 1e300, -1e300, 0.1, -0.1, 2 ** 52 + 1),
);
const curve = fc.array(value, { minLength: STEPS, maxLength: STEPS });
type Operation = { kind: 'set'; key: number; curve: number[] } | { kind: 'delete'; key: number } | { kind: 'rebuild' };
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 7 }), curve }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rebuild' as const }) },
);

describe('exact reference', () => {
  it('rounds like math.fsum', () => {
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6);
    expect(exactSum([1e100, 1, -1e100])).toBe(1);
    expect(exactSum([1, 2 ** -53])).toBe(1);
    expect(exactSum([1, 2 ** -53, 2 ** -1074])).toBe(1 + 2 ** -52);
    expect(exactSum([Number.MIN_VALUE, Number.MIN_VALUE])).toBe(2 * Number.MIN_VALUE);
  });
});

describe('DemandAggregate (PM-AGG-1, PM-AGG-2)', () => {
  it('PM-AGG-1: an empty aggregate is all +0', () => {
    const aggregate = new DemandAggregate(3);
    expectBits(aggregate.demand(), [0, 0, 0]);
    aggregate.set('a', [-0, -0, -0]);
    expectBits(aggregate.demand(), [0, 0, 0]);
    aggregate.set('b', [0.5, -0, -0.5]);
    aggregate.set('c', [-0.5, 0, 0.5]);
    expectBits(aggregate.demand(), [0, 0, 0]);
  });

  it('PM-AGG-1: the sum is correctly rounded, not a running double sum', () => {
    const aggregate = new DemandAggregate(2);
    aggregate.set('a', [1e100, 0.1]);
    aggregate.set('b', [1, 0.2]);
    aggregate.set('c', [-1e100, 0.3]);
    expectBits(aggregate.demand(), [1, 0.6]);
    expect(0.1 + 0.2 + 0.3).toBe(0.6000000000000001);
  });

  it('PM-AGG-1: ties round half to even, using everything below the halfway point', () => {
    const aggregate = new DemandAggregate(1);
    aggregate.set('a', [1]);
    aggregate.set('b', [2 ** -53]);
    expectBits(aggregate.demand(), [1]);
    aggregate.set('c', [2 ** -1074]);
    expectBits(aggregate.demand(), [1 + 2 ** -52]);
    aggregate.delete('c');
    aggregate.set('d', [-(2 ** -1074)]);
    expectBits(aggregate.demand(), [1]);
  });

  it('PM-AGG-1: subnormal and overflowing sums', () => {
    const aggregate = new DemandAggregate(2);
    aggregate.set('a', [Number.MIN_VALUE, Number.MAX_VALUE]);
    aggregate.set('b', [Number.MIN_VALUE * 3, Number.MAX_VALUE]);
    expectBits(aggregate.demand(), [Number.MIN_VALUE * 4, Infinity]);
    aggregate.set('c', [0, -Number.MAX_VALUE]);
    expectBits(aggregate.demand(), [Number.MIN_VALUE * 4, Number.MAX_VALUE]);
  });

  it('PM-AGG-2: an identical curve changes no arithmetic; set reports it', () => {
    const aggregate = new DemandAggregate(2);
    expect(aggregate.set('a', [5, 1])).toBe(true);
    expect(aggregate.set('a', [5, 1])).toBe(false);
    expect(aggregate.set('a', [5, 2])).toBe(true);
    expectBits(aggregate.demand(), [5, 2]);
  });

  it('PM-AGG-2: remove takes the child out of the aggregate', () => {
    const aggregate = new DemandAggregate(2);
    aggregate.set('a', [10, 1]);
    aggregate.set('b', [0.25, -3]);
    expect(aggregate.delete('a')).toBe(true);
    expect(aggregate.delete('a')).toBe(false);
    expect(aggregate.size).toBe(1);
    expectBits(aggregate.demand(), [0.25, -3]);
  });

  it('PM-AGG-2: rejects curves of the wrong length or with non-finite values', () => {
    const aggregate = new DemandAggregate(2);
    expect(() => aggregate.set('a', [1])).toThrow(
      exactly('Length of the demandArray is not equal to the number of price steps'),
    );
    expect(() => aggregate.set('a', [1, NaN])).toThrow(exactly('Demand at index 1 is not a finite number'));
    expect(aggregate.size).toBe(0);
  });

  it('PM-AGG-2: incremental == from-scratch exact reference == rebuild, on random add/replace/remove/rebuild sequences', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 40 }), (operations) => {
        const aggregate = new DemandAggregate(STEPS);
        const model = new Map<number, number[]>();
        for (const op of operations) {
          if (op.kind === 'set') {
            aggregate.set(String(op.key), op.curve);
            model.set(op.key, op.curve);
          } else if (op.kind === 'delete') {
            aggregate.delete(String(op.key));
            model.delete(op.key);
          } else {
            // Incremental updates continue from a rebuilt state as from any other.
            aggregate.rebuild();
          }
          expectBits(aggregate.demand(), exactAggregate(model.values(), STEPS));
        }
        const incremental = aggregate.demand();
        aggregate.rebuild();
        expectBits(aggregate.demand(), incremental);
      }),
      { numRuns: 150 },
    );
  });

  it('PM-AGG-2: cancellation of large values leaves the small ones exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e15, max: 1e15, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (big, small) => {
          const aggregate = new DemandAggregate(1);
          big.forEach((v, i) => aggregate.set(`big${i}`, [v]));
          small.forEach((v, i) => aggregate.set(`small${i}`, [v]));
          big.forEach((v, i) => aggregate.set(`anti${i}`, [-v]));
          expectBits(aggregate.demand(), [exactSum(small)]);
          big.forEach((_, i) => aggregate.delete(`big${i}`));
          expectBits(aggregate.demand(), [exactSum([...small, ...big.map((v) => -v)])]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('PM-AGG-1 (§9 D10): the aggregate does not depend on the order in which the bids arrive', () => {
    // v2.1 sums in hash-map order, so it may get either of these.
    expect(0.1 + 0.2 + 0.3).not.toBe(0.3 + 0.2 + 0.1);
    const orders = fc
      .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 })
      .chain((values) =>
        fc.tuple(
          fc.constant(values),
          fc.shuffledSubarray(
            values.map((_, i) => i),
            { minLength: values.length, maxLength: values.length },
          ),
        ),
      );
    fc.assert(
      fc.property(orders, ([values, order]) => {
        const arrival = new DemandAggregate(1);
        values.forEach((v, i) => arrival.set(String(i), [v]));
        const shuffled = new DemandAggregate(1);
        order.forEach((i) => shuffled.set(String(i), [values[i]!]));
        expectBits(shuffled.demand(), arrival.demand());
      }),
      { numRuns: 100 },
    );
  });

  it('PM-AGG-1: integral inputs equal naive double summation in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 30,
        }),
        (curves) => {
          const aggregate = new DemandAggregate(3);
          curves.forEach((c, i) => aggregate.set(String(i), c));
          const forward = [0, 1, 2].map((i) => curves.reduce((s, c) => s + c[i]!, 0) + 0);
          const backward = [0, 1, 2].map((i) => curves.reduceRight((s, c) => s + c[i]!, 0) + 0);
          expectBits(aggregate.demand(), forward);
          expectBits(forward, backward);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('PM-AGG-2: switching between the integer path and the exact path keeps the sums exact', () => {
    const aggregate = new DemandAggregate(2);
    aggregate.set('a', [2 ** 52, 3]);
    aggregate.set('b', [2 ** 52 - 1, 1]);
    // Σ max|value| now exceeds 2^53: the exact path takes over.
    aggregate.set('c', [2 ** 52, 1]);
    expectBits(
      aggregate.demand(),
      exactAggregate(
        [
          [2 ** 52, 3],
          [2 ** 52 - 1, 1],
          [2 ** 52, 1],
        ],
        2,
      ),
    );
    aggregate.delete('c');
    expectBits(aggregate.demand(), [2 ** 53 - 1, 4]);
    aggregate.set('d', [0.5, 0.25]);
    expectBits(aggregate.demand(), [2 ** 53, 4.25]);
    aggregate.delete('d');
    aggregate.set('e', [-(2 ** 52), -3]);
    expectBits(aggregate.demand(), [2 ** 52 - 1, 1]);
  });

  it('PM-AGG-2: stays exact across carry propagation with many children', () => {
    const aggregate = new DemandAggregate(1);
    const values = Array.from({ length: 3000 }, (_, i) => (i % 2 ? 1 : -1) * (0.1 + i * 1e-7) * 2 ** ((i % 60) - 30));
    values.forEach((v, i) => aggregate.set(String(i), [v]));
    expectBits(aggregate.demand(), [exactSum(values)]);
    aggregate.rebuild();
    expectBits(aggregate.demand(), [exactSum(values)]);
  });
});
