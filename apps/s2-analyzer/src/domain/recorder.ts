import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationState } from '@flexgrid/protocol-s2';
import type { AnalyzerStore, SessionProgress, StoredBatch } from '../store/analyzer-store';
import type { BacklogSpill } from '../store/backlog-spill';
import type { AnalysisSink, AnalyzedFrame, SessionEnd, SessionInfo } from './analysis';
import type { MeterSamples } from './meter-readings';

/*
 * Batched storage, off the forwarding path: analysed frames, findings, readings, session starts, ends and state
 * snapshots collect in memory and are written in one transaction per batch: when a batch is full, after flushMs,
 * or as soon as the previous write finished, so that the batch size follows the load. A failed write (database
 * down, connection killed) is retried with backoff while new frames keep collecting; nothing is forwarded any
 * slower for it. Past bufferBytes of unwritten frames, further frames are counted per session as lost
 * (`framesLost`, logged) rather than growing memory without bound.
 *
 * At shutdown the store gets what is left for as long as the budget allows; whatever it did not take (the database
 * down, or slower than the backlog) is spilled to disk and stored at the next start (`BacklogSpill`): the shutdown
 * budget is fixed (the platform forces the exit, Kubernetes kills), a local disk takes hundreds of megabytes in
 * seconds, and holding the sessions open to drain would stop forwarding for their pairs anyway.
 */

export interface RecorderOptions {
  batchFrames: number;
  flushMs: number;
  bufferBytes: number;
}

export interface RecorderLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

function emptyBatch(): StoredBatch {
  return { sessions: [], frames: [], readings: [], samples: [], progress: [], ends: [] };
}

function merged(first: StoredBatch, second: StoredBatch): StoredBatch {
  return {
    sessions: [...first.sessions, ...second.sessions],
    frames: [...first.frames, ...second.frames],
    readings: [...first.readings, ...second.readings],
    samples: [...first.samples, ...second.samples],
    progress: [],
    ends: [...first.ends, ...second.ends],
  };
}

