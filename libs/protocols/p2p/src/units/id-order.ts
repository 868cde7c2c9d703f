/**
 * Orders ids by their UTF-8 bytes (= code points), the order §13.3 lists storage ids in (PostgreSQL
 * `COLLATE "C"`) and P2P-R2 breaks ties in. JavaScript's default sort compares UTF-16 code units, which differs
 * where a surrogate pair meets a code unit in U+E000–U+FFFF.
 */
export function compareIds(a: string, b: string): number {
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
