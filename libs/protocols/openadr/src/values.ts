/**
 * OpenADR value formats (SPEC §2.6): lenient in, strict out.
 *
 * Instants are integer milliseconds since the epoch, durations whole seconds, and every xs:float on the
 * wire stays decimal text so that conversions such as RP-11 never pass through binary floating point.
 */

import { OadrDataError } from './errors';

/** Milliseconds since 1970-01-01T00:00:00Z (an integer). */
export type Instant = number;
/** Whole seconds, ≥ 0. */
export type Duration = number;
/** A finite xs:float / xs:decimal value as decimal text, e.g. `1.5`, `-2E3`, `0.75`. */
export type DecimalText = string;

const DATE_TIME_IN = /^([+-])?(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d*))?Z?$/;

/**
 * FMT-1 in: the xcal pattern over xs:dateTime; no `Z` means UTC; fractions truncated to milliseconds; a
 * leading sign → 454. Calendar ranges are those of xs:dateTime (years from 0001, 24:00:00 as the end of a day).
 */
export function parseDateTime(text: string): Instant {
  const value = text.trim();
  const m = DATE_TIME_IN.exec(value);
  if (!m) throw new OadrDataError(`'${value}' is not an OpenADR date-time`);
  if (m[1]) throw new OadrDataError(`date-time '${value}' must not carry a sign`);
  const [year, month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6], m[7]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[8] ?? '';
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as they are.
  date.setUTCFullYear(year, month - 1, day);
  const isDate = year > 0 && month >= 1 && month <= 12 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const endOfDay = hour === 24 && minute === 0 && second === 0 && !/[1-9]/.test(fraction);
  if (!isDate || minute > 59 || second > 59 || (hour > 23 && !endOfDay))
    throw new OadrDataError(`'${value}' is not a calendar date-time`);
  date.setUTCHours(hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  return date.getTime();
}

/** FMT-1 out: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function formatDateTime(instant: Instant): string {
  if (!Number.isInteger(instant))
    throw new OadrDataError(`instant ${instant} is not an integer number of milliseconds`);
  const date = new Date(instant);
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new OadrDataError(`instant ${instant} is outside years 0001-9999`);
  return date.toISOString();
}

// XSD pattern of xcal:DurationValueType: (\+|\-)?P((\d+Y)?(\d+M)?(\d+D)?T?(\d+H)?(\d+M)?(\d+S)?)|(\d+W),
// matched left to right, so an M before T or H is months.
const DURATION_IN = /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;
const WEEKS_IN = /^(\d+)W$/;

export interface ParsedDuration {
  /** Signed whole seconds. */
  readonly seconds: number;
  /** Set when years or months were approximated as 365 and 30 days. */
  readonly warning?: string;
}

/** FMT-2 in, keeping the sign (callers decide where negative is allowed). */
export function parseSignedDuration(text: string): ParsedDuration {
  const value = text.trim();
  const weeks = WEEKS_IN.exec(value);
  if (weeks) return { seconds: checkedSeconds(Number(weeks[1]) * 7 * 86_400, value) };
  const m = DURATION_IN.exec(value);
  if (!m) throw new OadrDataError(`'${value}' is not an OpenADR duration`);
  const [years, months, days, hours, minutes, seconds] = [m[2], m[3], m[4], m[5], m[6], m[7]].map((part) =>
    Number(part ?? 0),
  ) as [number, number, number, number, number, number];
  const total = checkedSeconds(
    ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds,
    value,
  );
  const signed = m[1] === '-' ? -total : total;
  return years > 0 || months > 0
    ? { seconds: signed, warning: `duration '${value}': years counted as 365 days and months as 30 days` }
    : { seconds: signed };
}

function checkedSeconds(seconds: number, text: string): number {
  if (!Number.isSafeInteger(seconds)) throw new OadrDataError(`duration '${text}' is too large`);
  return seconds;
}

/** FMT-2 in for every OpenADR duration: they are all lengths of time, so negative ones are unusable (454). */
export function parseDuration(text: string): ParsedDuration {
  const parsed = parseSignedDuration(text);
  if (parsed.seconds < 0 || Object.is(parsed.seconds, -0)) {
    if (parsed.seconds < 0) throw new OadrDataError(`duration '${text.trim()}' must not be negative`);
    return { ...parsed, seconds: 0 };
  }
  return parsed;
}

/** FMT-2 out: `P[nD][T[nH][nM][nS]]`, zero as `PT0S`; never weeks, months, years, fractions or a sign. */
export function formatDuration(seconds: Duration): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new OadrDataError(`duration ${seconds} is not a whole number of seconds ≥ 0`);
  if (seconds === 0) return 'PT0S';
  const days = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const time = `${h ? `${h}H` : ''}${min ? `${min}M` : ''}${s ? `${s}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** FMT-3 in: `true`, `false`, `1`, `0`. */
export function parseBoolean(text: string): boolean {
  const value = text.trim();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new OadrDataError(`'${value}' is not a boolean`);
}

/** FMT-3: testEvent is a string; anything but `false` means a test event. */
export function parseTestEvent(text: string): boolean {
  return text.trim() !== 'false';
}

const FINITE_FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** FMT-4 in: a finite xs:float / xs:decimal kept as its (trimmed) text; NaN, ±INF → 454. */
export function parseDecimalText(text: string): DecimalText {
  const value = text.trim();
  if (!FINITE_FLOAT.test(value)) throw new OadrDataError(`'${value}' is not a finite number`);
  return value;
}

/** FMT-4 out: a finite number as `String(n)`, or decimal text as it is once checked. */
export function formatDecimal(value: number | DecimalText): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new OadrDataError(`${value} is not a finite number`);
    return String(value);
  }
  if (!FINITE_FLOAT.test(value)) throw new OadrDataError(`'${value}' is not a finite decimal number`);
  return value;
}

/** FMT-4: modificationNumber, priority, replyLimit and other xs:unsignedInt values (whose zero may be written `-0`). */
export function parseUnsignedInt(text: string): number {
  const value = text.trim();
  if (!/^(?:\+?\d+|-0+)$/.test(value) || Number(value) > 4_294_967_295)
    throw new OadrDataError(`'${value}' is not an unsigned 32-bit integer`);
  return Math.abs(Number(value));
}
