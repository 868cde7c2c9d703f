/** §10: bid numbers are int32 (v2.1's `int`). */
export const MIN_BID_NUMBER = -(2 ** 31);
export const MAX_BID_NUMBER = 2 ** 31 - 1;

export function isBidNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_BID_NUMBER && value <= MAX_BID_NUMBER;
}

/** A local sender's next number (§6.3): `++counter`, wrapping from 2^31−1 to −2^31 like Java's int. */
export function nextBidNumber(counter: number): number {
  return counter === MAX_BID_NUMBER ? MIN_BID_NUMBER : counter + 1;
}
