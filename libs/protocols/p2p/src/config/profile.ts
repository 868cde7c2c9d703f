/** §16: the two profiles. */
export type Profile = 'community' | 'poc';
