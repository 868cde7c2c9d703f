import { AnsweredIds } from './answered-ids';

/** A deterministic pseudo-random UUID (lowercase canonical form) per n (xorshift32 words). */
function uuid(n: number): string {
  let x = (n + 1) * 2654435761 || 1;
  const word = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0).toString(16).padStart(8, '0');
  };
  const hex = word() + word() + word() + word();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('AnsweredIds, the packed register of answered message ids (RULES.md §5.1, §10)', () => {
  it('answers every added id with its seq across many packed runs, and nothing else', () => {
    const register = new AnsweredIds();
    const expected = new Map<string, number>();
    for (let n = 0; n < 30_000; n++) {
      // Mostly UUIDs, as real RMs and CEMs send; some ids the unanchored ID pattern allows too.
      const id = n % 7 === 0 ? `msg-${n}` : n % 11 === 0 ? uuid(n).toUpperCase() : uuid(n);
      if (expected.has(id)) continue;
      if (register.get(id) !== undefined) throw new Error(`${id} found before it was added`);
      register.add(id, n + 1);
      expected.set(id, n + 1);
    }
    expect(register.size).toBe(expected.size);
    expect([...expected].filter(([id, seq]) => register.get(id) !== seq)).toEqual([]);
    const neverAdded = Array.from({ length: 1000 }, (_, i) => uuid(30_000 + i));
    expect(neverAdded.filter((id) => register.get(id) !== undefined)).toEqual([]);
    expect(register.get('')).toBeUndefined();
    expect(register.get('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBeUndefined();
    expect(register.get('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('keeps the extremes of the key space apart (unsigned word order)', () => {
    const register = new AnsweredIds();
    const ids = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
    for (let n = 0; n < 5000; n++) ids.push(uuid(n));
    ids.forEach((id, i) => register.add(id, i + 1));
    expect(ids.filter((id, i) => register.get(id) !== i + 1)).toEqual([]);
    expect(register.get('80000000-0000-0000-0000-000000000000')).toBeUndefined();
  });
});
