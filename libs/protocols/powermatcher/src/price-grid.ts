import { PowerMatcherError } from './errors';
import { formatJavaDouble } from './java-double';
import { type MarketBasis, marketBasisEquals } from './market-basis';

/** A price tied to its market basis (v2.1 `Price`); APIs taking a price accept it or a bare number. */
export interface Price {
  readonly marketBasis: MarketBasis;
  readonly price: number;
}

/** `(max - min) / (n - 1)` (PM-MB-3). */
export function priceIncrement(basis: MarketBasis): number {
  return (basis.maximumPrice - basis.minimumPrice) / (basis.priceSteps - 1);
}

/**
 * The grid price of step `i` (an integer 0 … n-1): `min + i * increment`, with that association, and not
 * snapped to `max` at the last step. A sum landing above `max` is clamped to it (§9 D3).
 */
export function priceOf(basis: MarketBasis, i: number): number {
  return gridPrice(basis.minimumPrice, basis.maximumPrice, priceIncrement(basis), i);
}

/** `priceOf` with the increment computed once, for loops over the grid. */
export function gridPrice(min: number, max: number, increment: number, i: number): number {
  const price = min + i * increment;
  return price > max ? max : price;
}

/** PM-MB-4: throws `Price NaN is not valid` or `Price <p> is out of bounds [<min>, <max>]` (Java number format). */
export function checkPrice(basis: MarketBasis, price: unknown): number {
  const p = typeof price === 'number' ? price : NaN;
  if (Number.isNaN(p)) throw new PowerMatcherError('INVALID_PRICE', 'Price NaN is not valid');
  if (p < basis.minimumPrice || p > basis.maximumPrice) {
    throw new PowerMatcherError(
      'INVALID_PRICE',
      `Price ${formatJavaDouble(p)} is out of bounds [${formatJavaDouble(basis.minimumPrice)}, ${formatJavaDouble(basis.maximumPrice)}]`,
    );
  }
  return p;
}

/** Unwraps a `Price` of the same basis (or a number) and validates it. */
export function priceValue(basis: MarketBasis, price: number | Price): number {
  if (typeof price === 'object' && price !== null) {
    if (!marketBasisEquals(basis, price.marketBasis)) {
      throw new PowerMatcherError(
        'MARKET_BASIS_MISMATCH',
        'The marketbasis of the pricestep does not equal this market basis',
      );
    }
    return checkPrice(basis, price.price);
  }
  return checkPrice(basis, price);
}

/** The fractional step of a valid price: `(p - min) / increment`, no rounding. */
export function priceStep(basis: MarketBasis, price: number | Price): number {
  return (priceValue(basis, price) - basis.minimumPrice) / priceIncrement(basis);
}

/** The nearest grid step: `Math.round` (ties toward +∞, as Java's), clamped to 0 … n-1. */
export function priceIndex(basis: MarketBasis, price: number | Price): number {
  return clampIndex(basis, Math.round(priceStep(basis, price)));
}

/** `priceIndex` of a price already known to be valid (the equilibrium), without re-validating it. */
export function gridIndexOf(basis: MarketBasis, price: number): number {
  return clampIndex(basis, Math.round((price - basis.minimumPrice) / priceIncrement(basis)));
}

function clampIndex(basis: MarketBasis, index: number): number {
  return index < 0 ? 0 : index > basis.priceSteps - 1 ? basis.priceSteps - 1 : index;
}

/** `priceOf(s)` for a real step `0 ≤ s ≤ n-1`; v2.1 also accepted `s = n` (§9 D1). */
export function fromPriceStep(basis: MarketBasis, step: number): number {
  if (!(typeof step === 'number' && step >= 0 && step <= basis.priceSteps - 1)) {
    throw new PowerMatcherError('INVALID_PRICE', 'priceStep is not in the range of the marketBasis');
  }
  return priceOf(basis, step);
}
