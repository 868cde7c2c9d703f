import type { Bus, OutgoingEvent } from '@flexgrid/platform-kafka';
import type { Logger } from '@flexgrid/platform-service';
import type { AuctioneerMetrics } from '../metrics';
import { BIDS_TOPIC } from '../records';

const FLUSH_MS = 50;
const MAX_BATCH = 2_000;
const MAX_QUEUED = 100_000;
const ATTEMPTS = 3;

/**
 * `powermatcher.bids` is soft state (SPEC §8.1): agents re-send their bids, so records are published directly,
 * batched, with bounded retry; what still fails, or overflows the queue while Kafka is away, is dropped and
 * counted (`pm_kafka_dropped_total`), never blocking the market.
 */
export class BidPublisher {
  private queue: OutgoingEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly metrics: AuctioneerMetrics,
    private readonly logger: Logger,
  ) {}

  publish(records: readonly OutgoingEvent[]): void {
    for (const record of records) this.queue.push(record);
    const overflow = this.queue.length - MAX_QUEUED;
    if (overflow > 0) {
      this.queue.splice(0, overflow);
      this.metrics.kafkaDropped.inc({ topic: BIDS_TOPIC }, overflow);
    }
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Publishes what is queued (one flush at a time); resolves when the queue is empty. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.flushing = this.send(batch);
      await this.flushing;
      this.flushing = null;
    }
  }

  private async send(batch: OutgoingEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bus.publish(BIDS_TOPIC, batch);
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          this.metrics.kafkaDropped.inc({ topic: BIDS_TOPIC }, batch.length);
          this.logger.warn({ err: error, records: batch.length }, 'bid records dropped after retries');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
