/** §3.1 reading quality. */
export type Quality = 'measured' | 'replaced' | 'estimated';

const RANK: Record<Quality, number> = { measured: 0, replaced: 1, estimated: 2 };

/** §3.2: the worst quality wins: `estimated` > `replaced` > `measured`. */
export function worseQuality(a: Quality, b: Quality): Quality {
  return RANK[a] >= RANK[b] ? a : b;
}
