/**
 * Every failure the lib reports carries one of these codes. The wire codes of §7.2/§7.6 are the ones an
 * ERROR message or a close reason carries; the others name what a host (service, client, REST API) must map.
 */
export type PowerMatcherErrorCode =
  | 'INVALID_MARKET_BASIS'
  | 'INVALID_PRICE'
  | 'INVALID_BID'
  | 'MARKET_BASIS_MISMATCH'
  | 'INVALID_CONFIGURATION'
  | 'INVALID_MEASUREMENT'
  | 'INVALID_TIME'
  | 'UNKNOWN_AGENT'
  | 'UNKNOWN_PARENT'
  | 'DUPLICATE_AGENT'
  | 'NOT_CONNECTED'
  | 'UNKNOWN_BID_NUMBER'
  | 'INVALID_PARAMETER'
  | 'INVALID_MESSAGE'
  | 'MALFORMED_JSON'
  | 'RATE_LIMITED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'INTERNAL_ERROR';

/** A rejected input, in the protocol's own terms: `message` is the SPEC's exact text. */
export class PowerMatcherError extends Error {
  override readonly name = 'PowerMatcherError';

  constructor(
    readonly code: PowerMatcherErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isPowerMatcherError(error: unknown): error is PowerMatcherError {
  return error instanceof PowerMatcherError;
}
