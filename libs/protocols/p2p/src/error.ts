/** What went wrong, in the protocol's own terms. */
export type P2PErrorCode =
  'invalid-decimal' | 'unsafe-integer' | 'invalid-config' | 'invalid-argument' | 'invalid-state';

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
