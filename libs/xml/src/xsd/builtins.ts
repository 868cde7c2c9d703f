/**
 * The XSD built-in simple types the compiler supports: their whitespace handling, lexical spaces
 * and value comparisons. Where libxml2 (the validator openleadr and xmllint use) departs from the XSD 1.0
 * text, libxml2 is followed, since the validator is to accept and refuse exactly what it does; each such
 * place says so.
 */
import { isNcName, isNmtoken, isXmlName } from '../names';
import type { Whitespace } from './model';

interface BuiltinType {
  readonly base: string | undefined;
  readonly whitespace: Whitespace;
}

export const BUILTIN_TYPES: Readonly<Record<string, BuiltinType>> = {
  anySimpleType: { base: undefined, whitespace: 'preserve' },
  string: { base: 'anySimpleType', whitespace: 'preserve' },
  normalizedString: { base: 'string', whitespace: 'replace' },
  token: { base: 'normalizedString', whitespace: 'collapse' },
  language: { base: 'token', whitespace: 'collapse' },
  NMTOKEN: { base: 'token', whitespace: 'collapse' },
  Name: { base: 'token', whitespace: 'collapse' },
  NCName: { base: 'Name', whitespace: 'collapse' },
  ID: { base: 'NCName', whitespace: 'collapse' },
  IDREF: { base: 'NCName', whitespace: 'collapse' },
  anyURI: { base: 'anySimpleType', whitespace: 'collapse' },
  boolean: { base: 'anySimpleType', whitespace: 'collapse' },
  float: { base: 'anySimpleType', whitespace: 'collapse' },
  double: { base: 'anySimpleType', whitespace: 'collapse' },
  decimal: { base: 'anySimpleType', whitespace: 'collapse' },
  integer: { base: 'decimal', whitespace: 'collapse' },
  nonNegativeInteger: { base: 'integer', whitespace: 'collapse' },
  positiveInteger: { base: 'nonNegativeInteger', whitespace: 'collapse' },
  nonPositiveInteger: { base: 'integer', whitespace: 'collapse' },
  negativeInteger: { base: 'nonPositiveInteger', whitespace: 'collapse' },
  long: { base: 'integer', whitespace: 'collapse' },
  int: { base: 'long', whitespace: 'collapse' },
  short: { base: 'int', whitespace: 'collapse' },
  byte: { base: 'short', whitespace: 'collapse' },
  unsignedLong: { base: 'nonNegativeInteger', whitespace: 'collapse' },
  unsignedInt: { base: 'unsignedLong', whitespace: 'collapse' },
  unsignedShort: { base: 'unsignedInt', whitespace: 'collapse' },
  unsignedByte: { base: 'unsignedShort', whitespace: 'collapse' },
  dateTime: { base: 'anySimpleType', whitespace: 'collapse' },
  hexBinary: { base: 'anySimpleType', whitespace: 'collapse' },
  base64Binary: { base: 'anySimpleType', whitespace: 'collapse' },
};

const INTEGER_RANGES: Readonly<Record<string, readonly [bigint | undefined, bigint | undefined]>> = {
  integer: [undefined, undefined],
  nonNegativeInteger: [0n, undefined],
  positiveInteger: [1n, undefined],
  nonPositiveInteger: [undefined, 0n],
  negativeInteger: [undefined, -1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  short: [-32768n, 32767n],
  byte: [-128n, 127n],
  unsignedLong: [0n, 2n ** 64n - 1n],
  unsignedInt: [0n, 4294967295n],
  unsignedShort: [0n, 65535n],
  unsignedByte: [0n, 255n],
};

export function applyWhitespace(value: string, whitespace: Whitespace): string {
  if (whitespace === 'preserve') return value;
  const replaced = /[\t\n\r]/.test(value) ? value.replace(/[\t\n\r]/g, ' ') : value;
  if (whitespace === 'replace') return replaced;
  return replaced.includes(' ')
    ? replaced
        .split(' ')
        .filter((part) => part !== '')
        .join(' ')
    : replaced;
}

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const INTEGER = /^[+-]?[0-9]+$/;
// libxml2 also accepts an exponent marker without digits ("1e", "1e+").
const FLOAT = /^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]*)?|-?INF|NaN)$/;
const DATE_TIME =
  /^(-?)([1-9][0-9]{4,}|[0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;
const LANGUAGE = /^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$/;
const HEX_BINARY = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/][AQgw]==)?$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const year = Number(m[2]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  const hour = Number(m[5]);
  const minute = Number(m[6]);
  const second = Number(m[7]);
  if (year === 0) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(m[1] ? -year : year, month)) return false;
  if (minute > 59 || second > 59) return false;
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0 || /[1-9]/.test(m[8] ?? '')))) return false;
  const zone = m[9];
  if (zone && zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zm > 59 || zh * 60 + zm > 14 * 60) return false;
  }
  return true;
}

