import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import type { Logger } from '@flexgrid/platform-service';
import type { AuctioneerStore, PriceRow } from './store';

const MAX_PENDING = 10_000;

/**
 * Writes price rounds in round order, each with its `powermatcher.prices` record through the outbox (SPEC §8.1):
 * one at a time, retried with backoff while PostgreSQL is away, so no round is lost or reordered while the
 * process lives. The market never waits for it.
 */
export class RoundWriter {
  private readonly pending: { row: PriceRow; record: OutgoingEvent }[] = [];
  private running: Promise<void> | null = null;
  private delayMs = 0;

  constructor(
    private readonly store: AuctioneerStore,
    private readonly written: () => void,
    private readonly logger: Logger,
  ) {}

  write(row: PriceRow, record: OutgoingEvent): void {
    this.pending.push({ row, record });
    if (this.pending.length > MAX_PENDING) {
      const lost = this.pending.shift();
      this.logger.error({ round: lost?.row.round }, 'price history backlog full: oldest unwritten round dropped');
    }
    this.running ??= this.drain();
  }

  /** Resolves once every round handed in so far is written (or `timeoutMs` passed). */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running && Date.now() < deadline) {
      await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
    if (this.pending.length > 0) {
      this.logger.error(
        { unwritten: this.pending.length, fromRound: this.pending[0]!.row.round },
        'price rounds not stored before the flush deadline',
      );
    }
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      try {
        await this.store.saveRound(next.row, next.record);
        // A full backlog may have dropped this very round while it was being saved; the head is then the next one.
        if (this.pending[0] === next) this.pending.shift();
        this.delayMs = 0;
        this.written();
      } catch (error) {
        this.delayMs = Math.min(30_000, Math.max(250, this.delayMs * 2));
        this.logger.warn({ err: error, round: next.row.round, retryInMs: this.delayMs }, 'price round not stored yet');
        await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      }
    }
    this.running = null;
  }
}