/** Resolves once `promise` settles or after `ms`, whichever comes first. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export class Recorder implements Pick<AnalysisSink, 'started' | 'analyzed' | 'ended'> {
  private batch = emptyBatch();
  private bufferedBytes = 0;
  /** Sessions with frames in the batch, for their state snapshot. */
  private touched = new Set<string>();
  /** Frames lost so far per session (a total, so that storing a batch twice counts nothing twice). */
  private readonly lost = new Map<string, number>();
  private writing: Promise<void> | undefined;
  /** The batch being written and its sessions, until the store took it. */
  private inFlight: { batch: StoredBatch; touched: ReadonlySet<string> } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly store: AnalyzerStore,
    private readonly meters: MeterSamples,
    private readonly stateOf: (sessionId: string) => ConversationState | undefined,
    private readonly onStored: () => void,
    private readonly options: RecorderOptions,
    private readonly log: RecorderLog,
  ) {}

  /** Bytes of frames not yet stored. */
  get backlogBytes(): number {
    return this.bufferedBytes;
  }

  started(session: SessionInfo): void {
    this.batch.sessions.push(session);
    this.schedule();
  }

  analyzed({ session, frame, messageType, findings, readings }: AnalyzedFrame): void {
    if (this.bufferedBytes + frame.payload.length > this.options.bufferBytes) {
      const lost = (this.lost.get(session.id) ?? 0) + 1;
      this.lost.set(session.id, lost);
      if (lost === 1)
        this.log.error(
          { sessionId: session.id, seq: frame.seq, backlogBytes: this.bufferedBytes },
          'the store is behind by more than its buffer: frames of this session are forwarded but not stored',
        );
      this.touched.add(session.id);
      return;
    }
    this.bufferedBytes += frame.payload.length;
    this.batch.frames.push({ ...frame, sessionId: session.id, messageType, findings });
    if (readings.length > 0) this.batch.readings.push(...readings);
    this.touched.add(session.id);
    this.schedule();
  }

  ended(end: SessionEnd): void {
    const { session, endedAt, reason, findings, state } = end;
    this.batch.ends.push({ sessionId: session.id, endedAt, reason, findings, state });
    this.schedule();
  }

  /**
   * Writes everything collected so far; rejects when the store still refuses after `timeoutMs`. `stop` (at
   * shutdown) also ends the timed writes.
   */
  async flush(timeoutMs: number, { stop }: { stop: boolean }): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    if (stop) {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (;;) {
      if (!this.writing && this.isEmpty()) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the store did not take the last ${this.backlogFrames} frames in ${timeoutMs} ms`);
      // A write to a database that hangs must not hold the caller past its deadline.
      await within(this.writing ?? this.write().catch(() => sleep(200)), left);
    }
  }

  /**
   * At shutdown, after the last frame: the store gets the backlog for up to `timeoutMs`; what it has not taken
   * by then, including a write still in progress, whose outcome is unknown, goes to `spill`.
   */
  async close(timeoutMs: number, spill: BacklogSpill): Promise<void> {
    try {
      await this.flush(timeoutMs, { stop: true });
    } catch (error) {
      const frames = this.backlogFrames;
      const file = await spill.write(this.backlog());
      this.log.warn(
        { err: error, frames, file },
        'the store did not take the backlog before shutdown: spilled to disk, stored at the next start',
      );
    }
  }

  private get backlogFrames(): number {
    return (this.inFlight?.batch.frames.length ?? 0) + this.batch.frames.length;
  }

  /** Everything not known to be stored, as one batch. */
  private backlog(): StoredBatch {
    const inFlight = this.inFlight ?? { batch: emptyBatch(), touched: new Set<string>() };
    const batch = merged(inFlight.batch, this.batch);
    batch.samples.push(...this.meters.takeChanged());
    batch.progress = this.progress(batch, new Set([...inFlight.touched, ...this.touched]));
    return batch;
  }

  private isEmpty(): boolean {
    const { sessions, frames, ends } = this.batch;
    return sessions.length === 0 && frames.length === 0 && ends.length === 0 && this.touched.size === 0;
  }

  private schedule(): void {
    if (this.stopped || this.writing) return;
    if (this.batch.frames.length >= this.options.batchFrames) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      void this.write().catch(() => undefined);
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.write().catch(() => undefined);
      }, this.options.flushMs);
    }
  }

  private progress(batch: StoredBatch, touched: ReadonlySet<string>) {
    const storedSeq = new Map<string, number>();
    for (const frame of batch.frames) storedSeq.set(frame.sessionId, frame.seq);
    const progress: SessionProgress[] = [];
    for (const sessionId of touched) {
      const state = this.stateOf(sessionId) ?? batch.ends.find((end) => end.sessionId === sessionId)?.state;
      if (!state) continue;
      progress.push({
        sessionId,
        storedSeq: storedSeq.get(sessionId) ?? 0,
        framesLost: this.lost.get(sessionId) ?? 0,
        state,
      });
    }
    return progress;
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing;
    const touched = this.touched;
    const batch = { ...this.batch, samples: [...this.batch.samples, ...this.meters.takeChanged()] };
    batch.progress = this.progress(batch, touched);
    this.batch = emptyBatch();
    this.touched = new Set();
    this.inFlight = { batch, touched };
    const bytes = batch.frames.reduce((sum, frame) => sum + frame.payload.length, 0);
    this.writing = this.store.save(batch).then(
      () => {
        this.writing = undefined;
        this.inFlight = undefined;
        this.bufferedBytes -= bytes;
        for (const end of batch.ends) this.lost.delete(end.sessionId);
        if (this.failures > 0) this.log.info({ failures: this.failures }, 'the store takes frames again');
        this.failures = 0;
        this.onStored();
        this.schedule();
      },
      (error: unknown) => {
        this.writing = undefined;
        this.inFlight = undefined;
        // Put it all back in front of what came since, to be written together on the next attempt.
        this.batch = merged(batch, this.batch);
        for (const sessionId of touched) this.touched.add(sessionId);
        this.failures += 1;
        const delayMs = Math.min(100 * 2 ** (this.failures - 1), 5000);
        if (this.failures === 1 || this.failures % 20 === 0)
          this.log.warn(
            { err: error, failures: this.failures, frames: this.batch.frames.length },
            'storing frames failed; retrying',
          );
        if (!this.stopped && !this.timer)
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.write().catch(() => undefined);
          }, delayMs);
        throw error;
      },
    );
    return this.writing;
  }
}