// RFC 3986 URI references as libxml2's xmlParseURI accepts them after xmlschemastypes.c has replaced
// the characters URIs never contain with '_' (so "a b" is a valid anyURI there). libxml2 departures from
// the RFC: any text between '[' and ']' is an IP literal, '[' and ']' are allowed in fragments, and a
// port, when its ':' is there, is 1 or more digits that fit a C int.
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ_NC = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})+";
const AUTHORITY = `(?:(?:[A-Za-z0-9\\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?(?:\\[[^\\]]*\\]|(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::([0-9]+))?`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${PCHAR}+(?:/${SEGMENT})*)?`;
const QUERY_FRAGMENT = `(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?\\[\\]])*)?`;
const ABSOLUTE_URI = new RegExp(
  `^[A-Za-z][A-Za-z0-9+\\-.]*:(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PCHAR}+(?:/${SEGMENT})*|)${QUERY_FRAGMENT}$`,
);
const RELATIVE_REF = new RegExp(
  `^(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${SEGMENT_NZ_NC}(?:/${SEGMENT})*|)${QUERY_FRAGMENT}$`,
);
// eslint-disable-next-line no-control-regex -- control characters are exactly what libxml2 replaces here.
const NEVER_IN_URI = /[\u0000-\u0020\u007f-\u{10ffff}<>"{}|\\^`']/gu;

function isAnyUri(value: string): boolean {
  if (value === '') return true;
  const cleaned = value.replace(NEVER_IN_URI, '_');
  const m = ABSOLUTE_URI.exec(cleaned) ?? RELATIVE_REF.exec(cleaned);
  if (!m) return false;
  return m[1] === undefined || Number(m[1]) <= 2147483647;
}

/** Why a whitespace-normalized value is not in the built-in type's lexical space, or undefined. */
export function checkBuiltin(builtin: string, value: string): string | undefined {
  const range = INTEGER_RANGES[builtin];
  if (range) {
    if (!INTEGER.test(value)) return 'not an integer';
    const n = BigInt(value);
    if ((range[0] !== undefined && n < range[0]) || (range[1] !== undefined && n > range[1]))
      return `out of the range of xs:${builtin}`;
    return undefined;
  }
  switch (builtin) {
    case 'anySimpleType':
    case 'string':
    case 'normalizedString':
    case 'token':
      return undefined;
    case 'language':
      return LANGUAGE.test(value) ? undefined : 'not a language tag';
    case 'NMTOKEN':
      return isNmtoken(value) ? undefined : 'not an NMTOKEN';
    case 'Name':
      return isXmlName(value) ? undefined : 'not an XML name';
    case 'NCName':
    case 'ID':
    case 'IDREF':
      return isNcName(value) ? undefined : 'not an NCName';
    case 'anyURI':
      return isAnyUri(value) ? undefined : 'not a URI reference';
    case 'boolean':
      return value === 'true' || value === 'false' || value === '1' || value === '0'
        ? undefined
        : "not 'true', 'false', '1' or '0'";
    case 'float':
    case 'double':
      return FLOAT.test(value) ? undefined : 'not a floating-point number';
    case 'decimal':
      return DECIMAL.test(value) ? undefined : 'not a decimal number';
    case 'dateTime':
      return isDateTime(value) ? undefined : 'not a date-time';
    case 'hexBinary':
      return HEX_BINARY.test(value) ? undefined : 'not hex-encoded binary';
    case 'base64Binary':
      return BASE64.test(value.replace(/ /g, '')) ? undefined : 'not base64-encoded binary';
    default:
      return `unsupported built-in type xs:${builtin}`;
  }
}

