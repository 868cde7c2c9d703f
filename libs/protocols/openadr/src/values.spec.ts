import { OadrDataError } from './errors';
import {
  formatDateTime,
  formatDecimal,
  formatDuration,
  parseBoolean,
  parseDateTime,
  parseDecimalText,
  parseDuration,
  parseSignedDuration,
  parseTestEvent,
  parseUnsignedInt,
} from './values';

const utc = (iso: string): number => Date.parse(iso);

describe('FMT-1 date-time', () => {
  it.each([
    ['2030-05-01T12:00:00Z', '2030-05-01T12:00:00.000Z'],
    ['2030-05-01T12:00:00', '2030-05-01T12:00:00.000Z'],
    ['2030-05-01T12:00:00.Z', '2030-05-01T12:00:00.000Z'],
    ['2030-05-01T12:00:00.1Z', '2030-05-01T12:00:00.100Z'],
    ['2030-05-01T12:00:00.12Z', '2030-05-01T12:00:00.120Z'],
    ['2030-05-01T12:00:00.123456789Z', '2030-05-01T12:00:00.123Z'],
    ['2030-05-01T12:00:00.999999', '2030-05-01T12:00:00.999Z'],
    [' 2030-05-01T12:00:00Z ', '2030-05-01T12:00:00.000Z'],
    ['2020-02-29T23:59:59Z', '2020-02-29T23:59:59.000Z'],
    ['2030-12-31T24:00:00Z', '2031-01-01T00:00:00.000Z'],
    ['2030-12-31T24:00:00.000Z', '2031-01-01T00:00:00.000Z'],
    ['0099-03-01T00:00:00Z', '0099-03-01T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('FMT-1: %j in is %s (UTC, fraction truncated to ms)', (text, iso) => {
    expect(parseDateTime(text)).toBe(utc(iso));
  });

  it('FMT-1: a leading sign is unusable (454)', () => {
    expect(() => parseDateTime('+2030-05-01T12:00:00Z')).toThrow(OadrDataError);
    expect(() => parseDateTime('-2030-05-01T12:00:00Z')).toThrow('must not carry a sign');
  });

  it.each([
    '2030-05-01T12:00:00+01:00',
    '2021-02-29T00:00:00Z',
    '2030-04-31T00:00:00Z',
    '2030-00-10T00:00:00Z',
    '2030-13-01T00:00:00Z',
    '2030-05-00T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '2030-05-01T12:60:00Z',
    '2030-05-01T12:00:60Z',
    '2030-05-01T25:00:00Z',
    '2030-05-01T24:00:01Z',
    '2030-05-01T24:00:00.001Z',
    '2030-02-30T24:00:00Z',
  ])('FMT-1: %s (an offset or outside the xs:dateTime calendar) is not an OpenADR date-time', (text) => {
    expect(() => parseDateTime(text)).toThrow(OadrDataError);
  });

  it('FMT-1: out is YYYY-MM-DDTHH:mm:ss.sssZ', () => {
    expect(formatDateTime(utc('2030-05-01T12:00:00Z'))).toBe('2030-05-01T12:00:00.000Z');
    expect(formatDateTime(utc('2030-05-01T12:00:00.5Z'))).toBe('2030-05-01T12:00:00.500Z');
    expect(() => formatDateTime(1.5)).toThrow(OadrDataError);
    expect(() => formatDateTime(Date.UTC(10000, 0, 1))).toThrow(OadrDataError);
  });
});

describe('FMT-2 duration', () => {
  it.each([
    ['P', 0],
    ['PT', 0],
    ['PT0S', 0],
    ['PT5S', 5],
    ['PT1M30S', 90],
    ['P1DT2H3M4S', 93_784],
    ['P1D', 86_400],
    ['2W', 14 * 86_400],
    ['P2M', 60 * 86_400],
    ['PT2M', 120],
    ['P1M2DT3H4M5S', 30 * 86_400 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5],
    ['P1DT', 86_400],
    ['P1Y', 365 * 86_400],
    ['-PT0S', 0],
  ])('FMT-2: %s in is %d s', (text, seconds) => {
    expect(parseDuration(text).seconds).toBe(seconds);
  });

  it('FMT-2: years and months come with a warning', () => {
    expect(parseDuration('P1Y').warning).toContain('365 days');
    expect(parseDuration('P1M').warning).toContain('30 days');
    expect(parseDuration('PT1M').warning).toBeUndefined();
  });

  it('FMT-2: a negative duration is kept by parseSignedDuration and unusable (454) where it must be ≥ 0', () => {
    expect(parseSignedDuration('-PT5M').seconds).toBe(-300);
    expect(() => parseDuration('-PT5M')).toThrow(OadrDataError);
  });

  it('FMT-2: text outside the grammar and absurd sizes are refused', () => {
    for (const bad of ['PT1.5S', 'P1W', '-2W', 'T1S', '1D', 'P99999999999999999999D'])
      expect(() => parseDuration(bad)).toThrow(OadrDataError);
  });

  it.each([
    [0, 'PT0S'],
    [5, 'PT5S'],
    [90, 'PT1M30S'],
    [3600, 'PT1H'],
    [86_400, 'P1D'],
    [93_784, 'P1DT2H3M4S'],
    [86_460, 'P1DT1M'],
  ])('FMT-2: %d s out is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
    expect(parseDuration(text).seconds).toBe(seconds);
  });

  it('FMT-2: never writes fractions or a sign', () => {
    expect(() => formatDuration(1.5)).toThrow(OadrDataError);
    expect(() => formatDuration(-1)).toThrow(OadrDataError);
  });
});

