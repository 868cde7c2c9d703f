import { marketBasis } from './market-basis';
import { isPowerMatcherError } from './errors';
import type { MarketBasis } from './market-basis';
import { comparePricePoints, type PricePoint, pointBid, pointBidDemand } from './point-bid';
import { exactly } from './exact-message.test-util';

const basis6 = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 6,
  minimumPrice: 0,
  maximumPrice: 10,
});
const basis5 = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 5,
  minimumPrice: 0,
  maximumPrice: 4,
});

const points = (...pairs: [number, number][]): PricePoint[] => pairs.map(([price, demand]) => ({ price, demand }));

function expectBits(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Object.is(value, expected[i])).toBe(true));
}

describe('point bids (PM-BID-3)', () => {
  it('PM-BID-3: (3,500),(7,-500) on 6 steps 0 … 10', () => {
    expectBits(pointBidDemand(basis6, points([3, 500], [7, -500])), [500, 500, 250, -250, -500, -500]);
  });

  it('PM-BID-3: a vertical step and the interpolation expression order', () => {
    expectBits(
      pointBidDemand(basis6, points([2, 600], [2, 300], [8, -300])),
      [600, 300, 100.00000000000003, -99.99999999999999, -300, -300],
    );
  });

  it('PM-BID-3: two vertical steps on 5 steps 0 … 4', () => {
    expectBits(pointBidDemand(basis5, points([1, 80], [1, 40], [3, 0], [3, -40])), [80, 40, 20, -40, -40]);
  });

  it('PM-BID-3: points are sorted by price, then demand descending, whatever the input order', () => {
    expectBits(pointBidDemand(basis5, points([3, -40], [1, 40], [3, 0], [1, 80])), [80, 40, 20, -40, -40]);
  });

  it('PM-BID-3: exact duplicates are dropped, the first in list order kept (0 equals -0)', () => {
    // At price 1 the last point of that price applies: without the dedup it would be the later −0 here.
    expectBits(
      pointBidDemand(basis5, points([1, 0], [0, 10], [1, -0], [4, -10])),
      [10, 0, -3.333333333333333, -6.666666666666666, -10],
    );
    expectBits(
      pointBidDemand(basis5, points([1, -0], [0, 10], [1, 0], [4, -10])),
      [10, -0, -3.333333333333333, -6.666666666666666, -10],
    );
  });

  it('PM-BID-3: the flat test of v2.1 is kept literally: equal end demands give a flat bid', () => {
    expectBits(pointBidDemand(basis6, points([1, 5], [3, 0], [5, 5])), [5, 5, 5, 5, 5, 5]);
  });

  it('PM-BID-3: one point gives a flat bid; points outside the grid clamp to the end demands', () => {
    expectBits(pointBidDemand(basis6, points([0, -700])), [-700, -700, -700, -700, -700, -700]);
    expectBits(pointBidDemand(basis6, points([5, 100], [5, -100])), [100, 100, 100, -100, -100, -100]);
    expectBits(pointBidDemand(basis6, points([0, 100], [10, -100])), [100, 60, 20, -20, -60, -100]);
  });

  it('PM-BID-3: the 1e-10 guard flattens a sub-1e-10 interpolation ascent and rejects a larger one', () => {
    // Between (2, 1) and (8, 1 + 3e-11) the interpolated demand ascends by 1e-11 per step: flattened to 1.
    expectBits(pointBidDemand(basis6, points([0, 5], [2, 1], [8, 1 + 3e-11], [10, 0])), [5, 1, 1, 1, 1, 0]);
    // An ascent of 2e-10 per step is no rounding noise.
    expect(() => pointBidDemand(basis6, points([0, 5], [2, 1], [8, 1 + 6e-10], [10, 0]))).toThrow(
      exactly('The demand can not be ascending'),
    );
  });

  it('PM-BID-3: the guard compares with the previous stored value, so a slow ascent still fails', () => {
    const slow = marketBasis({
      commodity: 'electricity',
      currency: 'EUR',
      priceSteps: 101,
      minimumPrice: 0,
      maximumPrice: 100,
    });
    // 4e-11 per step: steps 11 and 12 are flattened to 1, step 13 is 1.2e-10 above the stored 1 and fails.
    expect(() => pointBidDemand(slow, points([0, 5], [10, 1], [90, 1 + 3.2e-9], [100, 0]))).toThrow(
      exactly('The demand can not be ascending'),
    );
  });

  it.each<[string, unknown, string]>([
    ['no points (§9 D12)', [], 'A point bid needs at least one price point'],
    ['too many points', Array.from({ length: 10_001 }, () => ({ price: 1, demand: 1 })), 'Too many price points'],
    ['price NaN', [{ price: NaN, demand: 1 }], 'Price NaN is not valid'],
    [
      'price out of bounds',
      [
        { price: 1, demand: 1 },
        { price: 11, demand: 1 },
      ],
      'Price 11.0 is out of bounds [0.0, 10.0]',
    ],
    ['demand NaN', [{ price: 1, demand: NaN }], 'Can not create a PricePoint for a NaN demand'],
    ['demand missing', [{ price: 1 }], 'Can not create a PricePoint for a NaN demand'],
    ['demand infinite', [{ price: 1, demand: -Infinity }], 'Can not create a PricePoint for an infinite demand'],
    ['demand out of range', [{ price: 1, demand: 1.5e12 }], 'Demand of a price point is out of range'],
    [
      'price before demand, in list order',
      [
        { price: 1, demand: NaN },
        { price: -1, demand: 1 },
      ],
      'Can not create a PricePoint for a NaN demand',
    ],
    [
      'ascending points',
      [
        { price: 1, demand: 1 },
        { price: 5, demand: 3 },
      ],
      'The demand can not be ascending',
    ],
  ])('PM-BID-3: %s', (_, input, message) => {
    expect(() => pointBidDemand(basis6, input as PricePoint[])).toThrow(exactly(message));
  });
});

describe('point bids without a market basis and the point order (PM-BID-3)', () => {
  it.each([null, undefined])('PM-MB-1: a %s basis is a PowerMatcherError with the v2.1 message', (basis) => {
    for (const build of [pointBidDemand, pointBid]) {
      let thrown: unknown;
      try {
        build(basis as unknown as MarketBasis, points([1, 5]));
      } catch (error) {
        thrown = error;
      }
      expect(isPowerMatcherError(thrown)).toBe(true);
      expect((thrown as Error).message).toBe('marketBasis is not allowed to be null');
    }
  });

  it('PM-BID-3: comparePricePoints sorts by price ascending, then demand descending; 0 and -0 compare equal', () => {
    const sorted = points([3, 0], [1, 40], [3, -40], [1, 80], [2, 7]).sort(comparePricePoints);
    expect(sorted).toEqual(points([1, 80], [1, 40], [2, 7], [3, 0], [3, -40]));
    expect(comparePricePoints({ price: 1, demand: 0 }, { price: 1, demand: -0 })).toBe(0);
  });
});
