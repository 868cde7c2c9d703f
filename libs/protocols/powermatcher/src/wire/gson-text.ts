import { PowerMatcherError } from '../errors';
import { formatJavaDouble } from '../java-double';

/*
 * JSON text as v2.1's default `new Gson()` writes it (SPEC §7.4, PM-WS-5): no whitespace, doubles in Java's
 * `Double.toString` format, integers as plain decimals, HTML-safe string escaping.
 */

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\t': '\\t',
  '\b': '\\b',
  '\n': '\\n',
  '\r': '\\r',
  '\f': '\\f',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '=': '\\u003d',
  "'": '\\u0027',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\<>&='\u0000-\u001f\u2028\u2029]|[\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex
const ESCAPED = /["\\<>&='\u0000-\u001f\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A JSON string literal with Gson's escaping; a lone surrogate becomes U+FFFD, as UTF-8 encoding would make it. */
export function gsonString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  const wellFormed = value.replace(LONE_SURROGATE, '\ufffd');
  return `"${wellFormed.replace(ESCAPED, (c) => ESCAPES[c] ?? `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

/** A double in Java's format; JSON has no NaN or infinities, and v2.1 never sends them. */
export function gsonDouble(value: number): string {
  if (!Number.isFinite(value)) {
    throw new PowerMatcherError(
      'INVALID_MESSAGE',
      `${formatJavaDouble(value)} is not a valid double value as per JSON specification`,
    );
  }
  return formatJavaDouble(value);
}

/** An int field (`priceSteps`, `bidNumber`). */
export function gsonInteger(value: number): string {
  if (!Number.isInteger(value)) throw new PowerMatcherError('INVALID_MESSAGE', `${String(value)} is not an integer`);
  return String(value + 0);
}