describe('FMT-3 booleans', () => {
  it('FMT-3: true, false, 1, 0 in', () => {
    expect(['true', 'false', '1', '0', ' true '].map(parseBoolean)).toEqual([true, false, true, false, true]);
    expect(() => parseBoolean('TRUE')).toThrow(OadrDataError);
  });

  it('FMT-3: testEvent is a string: anything but false is a test event', () => {
    expect(['false', ' false ', 'true', '', 'False', 'yes'].map(parseTestEvent)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('FMT-4 numbers', () => {
  it('FMT-4: xs:float in, exponents allowed, kept as decimal text', () => {
    expect(['1', '-2.5', '.5', '5.', '1.5E-3', '+1e+3', ' 7 '].map(parseDecimalText)).toEqual([
      '1',
      '-2.5',
      '.5',
      '5.',
      '1.5E-3',
      '+1e+3',
      '7',
    ]);
  });

  it('FMT-4: NaN and ±INF are unusable (454)', () => {
    for (const bad of ['NaN', 'INF', '-INF', '1e', 'abc']) expect(() => parseDecimalText(bad)).toThrow(OadrDataError);
  });

  it('FMT-4: out is String(n)', () => {
    expect([1, -2.5, 0.1, 1e21, 1e-7].map(formatDecimal)).toEqual(['1', '-2.5', '0.1', '1e+21', '1e-7']);
    expect(() => formatDecimal(Number.NaN)).toThrow(OadrDataError);
    expect(() => formatDecimal(Infinity)).toThrow(OadrDataError);
  });

  it('FMT-4: unsigned 32-bit integers', () => {
    expect(['0', '+7', '4294967295', '007', '-0', ' -00 '].map(parseUnsignedInt)).toEqual([
      0, 7, 4_294_967_295, 7, 0, 0,
    ]);
    expect(Object.is(parseUnsignedInt('-0'), 0)).toBe(true);
    expect(() => parseUnsignedInt('4294967296')).toThrow(OadrDataError);
    expect(() => parseUnsignedInt('-1')).toThrow(OadrDataError);
    expect(() => parseUnsignedInt('-01')).toThrow(OadrDataError);
  });
});
