import {
  aggregate,
  bid,
  bidEquals,
  checkDemand,
  demandAt,
  flatBid,
  interpolatedDemandAt,
  maximumDemand,
  minimumDemand,
  subtract,
  transpose,
} from './bid';
import { DemandArrayBuilder } from './demand-builder';
import { PowerMatcherError } from './errors';
import { type MarketBasis, marketBasis } from './market-basis';
import { exactly } from './exact-message.test-util';

const basis5 = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 5,
  minimumPrice: 0,
  maximumPrice: 4,
});
const basis6 = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 6,
  minimumPrice: 0,
  maximumPrice: 10,
});
const other6 = marketBasis({ commodity: 'gas', currency: 'EUR', priceSteps: 6, minimumPrice: 0, maximumPrice: 10 });

describe('demand arrays (PM-BID-1)', () => {
  it.each<[string, unknown, string]>([
    ['row 1: too short', [3, 2, 1], 'Length of the demandArray is not equal to the number of price steps'],
    ['row 1: not an array', 'x', 'Length of the demandArray is not equal to the number of price steps'],
    ['row 2: NaN', [3, 2, NaN, 1, 0], 'Demand at index 2 is not a finite number'],
    ['row 2: +∞', [Infinity, 2, 1, 1, 0], 'Demand at index 0 is not a finite number'],
    ['row 2: −∞', [3, 2, 1, 1, -Infinity], 'Demand at index 4 is not a finite number'],
    ['row 2: non-number', [3, '2', 1, 1, 0], 'Demand at index 1 is not a finite number'],
    ['row 3: above 1e12', [2e12, 2, 1, 1, 0], 'Demand at index 0 is out of range'],
    ['row 3: below -1e12', [3, 2, 1, 1, -1.0000000000001e12], 'Demand at index 4 is out of range'],
    ['row 4: ascending, strict', [9, 9, 9, 4, 7], 'The demand can not be ascending'],
    ['row 4: tiny ascent', [0, 1e-300, -1, -1, -1], 'The demand can not be ascending'],
    [
      'rows in order: row 2 over all indices before row 3',
      [2e12, 1, NaN, 0, 0],
      'Demand at index 2 is not a finite number',
    ],
    ['rows in order: lowest index', [3, NaN, 1, Infinity, 0], 'Demand at index 1 is not a finite number'],
    ['rows in order: row 3 before row 4', [0, 1, 2, 3, 2e12], 'Demand at index 4 is out of range'],
  ])('PM-BID-1: %s', (_, demand, message) => {
    expect(() => checkDemand(basis5, demand)).toThrow(exactly(message));
  });

  it('PM-BID-1: flat, descending and negative bids are accepted; the bid holds a copy', () => {
    const input = [-1, -1, -2, -2.5, -1e12];
    const b = bid(basis5, input);
    input[0] = 7;
    expect(b.demand).toEqual([-1, -1, -2, -2.5, -1e12]);
    expect(flatBid(basis5, -3).demand).toEqual([-3, -3, -3, -3, -3]);
    expect(bid(basis5, [1e12, 0, 0, 0, -1e12]).demand[0]).toBe(1e12);
  });

  it('PM-BID-1: computed bids (aggregates) skip row 3', () => {
    expect(checkDemand(basis5, [3e12, 2e12, 0, 0, 0], 'computed')).toEqual([3e12, 2e12, 0, 0, 0]);
    expect(() => checkDemand(basis5, [3e12, 2e12, 0, 0, 1], 'computed')).toThrow(
      exactly('The demand can not be ascending'),
    );
  });

  it('PM-BID-1: maximum and minimum demand are the first and last values', () => {
    const b = bid(basis5, [4, 3, 2, 1, -5]);
    expect(maximumDemand(b)).toBe(4);
    expect(minimumDemand(b)).toBe(-5);
  });

  it('PM-BID-2: equal bases and bitwise identical values; +0 and -0 differ', () => {
    const a = bid(basis6, [1, 0, 0, 0, 0, -1]);
    expect(bidEquals(a, bid(basis6, [1, 0, 0, 0, 0, -1]))).toBe(true);
    expect(bidEquals(a, bid(basis6, [1, -0, 0, 0, 0, -1]))).toBe(false);
    expect(bidEquals(a, bid(other6, [1, 0, 0, 0, 0, -1]))).toBe(false);
  });
});

describe('bids without a market basis (PM-MB-1)', () => {
  it.each([null, undefined])(
    'PM-MB-1: bid, flatBid and checkDemand with a %s basis name the missing basis',
    (basis) => {
      const missing = basis as unknown as MarketBasis;
      for (const build of [() => bid(missing, [1, 0]), () => flatBid(missing, 1), () => checkDemand(missing, [1, 0])]) {
        expect(build).toThrow(PowerMatcherError);
        expect(build).toThrow(exactly('marketBasis is not allowed to be null'));
      }
    },
  );
});

