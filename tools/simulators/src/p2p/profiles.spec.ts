import { householdWh, pvWh, windWh } from './profiles';

const DAY = 86_400_000;
const MIDNIGHT = 1_800_000_000_000 - (1_800_000_000_000 % DAY);
const Q = 900_000;

describe('P2P-T10 default profiles', () => {
  it('PV is zero at night and positive at noon; every profile is deterministic, integer and varies', () => {
    expect(pvWh(4000, 1, MIDNIGHT + 2 * 3_600_000, MIDNIGHT + 2 * 3_600_000 + Q)).toBe(0);
    const noon = MIDNIGHT + 12 * 3_600_000;
    expect(pvWh(4000, 1, noon, noon + Q)).toBeGreaterThan(800);
    for (const profile of [pvWh, windWh, householdWh]) {
      const values = Array.from({ length: 8 }, (_, i) => profile(4000, 7, noon + i * Q, noon + (i + 1) * Q));
      expect(values.every(Number.isSafeInteger)).toBe(true);
      expect(new Set(values).size).toBeGreaterThan(1);
      expect(profile(4000, 7, noon, noon + Q)).toBe(values[0]);
    }
  });
});
