import { applyWhitespace, BUILTIN_TYPES, checkBuiltin, compareValues } from './builtins';
import { xmllintValidateAgainst } from './xmllint.test-util';

/** Lexical edge cases per built-in type, judged by libxml2 and by us. */
const CASES: Readonly<Record<string, readonly string[]>> = {
  decimal: ['1', '+.5', '5.', '.', '', ' 1 ', '-0', '1234567890123456789012345678901234567890.5', '1e3', '1,5'],
  integer: ['-0', '+7', '123456789012345678901234567890', '1.0', '', ' 8 '],
  unsignedInt: ['0', '-0', '+4294967295', '4294967296', '00000000000000000000001', '-1'],
  long: ['9223372036854775807', '9223372036854775808', '-9223372036854775808'],
  int: ['2147483647', '2147483648'],
  short: ['-32768', '-32769'],
  unsignedByte: ['255', '256'],
  unsignedShort: ['65535', '65536'],
  unsignedLong: ['18446744073709551615', '18446744073709551616'],
  positiveInteger: ['0', '1'],
  float: [
    '1e39',
    'INF',
    '-INF',
    '+INF',
    'NaN',
    '-NaN',
    '1.5E-3',
    '1e',
    '1e+',
    'e5',
    '.e5',
    '1.e5',
    '-.5',
    '+1',
    '-',
    '.',
    '1e5.5',
    'inf',
    ' 1 ',
    '0x1',
    '',
  ],
  double: ['1e309', '-0', 'NaN'],
  boolean: ['true', 'false', '1', '0', 'TRUE', ' 1 ', 'yes'],
  dateTime: [
    '2020-02-29T00:00:00Z',
    '2021-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '2020-01-01T24:00:00Z',
    '2020-01-01T24:00:01Z',
    '2020-01-01T23:59:60Z',
    '2020-01-01T00:00:00+14:00',
    '2020-01-01T00:00:00+14:01',
    '2020-01-01T00:00:00.Z',
    '-2020-01-01T00:00:00Z',
    '+2020-01-01T00:00:00Z',
    '12020-01-01T00:00:00Z',
    '02020-01-01T00:00:00Z',
    '2020-1-01T00:00:00Z',
    '2020-04-31T00:00:00Z',
    '2020-01-01T00:00:00.123456789',
    '-0004-02-29T00:00:00Z',
    '-0003-02-29T00:00:00Z',
  ],
  anyURI: [
    'http://flexgrid.local/programs/default',
    'a b',
    '%zz',
    'http://[bad',
    '',
    '::',
    '#',
    'é',
    'http://a:80x/',
    'http://a:99999999999/',
    'http://a:65536/',
    'http://u@h/',
    'a:b:c',
    'a%20b',
    '%2',
    'http://[::1]/',
    'http://[zz]/',
    '1abc:x',
    './a:b',
    '//host',
    '?q',
    'a#b#c',
    'http://h/%',
    'x:',
    '[x]',
    'a[b',
    'http://h/a[b]',
    'http://h/?a[b]',
    'http://h/#a[b]',
    'http://u[@h/',
    'mailto:a@b',
    'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
    'http://h/p?q=1&r=2#f',
    'http://a:/',
  ],
  base64Binary: ['AAAA', 'AA AA', 'AAA', 'AA==', 'AB==', 'A A = =', '', 'AAA=', 'AAB=', 'AA=A', '====', 'QUJD\nREVG'],
  hexBinary: ['0', '0a', '', 'FFff', 'g0'],
  language: ['en-US', 'toolongxx', 'en_US', 'x-klingon'],
  NMTOKEN: ['a:b', 'a b', '-1', ''],
  NCName: ['a', 'a:b', '1a', '_x'],
  ID: ['id1', '1id', 'a:b'],
  token: ['a\tb', '  spaced  '],
  normalizedString: ['a\nb'],
};

function testSchema(): string {
  const types = Object.keys(CASES);
  return `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified">${types
    .map((t) => `<xs:element name="${t}" type="xs:${t}"/>`)
    .join('')}</xs:schema>`;
}

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe('built-in types agree with libxml2', () => {
  const cases = Object.entries(CASES).flatMap(([type, values]) => values.map((value) => [type, value] as const));
  let verdicts: boolean[];

  beforeAll(async () => {
    const results = await xmllintValidateAgainst(
      testSchema(),
      cases.map(([type, value]) => `<${type} xmlns="urn:t">${escape(value)}</${type}>`),
    );
    verdicts = results.map((r) => r.valid);
  });

  it('every case is judged the same (lexical space after whitespace processing)', () => {
    const ours = cases.map(
      ([type, value]) =>
        checkBuiltin(type, applyWhitespace(value, BUILTIN_TYPES[type]?.whitespace ?? 'preserve')) === undefined,
    );
    const disagreements = cases
      .filter((_, i) => ours[i] !== verdicts[i])
      .map(([type, value]) => `${type} ${JSON.stringify(value)}`);
    expect(disagreements).toEqual([]);
    expect(verdicts.filter((v) => v).length).toBeGreaterThan(40);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(40);
  });
});

describe('value comparisons for facets', () => {
  it('decimals compare by value, not by text', () => {
    expect(compareValues('decimal', '007.50', '7.5')).toBe(0);
    expect(compareValues('unsignedInt', '100', '99')).toBe(1);
    expect(compareValues('integer', '-5', '3')).toBe(-1);
    expect(compareValues('decimal', '-0', '0')).toBe(0);
  });

  it('floats compare numerically, NaN only equals NaN', () => {
    expect(compareValues('float', '1e1', '10')).toBe(0);
    expect(compareValues('float', 'NaN', '1')).toBeUndefined();
    expect(compareValues('float', 'NaN', 'NaN')).toBe(0);
    expect(compareValues('float', '-INF', '0')).toBe(-1);
  });

  it('strings only compare equal', () => {
    expect(compareValues('string', 'a', 'a')).toBe(0);
    expect(compareValues('string', 'a', 'b')).toBeUndefined();
  });
});
