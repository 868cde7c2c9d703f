import { P2PError } from '../errors';
import {
  kwhToWh,
  parseScaledDecimal,
  pricePerKwhToPerMWh,
  requireSafeInteger,
  thousandthsToDecimal,
  toSafeNumber,
  wholeChunks,
} from './units';
import { REGISTRATION_ID, SIDE_KEY, STREAM_KEY } from '../channels/channel';

describe('P2P-U units and identifiers', () => {
  it("P2P-U1: kWh converts to Wh only if exact (≤ 3 fraction digits), from the number's text, never through float arithmetic", () => {
    expect(kwhToWh(1.25)).toBe(1250);
    expect(kwhToWh('2.750')).toBe(2750);
    expect(kwhToWh(0)).toBe(0);
    expect(kwhToWh(1e3)).toBe(1_000_000);
    expect(kwhToWh('1.5e2')).toBe(150_000);
    expect(kwhToWh(0.001)).toBe(1);
    expect(() => kwhToWh(0.0001)).toThrow(/more than 3 fraction digits/);
    // 0.1 + 0.2 is 0.30000000000000004 as a double: refused rather than rounded.
    expect(() => kwhToWh(0.1 + 0.2)).toThrow(P2PError);
    expect(() => kwhToWh('1,5')).toThrow(/must be a decimal number/);
    expect(() => kwhToWh(Number.NaN)).toThrow(/finite/);
  });

  it('P2P-U1: a wire price per kWh with ≤ 3 fraction digits is an integer per MWh (12.5 → 12 500)', () => {
    expect(pricePerKwhToPerMWh(12.5)).toBe(12_500);
    expect(pricePerKwhToPerMWh('0.125')).toBe(125);
    expect(pricePerKwhToPerMWh(20)).toBe(20_000);
    expect(() => pricePerKwhToPerMWh('12.5005')).toThrow(/more than 3 fraction digits/);
  });

  it('P2P-U2: values beyond a safe integer fail clearly instead of rounding', () => {
    expect(() => parseScaledDecimal('9007199254740.992', 3, 'x')).toThrow(/exceeds/);
    expect(() => requireSafeInteger(2 ** 53, 'energyWh')).toThrow(/energyWh must be an integer/);
    expect(() => toSafeNumber(2n ** 60n, 'amount')).toThrow(P2PError);
    expect(toSafeNumber(-(2n ** 52n), 'amount')).toBe(-(2 ** 52));
  });

  it('P2P-U1: hostile wire text fails as a P2PError at once, never building a huge BigInt', () => {
    // A tiny exponent would need a divisor of 10^99999999 to check; any non-zero digits are refused before that.
    expect(() => kwhToWh('1e-99999999')).toThrow(/more than 3 fraction digits/);
    expect(() => kwhToWh('1.000e-99999999999999999999')).toThrow(P2PError);
    expect(kwhToWh('0e-99999999999')).toBe(0);
    expect(kwhToWh('0.000e999999')).toBe(0);
    expect(() => kwhToWh('1e99999999')).toThrow(/too large/);
    expect(() => kwhToWh('1'.repeat(101))).toThrow(/longer than 100 characters/);
    expect(kwhToWh('12500e-4')).toBe(1250);
    // Untyped JSON may carry anything where a decimal belongs.
    expect(() => kwhToWh({} as unknown as string)).toThrow(/must be a finite decimal/);
  });

  it('P2P-U2: whole chunks of an amount (L5 dist, L6 pay) in exact integer arithmetic', () => {
    expect(wholeChunks(41, 40)).toBe(40);
    expect(wholeChunks(39, 40)).toBe(0);
    expect(wholeChunks(0, 25)).toBe(0);
    expect(wholeChunks(-5, 25)).toBe(0);
    expect(wholeChunks(Number.MAX_SAFE_INTEGER, 2)).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(() => wholeChunks(10, 0)).toThrow(/chunk must be an integer/);
    expect(() => wholeChunks(2 ** 53, 1)).toThrow(P2PError);
  });

  it('P2P-U1: display decimals in kWh come from one correctly rounded division of the integer', () => {
    expect(thousandthsToDecimal(5250)).toBe(5.25);
    expect(thousandthsToDecimal(1)).toBe(0.001);
    expect(thousandthsToDecimal(-1500)).toBe(-1.5);
  });

  it('P2P-U3: registration ids and stream keys', () => {
    expect(REGISTRATION_ID.test('HOUSE0001')).toBe(true);
    expect(REGISTRATION_ID.test('short')).toBe(false);
    expect(REGISTRATION_ID.test('with space')).toBe(false);
    expect(REGISTRATION_ID.test('a'.repeat(129))).toBe(false);
    expect(STREAM_KEY.test('ven-1:r1')).toBe(true);
    expect(STREAM_KEY.test('a b')).toBe(false);
    expect(STREAM_KEY.test('x'.repeat(201))).toBe(false);
    expect(SIDE_KEY.test('abcdefgh-ijkl_mn')).toBe(true);
    expect(SIDE_KEY.test('too-short')).toBe(false);
  });
});
