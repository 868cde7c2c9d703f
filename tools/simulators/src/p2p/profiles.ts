/**
 * Seeded energy profiles of the simulated community (P2P-T10 "default": PV curves zero at night, household load
 * curves), as integer Wh per window. Deterministic for a seed and a time, so a run can be replayed.
 */

const DAY = 86_400_000;

/** A deterministic value in [0, 1) for (seed, t): the murmur3 finaliser over the seed and the second. */
function noise(seed: number, t: number): number {
  let h = Math.imul(seed ^ Math.floor(t / 1000), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** PV: a half-sine between 06:00 and 18:00 UTC, `peakW` at noon, ±10 % cloud noise; 0 at night. */
export function pvWh(peakW: number, seed: number, start: number, end: number): number {
  const hour = ((start % DAY) / DAY) * 24;
  if (hour < 6 || hour >= 18) return 0;
  const power = peakW * Math.sin(((hour - 6) / 12) * Math.PI) * (0.9 + 0.2 * noise(seed, start));
  return Math.max(0, Math.floor((power * (end - start)) / 3_600_000));
}

/** Wind: a base of 30 % of `ratedW` with gusts up to the rating, day and night. */
export function windWh(ratedW: number, seed: number, start: number, end: number): number {
  const power = ratedW * (0.3 + 0.7 * noise(seed, start));
  return Math.floor((power * (end - start)) / 3_600_000);
}

/** Household: a base load with morning and evening peaks, ±20 % noise. */
export function householdWh(baseW: number, seed: number, start: number, end: number): number {
  const hour = ((start % DAY) / DAY) * 24;
  const peak = hour >= 6 && hour < 9 ? 2.2 : hour >= 17 && hour < 22 ? 2.8 : 1;
  const power = baseW * peak * (0.8 + 0.4 * noise(seed, start));
  return Math.floor((power * (end - start)) / 3_600_000);
}
