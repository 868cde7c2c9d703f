import { P2PError } from '../errors';

/**
 * P2P-U1/U2: energy (Wh), money (minor units) and prices (minor units per MWh) are integers. `number` carries
 * them while they stay safe integers; every entry point checks that bound so an overflow fails loudly instead
 * of rounding. Products `Wh × price` are computed in BigInt.
 */
export function requireSafeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new P2PError(
      'UNSAFE_INTEGER',
      `${name} must be an integer within ±${Number.MAX_SAFE_INTEGER}, got ${String(value)}.`,
    );
  }
  return value;
}

/** `a + b` for integer sums (energies, balances), failing clearly past the safe range. */
export function addSafe(a: number, b: number, name: string): number {
  return requireSafeInteger(a + b, name);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A BigInt result converted back to a safe integer `number`, or a clear failure. */
export function toSafeNumber(value: bigint, name: string): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) {
    throw new P2PError('UNSAFE_INTEGER', `${name} exceeds ±${Number.MAX_SAFE_INTEGER}: ${value}.`);
  }
  return Number(value);
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Far longer than any exact wire value (a JSON number's shortest text has at most 25 characters). */
const MAX_DECIMAL_LENGTH = 100;

/**
 * Reads a decimal exactly and scales it by 10^fractionDigits, e.g. `("12.5", 3)` → 12 500. A JSON number is
 * read from its shortest round-trip text (`String(12.5)` = `"12.5"`), never through float arithmetic, so
 * `0.1 + 0.2` (`"0.30000000000000004"`) is refused instead of silently rounded. More significant fraction
 * digits than allowed, or a result beyond a safe integer, fail with a `P2PError`.
 */
export function parseScaledDecimal(value: string | number, fractionDigits: number, name: string): number {
  if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
    throw new P2PError('INVALID_DECIMAL', `${name} must be a finite decimal, got ${String(value)}.`);
  }
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (text.length > MAX_DECIMAL_LENGTH)
    throw new P2PError('INVALID_DECIMAL', `${name} is longer than ${MAX_DECIMAL_LENGTH} characters.`);
  const match = DECIMAL.exec(text);
  if (!match) throw new P2PError('INVALID_DECIMAL', `${name} must be a decimal number, got '${text}'.`);
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  // value = digits × 10^(exponent − fraction.length); scaled = digits × 10^shift
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponentText) - fraction.length + fractionDigits;
  let scaled: bigint;
  if (digits === 0n) {
    scaled = 0n;
  } else if (shift >= 0) {
    // 10^400 is beyond any safe integer; the bound keeps a huge exponent from building a huge BigInt.
    if (shift > 400) throw new P2PError('UNSAFE_INTEGER', `${name} is too large: '${text}'.`);
    scaled = digits * 10n ** BigInt(shift);
  } else {
    // Non-zero digits below 10^(−shift) cannot be a multiple of it: refuse before building the divisor.
    const divisor = -shift > whole.length + fraction.length ? 0n : 10n ** BigInt(-shift);
    if (divisor === 0n || digits % divisor !== 0n) {
      throw new P2PError('INVALID_DECIMAL', `${name} has more than ${fractionDigits} fraction digits: '${text}'.`);
    }
    scaled = digits / divisor;
  }
  return toSafeNumber(sign === '-' ? -scaled : scaled, name);
}

/** P2P-U1: kWh from a blueprint client → Wh, only if exact (≤ 3 fraction digits). */
export function kwhToWh(kwh: string | number, name = 'kWh'): number {
  return parseScaledDecimal(kwh, 3, name);
}

/** §1: a wire price per kWh (≤ 3 fraction digits) → the internal unit, minor units per MWh. */
export function pricePerKwhToPerMWh(perKwh: string | number, name = 'price per kWh'): number {
  return parseScaledDecimal(perKwh, 3, name);
}

/**
 * The blueprint's decimal display fields (`output`, `usage` in kWh, `producerPrice` per kWh) from integers in
 * thousandths. One correctly rounded division yields the double nearest to the exact decimal; nothing
 * computes with it.
 */
export function thousandthsToDecimal(value: number): number {
  return requireSafeInteger(value, 'value') / 1000;
}

/** floor(a / b) toward −∞ for BigInt (BigInt division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? quotient - 1n : quotient;
}

/**
 * `floor(amount / chunk)·chunk`, the whole chunks in an amount (P2P-L5 `dist`, P2P-L6 `pay`); 0 for amounts ≤ 0.
 * `%` on safe integers is exact, so no quotient is ever rounded.
 */
export function wholeChunks(amount: number, chunk: number): number {
  requireSafeInteger(amount, 'amount');
  if (!Number.isSafeInteger(chunk) || chunk < 1)
    throw new P2PError('INVALID_ARGUMENT', `a chunk must be an integer ≥ 1, got ${chunk}.`);
  return amount <= 0 ? 0 : amount - (amount % chunk);
}
