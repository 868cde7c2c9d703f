/**
 * Java's `Double.toString` (JDK 19+, SPEC §7.4), which v2.1 uses both in its JSON (Gson) and in its error
 * messages (`Price 12.5 is out of bounds [0.0, 10.0]`). JavaScript already yields the shortest round-trip
 * digits; only the layout differs.
 */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // JavaScript prints plain decimals for 1e-7 ≤ |x| < 1e21, so this range never comes out exponential.
    const plain = String(magnitude);
    return sign + (plain.includes('.') ? plain : `${plain}.0`);
  }
  let [digits, exponent] = magnitude.toExponential().split('e') as [string, string];
  if (!digits.includes('.')) {
    // JDK 19+ prints subnormals with two digits (4.9E-324); for normal doubles a single digit gets `.0`.
    if (magnitude < MIN_NORMAL) [digits, exponent] = magnitude.toExponential(1).split('e') as [string, string];
    else digits += '.0';
  }
  return `${sign}${digits}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

const MIN_NORMAL = 2.2250738585072014e-308;
