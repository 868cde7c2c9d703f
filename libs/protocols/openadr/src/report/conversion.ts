/** RP-11 and RP-12: telemetry values to integers, exactly, and data quality to a reading quality. */
import type { DataQuality, SiScaleCode } from '../payloads/common';
import type { ReadingType } from '../payloads/report';
import { OadrDataError } from '../errors';
import type { DecimalText } from '../values';

/** siScaleCode exponents (§3). */
export const SI_SCALE_EXPONENT: Readonly<Record<SiScaleCode, number>> = {
  p: -12,
  n: -9,
  micro: -6,
  m: -3,
  c: -2,
  d: -1,
  none: 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
};

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * RP-11: the decimal text shifted by the scale's exponent and rounded half away from zero to an integer,
 * with no binary floating point on the way. Outside ±(2^53 − 1) → 454.
 */
export function scaleToInteger(value: DecimalText, scale: SiScaleCode): number {
  const m = DECIMAL.exec(value.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new OadrDataError(`'${value}' is not a decimal number`);
  const digits = `${m[2]}${m[3] ?? ''}`.replace(/^0+/, '');
  if (digits === '') return 0;
  const exponent = Number(m[4] ?? 0) + SI_SCALE_EXPONENT[scale] - (m[3] ?? '').length;
  const negative = m[1] === '-';
  // Bounds before BigInt arithmetic, so an exponent like 1e999999999 costs nothing.
  if (digits.length + exponent > 17) throw new OadrDataError(`'${value}' (${scale}) is outside ±(2^53 − 1)`);
  let magnitude: bigint;
  if (exponent >= 0) {
    magnitude = BigInt(digits) * 10n ** BigInt(exponent);
  } else if (-exponent > digits.length + 1) {
    magnitude = 0n;
  } else {
    const divisor = 10n ** BigInt(-exponent);
    const n = BigInt(digits);
    magnitude = n / divisor + (2n * (n % divisor) >= divisor ? 1n : 0n);
  }
  if (magnitude > LIMIT) throw new OadrDataError(`'${value}' (${scale}) is outside ±(2^53 − 1)`);
  return negative && magnitude !== 0n ? -Number(magnitude) : Number(magnitude);
}

export type ReadingQuality = 'measured' | 'replaced' | 'estimated';

const REPLACED: readonly string[] = [
  'No New Value - Previous Value Used',
  'Quality Bad - Last Known Value',
  'Quality Uncertain - Last Usable Value',
];

/**
 * RP-12: the meter.readings quality of a data point, or undefined when it must not be published
 * (`No Quality - No Value`, other `Quality Bad - …`). Where the rules meet, unusable beats replaced,
 * replaced beats estimated and estimated beats measured; `x-` qualities read as no quality.
 */
export function readingQuality(
  dataQuality: DataQuality | undefined,
  readingType: ReadingType,
): ReadingQuality | undefined {
  const quality = dataQuality ?? '';
  if (REPLACED.includes(quality)) return 'replaced';
  if (quality === 'No Quality - No Value' || quality.startsWith('Quality Bad - ')) return undefined;
  if (readingType === 'Estimated' || readingType === 'Projected') return 'estimated';
  if (quality.startsWith('Quality Uncertain - ') || quality.startsWith('Quality Limit - ')) return 'estimated';
  return 'measured';
}
