/**
 * ON-1: lastSeen of online VENs, coalesced to OADR_LAST_SEEN_RESOLUTION and written for all of them in one
 * statement per resolution (rather than one per request: polls are the bulk of the traffic); ON-2: the
 * sweeper that marks VENs offline, once, on whichever replica's statement gets the row.
 */
import { venStatusRecord } from '../records';
import type { VtnContext } from './context';

/** VENs flipped per transaction. */
const BATCH = 500;

export class LastSeenWriter {
  /** The newest lastSeen this replica knows per VEN, written or not. */
  private readonly latest = new Map<string, number>();
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly context: Pick<VtnContext, 'store' | 'logger'>,
    private readonly resolutionMs: number,
  ) {}

  /** A request from an online VEN at `at`; `stored` is the lastSeen its record showed. */
  note(venId: string, at: number, stored: number | null): void {
    const known = Math.max(this.latest.get(venId) ?? -Infinity, stored ?? -Infinity);
    if (at < known + this.resolutionMs) return;
    this.latest.set(venId, at);
    this.pending.set(venId, at);
  }

  start(): void {
    this.timer = setInterval(
      () => {
        this.flush().catch((error: unknown) => this.context.logger.warn({ err: error }, 'writing lastSeen failed'));
      },
      Math.max(this.resolutionMs, 200),
    );
    this.timer.unref();
  }

  /** Writes what is pending; what fails to be written is kept for the next flush (a newer value wins). */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.context.store.recordLastSeen(batch);
      } catch (error) {
        for (const [venId, at] of batch) if (!this.pending.has(venId)) this.pending.set(venId, at);
        throw error;
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing?.catch(() => undefined);
    await this.flush();
  }
}

export class OfflineSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /**
   * The grace of ON-2: a VTN that was down does not count its own outage against the VENs. A database outage
   * is one too (the VENs' requests were refused with 503), so the grace starts again once a sweep that failed
   * succeeds.
   */
  private readySince: number;
  private interrupted = false;

  constructor(
    private readonly context: VtnContext,
    private readonly everyMs: number,
  ) {
    this.readySince = context.now();
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => this.context.logger.warn({ err: error }, 'offline sweep failed; retrying'))
        .finally(() => (this.running = undefined));
    }, this.everyMs);
    this.timer.unref();
  }

  /** One sweep, in batches: each batch's flips and their `offline` records commit together. */
  async sweep(): Promise<number> {
    try {
      return await this.flip();
    } catch (error) {
      this.interrupted = true;
      throw error;
    }
  }

  private async flip(): Promise<number> {
    const { store, settings } = this.context;
    // This replica's own polls count before it judges anyone.
    await this.context.lastSeen.flush();
    const now = this.context.now();
    if (this.interrupted) {
      this.readySince = now;
      this.interrupted = false;
    }
    let flipped = 0;
    for (;;) {
      const batch = await store.transaction(async (tx) => {
        const rows = await tx.sweepOffline(now, this.readySince, settings.offlineMissedPolls, BATCH);
        await tx.publish(
          rows.map((ven) =>
            venStatusRecord('offline', {
              venId: ven.venId,
              venName: ven.venName,
              registrationId: ven.registrationId,
              at: now,
              lastSeen: ven.lastSeen,
              pollFreqSeconds: ven.pollFreqSeconds,
            }),
          ),
        );
        return rows.length;
      });
      flipped += batch;
      if (batch < BATCH) break;
    }
    if (flipped > 0) this.context.published();
    return flipped;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
