import type { Bus, OutgoingEvent } from '@flexgrid/platform-kafka';
import { frameObserved, meterReading, sessionEnded } from '../records';
import type { AnalyzerStore } from '../store/analyzer-store';

/*
 * Publication to Kafka from what is stored: the frames table is the outbox. Each session keeps the seq up to
 * which its s2.frames and meter.readings records are out (`published_seq`); the publisher reads what is stored
 * beyond it, publishes, and moves the mark. A Kafka outage or a restart only delays records, and a crash between
 * publishing and marking publishes a few again, with the same natural CloudEvents ids (at least once, DESIGN.md).
 */

export interface PublisherOptions {
  sessionsPerRound: number;
  framesPerSession: number;
}

/**
 * One publish call's records of a key share a partition and so one record batch, which the broker refuses past
 * its message.max.bytes (1 MiB by default): calls are cut well below it. A single record that cannot fit is left
 * out with a warning rather than blocking the session's publication for ever.
 */
const CALL_BYTES = 256 * 1024;
/** kafkajs groups a call's records per partition in quadratic time (a spread per record): calls stay short. */
const CALL_RECORDS = 100;
const RECORD_BYTES = 900 * 1024;
/** CloudEvents headers and record framing per record, roughly. */
const RECORD_OVERHEAD = 300;

/** About how many bytes an event takes on the wire. */
function sizeOf(event: OutgoingEvent, payloadBytes?: number): number {
  // A frame's message or raw is about its payload (base64 for binary frames: 4/3 of it); the rest is small.
  return payloadBytes !== undefined
    ? Math.ceil(payloadBytes * 1.4) + 600
    : JSON.stringify(event.data).length + RECORD_OVERHEAD;
}

export interface PublisherLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export class Publisher {
  private pumping: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: AnalyzerStore,
    private readonly bus: Bus,
    private readonly options: PublisherOptions,
    private readonly log: PublisherLog,
  ) {}

  /** Something new is stored: publish it (coalesced with a round in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.retry) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Publishes what is stored until nothing is left, or gives up after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    await this.pumping;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if (!(await this.round())) return;
      } catch (error) {
        this.log.warn({ err: error }, 'publishing before shutdown failed; the rest goes out after the restart');
        return;
      }
    }
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped && (await this.round()));
      if (this.failures > 0) this.log.info({ failures: this.failures }, 'publishing to Kafka again');
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const delayMs = Math.min(250 * 2 ** (this.failures - 1), 30_000);
      if (this.failures === 1 || this.failures % 10 === 0)
        this.log.warn(
          { err: error, failures: this.failures, retryInMs: delayMs },
          'publishing to Kafka failed; retrying',
        );
      if (!this.stopped)
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.wake();
        }, delayMs);
    }
  }

  private async publishInCalls(topic: string, events: ReadonlyArray<[OutgoingEvent, number]>): Promise<void> {
    let call: OutgoingEvent[] = [];
    let bytes = 0;
    for (const [event, size] of events) {
      if (size > RECORD_BYTES) {
        this.log.warn({ topic, id: event.id, bytes: size }, 'record too large for Kafka; left out');
        continue;
      }
      if (call.length > 0 && (bytes + size > CALL_BYTES || call.length >= CALL_RECORDS)) {
        await this.bus.publish(topic, call);
        call = [];
        bytes = 0;
      }
      call.push(event);
      bytes += size;
    }
    if (call.length > 0) await this.bus.publish(topic, call);
  }

  /** One round: returns whether it published anything. */
  private async round(): Promise<boolean> {
    const work = await this.store.unpublished(this.options.sessionsPerRound, this.options.framesPerSession);
    if (work.length === 0) return false;
    const frames: Array<[OutgoingEvent, number]> = [];
    const readings: Array<[OutgoingEvent, number]> = [];
    for (const { session, frames: stored, readings: derived, end, framesLost } of work) {
      for (const frame of stored) {
        const event = frameObserved(session, frame, frame.findings);
        frames.push([event, sizeOf(event, frame.payload.length)]);
      }
      if (end) {
        const event = sessionEnded(session, end.endedAt, end.findings, end.state, framesLost);
        frames.push([event, sizeOf(event)]);
      }
      for (const reading of derived) readings.push([meterReading(reading), RECORD_OVERHEAD + 300]);
    }
    await this.publishInCalls('s2.frames', frames);
    await this.publishInCalls('meter.readings', readings);
    await this.store.markPublished(
      work.map(({ session, publishedSeq, end }) => ({ sessionId: session.id, publishedSeq, ended: end !== undefined })),
    );
    // Nothing to publish means the remaining work waits on something else (an end not stored yet): stop here.
    return frames.length > 0 || readings.length > 0;
  }
}
