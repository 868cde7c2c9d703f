import fc from 'fast-check';
import { intersection } from './equilibrium';
import { marketBasis } from './market-basis';

const basis6 = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 6,
  minimumPrice: 0,
  maximumPrice: 10,
});

describe('equilibrium (PM-EQ-1)', () => {
  it.each<[string, number[], number, number]>([
    ['crossing between steps interpolates off the grid', [900, 500, 100, -300, -700, -900], 0, 4.5],
    ['a vertical step gets no special rule', [800, 800, 800, -400, -400, -400], 0, 5.333333333333333],
    ['a plateau at the target gives its midpoint', [400, 400, 0, 0, 0, -200], 0, 6],
    ['all zero gives mid-range', [0, 0, 0, 0, 0, 0], 0, 5],
    ['a plateau reaching max', [500, 200, 200, 0, 0, 0], 0, 8],
    ['a crossing at the last step', [500, 300, 300, 300, 100, 0], 0, 10],
    ['values within 1e-6 W count as on target', [500, 300, 4e-7, -3e-7, -100, -200], 0, 5],
    ['all positive gives max', [900, 500, 100, 50, 20, 1], 0, 10],
    ['all negative gives min', [-1, -5, -100, -300, -700, -900], 0, 0],
    ['another target', [900, 500, 100, -300, -700, -900], 200, 3.5],
    ['a target above the first step gives min', [900, 500, 100, -300, -700, -900], 901, 0],
    ['a target below the last step gives max', [900, 500, 100, -300, -700, -900], -901, 10],
  ])('PM-EQ-1: %s', (_, demand, target, price) => {
    expect(Object.is(intersection({ marketBasis: basis6, demand }, target), price)).toBe(true);
  });

  it('PM-EQ-1: the plateau midpoint is pL + (pR - pL) * 0.5, not (pL + pR) / 2', () => {
    // 3 steps on 0.3 … 1.7: a plateau over 0.3 … 1.0, where the two expressions differ in the last bit.
    const basis = marketBasis({
      commodity: 'electricity',
      currency: 'EUR',
      priceSteps: 3,
      minimumPrice: 0.3,
      maximumPrice: 1.7,
    });
    const price = intersection({ marketBasis: basis, demand: [0, 0, -1] }, 0);
    expect(Object.is(price, 0.6499999999999999)).toBe(true);
    expect((0.3 + 1) / 2).toBe(0.65);
  });

  it('PM-EQ-1: where v2.1 overshot max and threw (§9 D3), the last grid price is clamped to max', () => {
    const basis = marketBasis({
      commodity: 'electricity',
      currency: 'EUR',
      priceSteps: 12,
      minimumPrice: 0,
      maximumPrice: 50,
    });
    const demand = [900, 800, 700, 600, 500, 400, 300, 200, 150, 120, 100, -100];
    const pL = 0 + 10 * (50 / 11);
    expect(Object.is(intersection({ marketBasis: basis, demand }, 0), pL + (50 - pL) * 0.5)).toBe(true);
    expect(intersection({ marketBasis: basis, demand: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, 0)).toBe(25);
  });

  it('PM-EQ-1: the result always lies within [min, max] and is non-increasing in the target', () => {
    const basis = marketBasis({
      commodity: 'electricity',
      currency: 'EUR',
      priceSteps: 12,
      minimumPrice: 0,
      maximumPrice: 50,
    });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: -500, max: 500 }),
        (values, target) => {
          const demand = values.sort((a, b) => b - a);
          const price = intersection({ marketBasis: basis, demand }, target);
          expect(price).toBeGreaterThanOrEqual(0);
          expect(price).toBeLessThanOrEqual(50);
          expect(intersection({ marketBasis: basis, demand }, target + 10)).toBeLessThanOrEqual(price);
        },
      ),
      { numRuns: 300 },
    );
  });
});