/** The XSD primitive a built-in type derives from. */
function primitiveOf(builtin: string): string {
  let name = builtin;
  for (
    let base = BUILTIN_TYPES[name]?.base;
    base !== undefined && base !== 'anySimpleType';
    base = BUILTIN_TYPES[name]?.base
  ) {
    name = base;
  }
  return name === 'normalizedString' || name === 'token' ? 'string' : name;
}

/** Decimal lexical value → [sign, integer digits, fraction digits] without redundant zeros. */
function canonicalDecimal(value: string): [number, string, string] {
  let text = value;
  let sign = 1;
  if (text[0] === '+' || text[0] === '-') {
    sign = text[0] === '-' ? -1 : 1;
    text = text.slice(1);
  }
  const [intPart = '', fracPart = ''] = text.split('.');
  const integer = intPart.replace(/^0+/, '');
  const fraction = fracPart.replace(/0+$/, '');
  return [integer === '' && fraction === '' ? 0 : sign, integer, fraction];
}

function compareDecimals(a: string, b: string): number {
  const [sa, ia, fa] = canonicalDecimal(a);
  const [sb, ib, fb] = canonicalDecimal(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  let magnitude = ia.length !== ib.length ? (ia.length < ib.length ? -1 : 1) : ia < ib ? -1 : ia > ib ? 1 : 0;
  if (magnitude === 0) {
    const width = Math.max(fa.length, fb.length);
    const pa = fa.padEnd(width, '0');
    const pb = fb.padEnd(width, '0');
    magnitude = pa < pb ? -1 : pa > pb ? 1 : 0;
  }
  return magnitude * sa;
}

/**
 * Orders two values of one built-in type in its value space (for range facets and enumerations);
 * undefined when they are incomparable (NaN, or a type without an order).
 */
export function compareValues(builtin: string, a: string, b: string): number | undefined {
  switch (primitiveOf(builtin)) {
    case 'decimal':
      return compareDecimals(a, b);
    case 'float':
    case 'double': {
      const x = a === 'INF' ? Infinity : a === '-INF' ? -Infinity : Number(a.replace(/[eE][+-]?$/, ''));
      const y = b === 'INF' ? Infinity : b === '-INF' ? -Infinity : Number(b.replace(/[eE][+-]?$/, ''));
      if (Number.isNaN(x) || Number.isNaN(y)) return a === 'NaN' && b === 'NaN' ? 0 : undefined;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'boolean': {
      const x = a === 'true' || a === '1';
      const y = b === 'true' || b === '1';
      return x === y ? 0 : x ? 1 : -1;
    }
    default:
      return a === b ? 0 : undefined;
  }
}

/** The length the length facets measure: octets for binary types, characters for strings and URIs. */
export function valueLength(builtin: string, value: string): number {
  switch (primitiveOf(builtin)) {
    case 'hexBinary':
      return value.length / 2;
    case 'base64Binary': {
      const compact = value.replace(/ /g, '');
      return (compact.length / 4) * 3 - (compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0);
    }
    default:
      return Array.from(value).length;
  }
}

/** Total and fraction digits of a decimal value (for the digit facets). */
export function decimalDigits(value: string): { total: number; fraction: number } {
  const [, integer, fraction] = canonicalDecimal(value);
  return { total: Math.max(1, integer.length + fraction.length), fraction: fraction.length };
}
