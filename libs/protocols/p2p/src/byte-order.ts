/**
 * Compares strings in UTF-8 byte order (= code-point order), the order ids are sorted and tie-broken in
 * (P2P-R2, §13.3; PostgreSQL `COLLATE "C"`). UTF-16 order differs only where a surrogate pair meets a code
 * unit in U+E000–U+FFFF.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xSurrogate = x >= 0xd800 && x <= 0xdfff;
      const ySurrogate = y >= 0xd800 && y <= 0xdfff;
      if (xSurrogate !== ySurrogate && (x >= 0xe000 || y >= 0xe000)) return xSurrogate ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}
