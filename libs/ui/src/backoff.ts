/**
 * Reconnect delays for the live stream: exponential with "equal jitter" (half fixed, half random), so that a
 * restarted server is not hit by every open page in the same millisecond, while no retry comes sooner than half
 * the nominal delay.
 */
export interface BackoffPolicy {
  /** The first retry's nominal delay. */
  initialMs: number;
  /** The cap on the nominal delay. */
  maxMs: number;
  factor: number;
  /** A connection that stayed open this long counts as healthy: the next drop starts again at initialMs. */
  stableAfterMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, stableAfterMs: 10_000 };

/** The nominal delay before retry number `attempt` (0 for the first retry). */
export function nominalDelay(attempt: number, policy: BackoffPolicy = defaultBackoff): number {
  // Capped before exponentiation overflows: factor^attempt grows past maxMs long before it reaches Infinity.
  const exponent = Math.min(attempt, 64);
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
}

/** The delay to wait, given a random number in [0, 1) (injected so tests are deterministic). */
export function backoffDelay(attempt: number, random: number, policy: BackoffPolicy = defaultBackoff): number {
  const nominal = nominalDelay(attempt, policy);
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

/**
 * The retry number for a connection that was lost after `openForMs` (0 when it never opened), following `retries`
 * consecutive retries: a connection that stayed up long enough was healthy, so the count starts over.
 */
export function retryAfterDrop(retries: number, openForMs: number, policy: BackoffPolicy = defaultBackoff): number {
  return openForMs >= policy.stableAfterMs ? 0 : retries;
}
