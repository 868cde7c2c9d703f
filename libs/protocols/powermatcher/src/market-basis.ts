import { PowerMatcherError } from './errors';

/** SPEC §2.1: the market every bid and price of a cluster refers to. */
export interface MarketBasis {
  readonly commodity: string;
  readonly currency: string;
  readonly priceSteps: number;
  readonly minimumPrice: number;
  readonly maximumPrice: number;
}

function invalid(message: string): PowerMatcherError {
  return new PowerMatcherError('INVALID_MARKET_BASIS', message);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A non-number price counts as NaN (PM-MB-1 rows 6/7). */
function asPrice(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
}

/**
 * Validates a market basis in the order of PM-MB-1 and returns it as a fresh frozen object.
 * Throws `INVALID_MARKET_BASIS` with the first failing row's message.
 */
export function marketBasis(input: unknown): MarketBasis {
  if (input === null || typeof input !== 'object') throw invalid('marketBasis is not allowed to be null');
  const { commodity, currency, priceSteps, minimumPrice, maximumPrice } = input as Record<string, unknown>;
  if (!nonEmptyString(commodity)) throw invalid('commodity is required');
  if (!nonEmptyString(currency)) throw invalid('currency is required');
  if (typeof priceSteps !== 'number' || !Number.isInteger(priceSteps)) throw invalid('Price steps must be an integer');
  if (priceSteps <= 0) throw invalid('Price steps must be > 0.');
  // v2.1 accepts a single step and then divides by zero for the increment (§9 D2).
  if (priceSteps < 2) throw invalid('Price steps must be >= 2.');
  const min = asPrice(minimumPrice);
  const max = asPrice(maximumPrice);
  if (Number.isNaN(min)) throw invalid('minimumPrice should not be NaN');
  if (Number.isNaN(max)) throw invalid('maximumPrice should not be NaN');
  if (!Number.isFinite(min)) throw invalid('minimumPrice must be finite');
  if (!Number.isFinite(max)) throw invalid('maximumPrice must be finite');
  if (!(max > min)) throw invalid('Maximum price must be > minimum price.');
  return Object.freeze({ commodity, currency, priceSteps, minimumPrice: min, maximumPrice: max });
}

/** PM-MB-2: strings exactly, numbers with `===` (so 0 equals −0). */
export function marketBasisEquals(a: MarketBasis, b: MarketBasis): boolean {
  return (
    a === b ||
    (a.commodity === b.commodity &&
      a.currency === b.currency &&
      a.priceSteps === b.priceSteps &&
      a.minimumPrice === b.minimumPrice &&
      a.maximumPrice === b.maximumPrice)
  );
}

/** v2.1's auctioneer defaults (§2.1). */
export const DEFAULT_MARKET_BASIS: MarketBasis = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 100,
  minimumPrice: 0,
  maximumPrice: 1,
});
export const DEFAULT_CLUSTER_ID = 'DefaultCluster';
export const DEFAULT_AUCTIONEER_ID = 'auctioneer';

/**
 * The basis a bid is built or checked against: a missing one is v2.1's `marketBasis is not allowed to be null`,
 * not a JavaScript `TypeError` (SPEC §2.1). Only its presence is checked; a basis comes from `marketBasis()`.
 */
export function requireMarketBasis(basis: MarketBasis | null | undefined): MarketBasis {
  if (basis === null || typeof basis !== 'object') throw invalid('marketBasis is not allowed to be null');
  return basis;
}

/** Thrown by every operation combining two operands of different bases (§3.3, v2.1 text). */
export function checkSameMarketBasis(expected: MarketBasis, actual: MarketBasis): void {
  if (!marketBasisEquals(expected, actual)) {
    throw new PowerMatcherError(
      'MARKET_BASIS_MISMATCH',
      'The marketbasis of the supplied bid does not equal this market basis',
    );
  }
}
