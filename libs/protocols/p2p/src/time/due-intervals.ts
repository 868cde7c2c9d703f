import { intervalStartOf, isDue, latestDueIntervalStart, type Span } from './interval';

/**
 * P2P-T9 for a service's runs: every due interval from the epoch on is handled once in order, whatever the
 * downtime, and every interval whose data changed is handled again once it is due (late data, corrections,
 * also before the epoch).
 */
export class DueIntervals {
  private next: number;
  private readonly changedStarts = new Set<number>();

  constructor(
    epoch: number,
    private readonly intervalMs: number,
    private readonly gateClosureMs: number,
  ) {
    this.next = intervalStartOf(epoch, intervalMs);
  }

  /** Marks every interval the span overlaps as changed. */
  changed(span: Span): void {
    for (let n = intervalStartOf(span.start, this.intervalMs); n < span.end; n += this.intervalMs)
      this.changedStarts.add(n);
  }

  /** The intervals a run at `asOf` must handle, ascending; they are no longer pending afterwards. */
  take(asOf: number): number[] {
    const starts = new Set<number>();
    const latest = latestDueIntervalStart(asOf, this.intervalMs, this.gateClosureMs);
    for (let n = this.next; n <= latest; n += this.intervalMs) starts.add(n);
    this.next = Math.max(this.next, latest + this.intervalMs);
    for (const n of this.changedStarts) {
      if (!isDue(n, this.intervalMs, asOf, this.gateClosureMs)) continue;
      starts.add(n);
      this.changedStarts.delete(n);
    }
    return [...starts].sort((a, b) => a - b);
  }
}
