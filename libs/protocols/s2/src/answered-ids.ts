/*
 * The ids of one side's messages that were answered for good, with their seq (RULES.md §5.1 `sent[side]`,
 * after the body is dropped, §10). S2-ID-DUPLICATE and S2-RS-DUPLICATE need every such id for the whole
 * session, so this register is what a long session grows by. A Map<string, number> costs about 86 bytes per
 * id (the 36-character string, its hash entry and the boxed seq); an analyzer that runs for weeks needs less.
 *
 * Ids in the canonical UUID form (lowercase, as s2-python and s2-rust generate them) are packed into 16 bytes
 * plus a 4-byte seq, in sorted runs of a Uint32Array (5 words per id, no slack), merged like a log-structured
 * tree so that a run is at least twice the size of the next one: O(log n) runs, each searched by bisection.
 * The newest ids wait in a small Map until there are enough to pack; ids in any other form (allowed by the
 * unanchored ID pattern, §2.2) stay in a Map of their own.
 */

const WORDS = 5; // 4 words of UUID, 1 word of seq
/** How many ids wait unpacked; packing costs a sort of this many, amortised over them. */
const PACK_AFTER = 4096;

const scratch = new Uint32Array(4);

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/** Eight hex digits of `id` from `at` as one word, or -1 if one is not a lowercase hex digit. */
function hexWord(id: string, at: number, skipDashAt = -1): number {
  let word = 0;
  let i = at;
  for (let digits = 0; digits < 8; i++) {
    if (i === skipDashAt) continue;
    const digit = hexDigit(id.charCodeAt(i));
    if (digit < 0) return -1;
    word = word * 16 + digit;
    digits++;
  }
  return word;
}

/** Packs a lowercase canonical UUID into `scratch`; false for any other string. */
function packUuid(id: string): boolean {
  if (id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-') return false;
  const a = hexWord(id, 0);
  const b = hexWord(id, 9, 13); // 4 digits, dash, 4 digits
  const c = hexWord(id, 19, 23);
  const d = hexWord(id, 28);
  if (a < 0 || b < 0 || c < 0 || d < 0) return false;
  scratch[0] = a;
  scratch[1] = b;
  scratch[2] = c;
  scratch[3] = d;
  return true;
}

/** Compares entry `i` of `run` with the key in `key` (4 words at `at`). */
function compareKey(run: Uint32Array, i: number, key: Uint32Array, at: number): number {
  const base = i * WORDS;
  for (let w = 0; w < 4; w++) {
    const difference = (run[base + w] as number) - (key[at + w] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

function find(run: Uint32Array, key: Uint32Array): number | undefined {
  let low = 0;
  let high = run.length / WORDS - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareKey(run, middle, key, 0);
    if (order === 0) return run[middle * WORDS + 4];
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function merge(older: Uint32Array, newer: Uint32Array): Uint32Array {
  const merged = new Uint32Array(older.length + newer.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < older.length && j < newer.length) {
    if (compareKey(older, i / WORDS, newer, j) < 0) {
      merged.set(older.subarray(i, i + WORDS), k);
      i += WORDS;
    } else {
      merged.set(newer.subarray(j, j + WORDS), k);
      j += WORDS;
    }
    k += WORDS;
  }
  merged.set(older.subarray(i), k);
  merged.set(newer.subarray(j), k + older.length - i);
  return merged;
}

export class AnsweredIds {
  private fresh = new Map<string, number>();
  private readonly other = new Map<string, number>();
  private readonly runs: Uint32Array[] = [];
  private packed = 0;

  get size(): number {
    return this.fresh.size + this.other.size + this.packed;
  }

  get(id: string): number | undefined {
    const seq = this.fresh.get(id) ?? this.other.get(id);
    if (seq !== undefined || this.runs.length === 0 || !packUuid(id)) return seq;
    for (const run of this.runs) {
      const found = find(run, scratch);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Adds an id that is not in the register yet (the caller looked it up first). */
  add(id: string, seq: number): void {
    if (!packUuid(id)) {
      this.other.set(id, seq);
      return;
    }
    this.fresh.set(id, seq);
    if (this.fresh.size >= PACK_AFTER) this.pack();
  }

  private pack(): void {
    const entries = [...this.fresh];
    this.fresh = new Map();
    const run = new Uint32Array(entries.length * WORDS);
    entries.forEach(([id, seq], i) => {
      packUuid(id);
      run.set(scratch, i * WORDS);
      run[i * WORDS + 4] = seq;
    });
    const order = entries.map((_, i) => i).sort((x, y) => compareKey(run, x, run, y * WORDS));
    const sorted = new Uint32Array(run.length);
    order.forEach((from, to) => sorted.set(run.subarray(from * WORDS, from * WORDS + WORDS), to * WORDS));
    this.runs.push(sorted);
    this.packed += entries.length;
    // Keep each run at least twice the next: few runs to search, each id merged O(log n) times.
    for (let n = this.runs.length; n >= 2; n = this.runs.length) {
      const older = this.runs[n - 2] as Uint32Array;
      const newer = this.runs[n - 1] as Uint32Array;
      if (older.length > 2 * newer.length) break;
      this.runs.splice(n - 2, 2, merge(older, newer));
    }
  }
}
