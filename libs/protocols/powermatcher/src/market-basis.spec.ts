import fc from 'fast-check';
import { isPowerMatcherError } from './errors';
import { DEFAULT_MARKET_BASIS, marketBasis, marketBasisEquals } from './market-basis';
import { checkPrice, fromPriceStep, priceIndex, priceOf, priceStep } from './price-grid';
import { exactly } from './exact-message.test-util';

const valid = { commodity: 'electricity', currency: 'EUR', priceSteps: 6, minimumPrice: 0, maximumPrice: 10 };

function failure(input: unknown): string {
  try {
    marketBasis(input);
  } catch (error) {
    if (isPowerMatcherError(error) && error.code === 'INVALID_MARKET_BASIS') return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('market basis (PM-MB-1, PM-MB-2)', () => {
  it('PM-MB-1: accepts a valid basis and returns a frozen copy', () => {
    const basis = marketBasis(valid);
    expect(basis).toEqual(valid);
    expect(Object.isFrozen(basis)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['missing basis', null, 'marketBasis is not allowed to be null'],
    ['row 1: empty commodity', { ...valid, commodity: '' }, 'commodity is required'],
    ['row 1: non-string commodity', { ...valid, commodity: 5 }, 'commodity is required'],
    ['row 2: currency', { ...valid, currency: undefined }, 'currency is required'],
    ['row 3: fractional steps', { ...valid, priceSteps: 2.5 }, 'Price steps must be an integer'],
    ['row 3: string steps', { ...valid, priceSteps: '6' }, 'Price steps must be an integer'],
    ['row 4: zero steps', { ...valid, priceSteps: 0 }, 'Price steps must be > 0.'],
    ['row 4: negative steps', { ...valid, priceSteps: -3 }, 'Price steps must be > 0.'],
    ['row 5: one step (§9 D2)', { ...valid, priceSteps: 1 }, 'Price steps must be >= 2.'],
    ['row 6: NaN minimum', { ...valid, minimumPrice: NaN }, 'minimumPrice should not be NaN'],
    ['row 6: non-number minimum', { ...valid, minimumPrice: '0' }, 'minimumPrice should not be NaN'],
    ['row 7: NaN maximum', { ...valid, maximumPrice: null }, 'maximumPrice should not be NaN'],
    [
      'row 8: infinite minimum first',
      { ...valid, minimumPrice: -Infinity, maximumPrice: Infinity },
      'minimumPrice must be finite',
    ],
    ['row 8: infinite maximum', { ...valid, maximumPrice: Infinity }, 'maximumPrice must be finite'],
    ['row 9: equal prices', { ...valid, maximumPrice: 0 }, 'Maximum price must be > minimum price.'],
    [
      'row 9: inverted prices',
      { ...valid, minimumPrice: 3, maximumPrice: 2 },
      'Maximum price must be > minimum price.',
    ],
    ['rows in order: commodity before steps', { ...valid, commodity: '', priceSteps: 1 }, 'commodity is required'],
    [
      'rows in order: NaN before order',
      { ...valid, minimumPrice: NaN, maximumPrice: -1 },
      'minimumPrice should not be NaN',
    ],
  ])('PM-MB-1: %s', (_, input, message) => {
    expect(failure(input)).toBe(message);
  });

  it('PM-MB-1: v2.1 defaults', () => {
    expect(DEFAULT_MARKET_BASIS).toEqual({
      commodity: 'electricity',
      currency: 'EUR',
      priceSteps: 100,
      minimumPrice: 0,
      maximumPrice: 1,
    });
  });

  it('PM-MB-2: equality compares all five fields, numbers with === (0 equals -0)', () => {
    const a = marketBasis(valid);
    expect(marketBasisEquals(a, marketBasis({ ...valid, minimumPrice: -0 }))).toBe(true);
    expect(marketBasisEquals(a, marketBasis({ ...valid, currency: 'eur' }))).toBe(false);
    expect(marketBasisEquals(a, marketBasis({ ...valid, priceSteps: 7 }))).toBe(false);
    expect(marketBasisEquals(a, marketBasis({ ...valid, maximumPrice: 10.000000000000002 }))).toBe(false);
  });
});

describe('price grid (PM-MB-3)', () => {
  it('PM-MB-3: priceOf is min + i * increment bit for bit', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 1000 }),
        (min, width, n) => {
          const max = min + width;
          fc.pre(max > min);
          const basis = marketBasis({ ...valid, priceSteps: n, minimumPrice: min, maximumPrice: max });
          const increment = (max - min) / (n - 1);
          for (const i of [0, 1, Math.floor(n / 2), n - 1]) {
            const expected = min + i * increment;
            expect(Object.is(priceOf(basis, i), expected > max ? max : expected)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('PM-MB-3: the last grid price may stay one ulp below max (8 steps on 0.01 … 0.99)', () => {
    const basis = marketBasis({ ...valid, priceSteps: 8, minimumPrice: 0.01, maximumPrice: 0.99 });
    expect(Object.is(priceOf(basis, 7), 0.9899999999999999)).toBe(true);
  });

  it('PM-MB-3: a last grid price above max is clamped to max (12 steps on 0 … 50, §9 D3)', () => {
    const basis = marketBasis({ ...valid, priceSteps: 12, minimumPrice: 0, maximumPrice: 50 });
    expect(0 + 11 * (50 / 11)).toBe(50.00000000000001);
    expect(Object.is(priceOf(basis, 11), 50)).toBe(true);
  });

  it('PM-MB-3: priceStep is fractional and priceIndex rounds ties toward +∞ (9 steps on -2 … 6)', () => {
    const basis = marketBasis({ ...valid, priceSteps: 9, minimumPrice: -2, maximumPrice: 6 });
    expect(priceStep(basis, 1.5)).toBe(3.5);
    expect(priceIndex(basis, 1.5)).toBe(4);
    expect(priceStep(basis, -1.5)).toBe(0.5);
    expect(priceIndex(basis, -1.5)).toBe(1);
    expect(priceIndex(basis, -2)).toBe(0);
    expect(priceIndex(basis, 6)).toBe(8);
  });

  it('PM-MB-3: priceIndex is Math.round of priceStep, within 0 … n-1, on random prices', () => {
    const basis = marketBasis({ ...valid, priceSteps: 37, minimumPrice: -3.7, maximumPrice: 11.3 });
    fc.assert(
      fc.property(fc.double({ min: -3.7, max: 11.3, noNaN: true }), (p) => {
        const step = (p - -3.7) / (15 / 36);
        expect(priceStep(basis, p)).toBe(step);
        const index = priceIndex(basis, p);
        expect(index).toBe(Math.min(36, Math.max(0, Math.round(step))));
      }),
      { numRuns: 300 },
    );
  });

  it('PM-MB-3: fromPriceStep accepts real steps 0 … n-1 and rejects n (§9 D1)', () => {
    const basis = marketBasis(valid);
    expect(fromPriceStep(basis, 2.5)).toBe(5);
    expect(fromPriceStep(basis, 5)).toBe(10);
    for (const step of [6, -0.5, NaN]) {
      expect(() => fromPriceStep(basis, step)).toThrow(exactly('priceStep is not in the range of the marketBasis'));
    }
  });
});

describe('prices (PM-MB-4)', () => {
  const basis = marketBasis(valid);

  it('PM-MB-4: bounds are inclusive', () => {
    expect(checkPrice(basis, 0)).toBe(0);
    expect(checkPrice(basis, 10)).toBe(10);
  });

  it.each<[unknown, string]>([
    [NaN, 'Price NaN is not valid'],
    ['5', 'Price NaN is not valid'],
    [12.5, 'Price 12.5 is out of bounds [0.0, 10.0]'],
    [-1e-9, 'Price -1.0E-9 is out of bounds [0.0, 10.0]'],
    [Infinity, 'Price Infinity is out of bounds [0.0, 10.0]'],
  ])('PM-MB-4: %p is rejected with %s', (price, message) => {
    expect(() => checkPrice(basis, price)).toThrow(exactly(message));
  });

  it('PM-MB-4: Java number format in the message of another basis', () => {
    const unit = marketBasis({ ...valid, maximumPrice: 1 });
    expect(() => checkPrice(unit, Infinity)).toThrow(exactly('Price Infinity is out of bounds [0.0, 1.0]'));
    expect(() => priceIndex(unit, 2)).toThrow(exactly('Price 2.0 is out of bounds [0.0, 1.0]'));
  });
});
