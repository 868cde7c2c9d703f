import { BatchedLookup } from './batched-lookup';

/** A load whose statements the test answers by hand, recording the keys each one carried. */
function manualLoad() {
  const statements: { keys: string[]; answer: (found: Map<string, number>) => void; fail: (e: Error) => void }[] = [];
  const load = (keys: string[]) =>
    new Promise<ReadonlyMap<string, number>>((resolve, reject) => {
      statements.push({ keys, answer: resolve, fail: reject });
    });
  return { statements, load };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchedLookup', () => {
  it('sends a lone lookup at once, and lookups made while statements run together in the next one', async () => {
    const { statements, load } = manualLoad();
    const lookup = new BatchedLookup(load, 1);
    const first = lookup.get('a');
    expect(statements.map((s) => s.keys)).toEqual([['a']]);
    const waiting = [lookup.get('b'), lookup.get('c'), lookup.get('b')];
    expect(statements).toHaveLength(1);
    statements[0].answer(new Map([['a', 1]]));
    await expect(first).resolves.toBe(1);
    await settle();
    expect(statements.map((s) => s.keys)).toEqual([['a'], ['b', 'c']]);
    statements[1].answer(new Map([['b', 2]]));
    await expect(Promise.all(waiting)).resolves.toEqual([2, undefined, 2]);
  });

  it('never answers a lookup from a statement sent before it began', async () => {
    const { statements, load } = manualLoad();
    const lookup = new BatchedLookup(load, 1);
    const early = lookup.get('a');
    const late = lookup.get('a');
    expect(statements).toHaveLength(1);
    statements[0].answer(new Map([['a', 1]]));
    await expect(early).resolves.toBe(1);
    await settle();
    expect(statements).toHaveLength(2);
    statements[1].answer(new Map([['a', 2]]));
    await expect(late).resolves.toBe(2);
  });

  it('fails every lookup of a failed statement and goes on with the next', async () => {
    const { statements, load } = manualLoad();
    const lookup = new BatchedLookup(load, 1);
    const failed = lookup.get('a');
    const next = lookup.get('b');
    statements[0].fail(new Error('connection lost'));
    await expect(failed).rejects.toThrow('connection lost');
    await settle();
    statements[1].answer(new Map([['b', 3]]));
    await expect(next).resolves.toBe(3);
  });

  it('caps the keys of one statement', async () => {
    const { statements, load } = manualLoad();
    const lookup = new BatchedLookup(load, 1, 2);
    void lookup.get('a');
    void lookup.get('b');
    void lookup.get('c');
    void lookup.get('d');
    statements[0].answer(new Map());
    await settle();
    expect(statements.map((s) => s.keys)).toEqual([['a'], ['b', 'c']]);
  });
});
