/**
 * JSON equality of two parsed JSON values: same members and values, member order ignored (RULES.md §7 P5).
 * Iterative, because a resent frame may be nested deeper than the call stack allows.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const pending: Array<[unknown, unknown]> = [[a, b]];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const xMembers = x as Record<string, unknown>;
    const yMembers = y as Record<string, unknown>;
    const keys = Object.keys(xMembers);
    if (keys.length !== Object.keys(yMembers).length) return false;
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(yMembers, key)) return false;
      pending.push([xMembers[key], yMembers[key]]);
    }
  }
  return true;
}
