/**
 * What went wrong, in the protocol's own terms. UPPER_SNAKE like every flexgrid lib's codes (PowerMatcher's are its
 * wire codes); the P2P SPEC puts none of these on the wire, its HTTP answers carry only a message (P2P-H1).
 */
export type P2PErrorCode =
  'INVALID_DECIMAL' | 'UNSAFE_INTEGER' | 'INVALID_CONFIG' | 'INVALID_ARGUMENT' | 'INVALID_STATE';

/**
 * The one error type of the lib. Rejections that the protocol expects (a reading outside its window, an
 * overlap, …) are outcomes, not errors; a P2PError means the caller passed something the rules cannot take.
 */
export class P2PError extends Error {
  constructor(
    readonly code: P2PErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'P2PError';
  }
}
