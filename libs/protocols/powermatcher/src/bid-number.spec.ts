import { isBidNumber, nextBidNumber } from './bid-number';

describe('bid numbers (PM-CL-3)', () => {
  it('PM-CL-3: a local sender counts from 1 and wraps from 2^31-1 to -2^31 like a Java int', () => {
    expect(nextBidNumber(0)).toBe(1);
    expect(nextBidNumber(2 ** 31 - 2)).toBe(2 ** 31 - 1);
    expect(nextBidNumber(2 ** 31 - 1)).toBe(-(2 ** 31));
    expect(nextBidNumber(-(2 ** 31))).toBe(-(2 ** 31) + 1);
  });

  it('PM-CL-3: remote agents may use any int32', () => {
    expect(isBidNumber(-(2 ** 31))).toBe(true);
    expect(isBidNumber(2 ** 31 - 1)).toBe(true);
    expect(isBidNumber(2 ** 31)).toBe(false);
    expect(isBidNumber(1.5)).toBe(false);
    expect(isBidNumber('1')).toBe(false);
  });
});