describe('demand array builder (PM-BID-1)', () => {
  it('PM-BID-1: demand and fillTo build a bid; fillTo below the fill does nothing', () => {
    const built = new DemandArrayBuilder(basis6).demand(500).demand(300).fillTo(4).fillTo(2).demand(-100).build();
    expect(built.demand).toEqual([500, 300, 300, 300, -100, -100]);
  });

  it('PM-BID-1: builder messages', () => {
    expect(() => new DemandArrayBuilder(null)).toThrow(exactly('marketBasis is not allowed to be null'));
    expect(() => new DemandArrayBuilder(basis5).build()).toThrow(
      exactly('Demand array contains no demand that can be extended'),
    );
    expect(() => new DemandArrayBuilder(basis5).fillTo(3)).toThrow(
      exactly('Demand array contains no demand that can be extended'),
    );
    expect(() => new DemandArrayBuilder(basis5).demand(1).fillTo(6)).toThrow(
      exactly('The supplied priceStep is out of bounds'),
    );
    expect(() => new DemandArrayBuilder(basis5).demand(1).fillTo(5).demand(0)).toThrow(
      exactly('Demand array has already been filled to maximum'),
    );
    expect(() => new DemandArrayBuilder(basis5).demand(1).demand(2)).toThrow(
      exactly('The demand can not be ascending'),
    );
    expect(() => new DemandArrayBuilder(basis5).demand(1).demand(NaN)).toThrow(
      exactly('Demand at index 1 is not a finite number'),
    );
    expect(() => new DemandArrayBuilder(basis5).demand(-2e12)).toThrow(exactly('Demand at index 0 is out of range'));
    expect(() => new DemandArrayBuilder(basis5).demandArray([1, 0])).toThrow(
      exactly('supplied array is not same size as number of priceSteps in MarketBasis'),
    );
    expect(() => new DemandArrayBuilder(basis5).demandArray([1, 0, 2, 0, 0])).toThrow(
      exactly('The demand can not be ascending'),
    );
  });

  it('PM-BID-1: demandArray replaces a partial fill', () => {
    expect(new DemandArrayBuilder(basis5).demand(9).demandArray([4, 3, 2, 1, 0]).build().demand).toEqual([
      4, 3, 2, 1, 0,
    ]);
  });
});

describe('bid operations (PM-BID-4)', () => {
  const a = bid(basis6, [600, 300, 100, -100, -300, -500]);
  const b = bid(basis6, [100, 100, 50, 0, 0, -10]);

  it('PM-BID-4: aggregate adds step by step', () => {
    expect(aggregate(a, b).demand).toEqual([700, 400, 150, -100, -300, -510]);
  });

  it('PM-BID-4: subtract validates the result and may fail ascending', () => {
    expect(subtract(a, b).demand).toEqual([500, 200, 50, -100, -300, -490]);
    expect(() => subtract(b, a)).toThrow(exactly('The demand can not be ascending'));
  });

  it('PM-BID-4: transpose shifts every step; a non-finite shift fails row 2 at index 0', () => {
    expect(transpose(a, 50).demand).toEqual([650, 350, 150, -50, -250, -450]);
    expect(() => transpose(a, NaN)).toThrow(exactly('Demand at index 0 is not a finite number'));
    expect(() => transpose(a, -Infinity)).toThrow(exactly('Demand at index 0 is not a finite number'));
  });

  it('PM-BID-4: operations check the market basis first', () => {
    const foreign = bid(other6, [0, 0, 0, 0, 0, 0]);
    for (const op of [aggregate, subtract]) {
      expect(() => op(a, foreign)).toThrow(
        exactly('The marketbasis of the supplied bid does not equal this market basis'),
      );
    }
  });

  it('PM-BID-4: demandAt takes the nearest step, no interpolation', () => {
    expect(demandAt(a, 0)).toBe(600);
    expect(demandAt(a, 2.9)).toBe(300);
    expect(demandAt(a, 3)).toBe(100);
    expect(demandAt(a, { marketBasis: basis6, price: 10 })).toBe(-500);
    expect(() => demandAt(a, { marketBasis: other6, price: 1 })).toThrow(
      exactly('The marketbasis of the pricestep does not equal this market basis'),
    );
    expect(() => demandAt(a, 11)).toThrow(exactly('Price 11.0 is out of bounds [0.0, 10.0]'));
  });

  it('PM-BID-4: interpolatedDemandAt interpolates between the surrounding steps', () => {
    expect(interpolatedDemandAt(a, 3)).toBe(200);
    expect(interpolatedDemandAt(a, 5)).toBe(0);
    expect(interpolatedDemandAt(a, 1)).toBe(450);
    expect(interpolatedDemandAt(a, 10)).toBe(-500);
    expect(() => interpolatedDemandAt(a, NaN)).toThrow(exactly('Price NaN is not valid'));
  });
});
