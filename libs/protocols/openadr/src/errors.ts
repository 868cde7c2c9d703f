/**
 * The lib's own error type. Input it refuses in other ways is a typed result (`readOadrPayload`), and the
 * eiResponse codes and reasons it writes are OpenADR wire values (`response.ts`), not error codes of ours.
 */

/**
 * XSD-valid input that the protocol cannot use (FMT-1 sign, FMT-2 negative duration, FMT-4 NaN/INF…).
 * Answered with eiResponse 454 INVALID_DATA.
 */
export class OadrDataError extends Error {
  override readonly name = 'OadrDataError';
}
