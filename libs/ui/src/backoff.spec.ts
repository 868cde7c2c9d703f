import { backoffDelay, type BackoffPolicy, defaultBackoff, nominalDelay, retryAfterDrop } from './backoff';

const policy: BackoffPolicy = { initialMs: 100, maxMs: 5_000, factor: 2, stableAfterMs: 1_000 };

describe('backoff', () => {
  it('doubles the nominal delay per retry up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => nominalDelay(n, policy))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
    expect(nominalDelay(10_000, policy)).toBe(5000);
  });

  it('waits between half and all of the nominal delay (equal jitter)', () => {
    expect(backoffDelay(3, 0, policy)).toBe(400);
    expect(backoffDelay(3, 0.5, policy)).toBe(600);
    expect(backoffDelay(3, 0.999999, policy)).toBe(800);
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, Math.random(), defaultBackoff);
      expect(delay).toBeGreaterThanOrEqual(nominalDelay(attempt) / 2);
      expect(delay).toBeLessThanOrEqual(defaultBackoff.maxMs);
    }
  });

  it('starts over after a connection that stayed up, and keeps counting after one that did not', () => {
    expect(retryAfterDrop(5, 1_000, policy)).toBe(0);
    expect(retryAfterDrop(5, 999, policy)).toBe(5);
    expect(retryAfterDrop(0, 0, policy)).toBe(0);
  });
});
