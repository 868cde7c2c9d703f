/** §10: a concentrator remembers this many of its sent bids. */
export const BID_HISTORY_SIZE = 900;

/** One sent bid number of a concentrator and the aggregate (by run) it was computed from (§6.7). */
export interface BidHistoryEntry {
  readonly bidNumber: number;
  /** The run whose aggregate and child references this bid number stands for. */
  run: number;
  aggregate: readonly number[];
  readonly sentBid: readonly number[];
}

/**
 * A concentrator's bid history (SPEC §6.7, PM-CL-6): one entry per sent bid number, at most 900, oldest
 * dropped. A suppressed bid replaces the aggregate of its number's entry instead of adding a duplicate
 * (§9 D5), so a price for that number reaches the children of the latest aggregate it stands for.
 */
export class BidHistory {
  private entries: BidHistoryEntry[] = [];

  /** The run of the oldest entry, or undefined when empty. */
  get oldestRun(): number | undefined {
    return this.entries[0]?.run;
  }

  clear(): void {
    this.entries = [];
  }

  /** A bid was sent with a new number. */
  append(entry: BidHistoryEntry): void {
    this.entries.push(entry);
    if (this.entries.length > BID_HISTORY_SIZE) this.entries.shift();
  }

  /** The transformed bid equalled the last sent one (number `bidNumber`): the entry now stands for this run. */
  recordSuppressed(bidNumber: number, run: number, aggregate: readonly number[], sentBid: readonly number[]): void {
    const entry = this.find(bidNumber);
    if (entry) {
      entry.run = run;
      entry.aggregate = aggregate;
    } else {
      this.append({ bidNumber, run, aggregate, sentBid });
    }
  }

  find(bidNumber: number): BidHistoryEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i].bidNumber === bidNumber) return this.entries[i];
    return undefined;
  }

  /** Drops every entry older than `entry` (a price for it arrived; older numbers can no longer be priced). */
  dropBefore(entry: BidHistoryEntry): void {
    const index = this.entries.indexOf(entry);
    if (index > 0) this.entries = this.entries.slice(index);
  }
}
