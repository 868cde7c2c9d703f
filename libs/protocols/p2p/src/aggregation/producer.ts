import { aggregateOutput } from './aggregation';
import { type P2PConfig } from '../config/config';
import { DueIntervals } from '../time/due-intervals';
import {
  type BoundIngestion,
  changedSpan,
  type StoredRevision,
  StreamBook,
  type StreamRecord,
} from '../ingestion/ingestion';
import { type Span } from '../time/interval';
import { type PayoutConfirmedValue } from '../settlement/payment-records';
import {
  planProducerOutput,
  producerOutputRecord,
  type ProducerOffer,
  type ProducerOutputValue,
  type PublishedOutput,
} from './producer-output';
import { type ChannelCommand, type ChannelOutcome, Registry } from '../channels/registration';
import { addSafe } from '../units/units';

export interface ProducerOptions {
  config: P2PConfig;
  producerId: string;
  /** P2P-T9: the start of the interval containing the service's first start. */
  epoch: number;
}

/**
 * A producer's aggregation domain in memory (§6): its source registrations, their readings and what it
 * published per interval. Each run publishes every newly due interval (revision 0, P2P-AG3) and a revision for
 * every published interval whose aggregate changed (P2P-AG4). The producer service keeps the same state in
 * PostgreSQL; simulators, tests and benchmarks run this one.
 */
export class Producer {
  readonly sources = new Registry<'source'>();
  readonly readings: StreamBook;
  private readonly published = new Map<number, PublishedOutput>();
  private readonly due: DueIntervals;
  private readonly payoutsReceived = new Set<string>();
  private received = 0;
  private last: PayoutConfirmedValue | null = null;

  constructor(private readonly options: ProducerOptions) {
    this.readings = new StreamBook(options.config);
    this.due = new DueIntervals(options.epoch, options.config.intervalMs, options.config.producerGateClosureMs);
  }

  /** A source's `channel.hello` or `channel.goodbye` on `meter.readings` (P2P-CH3/CH4). */
  channel(command: ChannelCommand): ChannelOutcome {
    return this.sources.channel(command);
  }

  /** A source's reading (P2P-IN6 already applied by `readMeterReading`); unbound streams are dropped (P2P-CH3). */
  ingest(record: StreamRecord, now: number): BoundIngestion {
    const binding = this.sources.bindingOf(record.streamKey);
    if (binding !== 'bound') return { outcome: binding };
    const outcome = this.readings.ingest(record, now);
    const changed = changedSpan(outcome);
    if (changed) this.due.changed(changed);
    return outcome;
  }

  /** One aggregation run (P2P-AG3, AG4, AG6): the `producer.output` records to publish, in interval order. */
  run(asOf: number, offer: ProducerOffer): { ceId: string; value: ProducerOutputValue }[] {
    const { config, producerId } = this.options;
    const records: { ceId: string; value: ProducerOutputValue }[] = [];
    for (const n of this.due.take(asOf)) {
      const span: Span = { start: n, end: n + config.intervalMs };
      const readings = new Map<string, StoredRevision[]>();
      for (const source of this.sources.all()) {
        const found = this.readings.effectiveWithin(source.streamKey, span);
        if (found.length > 0) readings.set(source.id, found);
      }
      const aggregate = aggregateOutput({
        intervalStart: n,
        intervalMs: config.intervalMs,
        expectedSources: this.sources.activeWithin('source', span),
        readings,
      });
      const output = planProducerOutput(this.published.get(n), aggregate, offer);
      if (!output) continue;
      this.published.set(n, output);
      records.push(
        producerOutputRecord(output, {
          producerId,
          intervalMs: config.intervalMs,
          bounds: config.wireBounds,
          publishedAt: asOf,
          profile: config.profile,
        }),
      );
    }
    return records;
  }

  /** P2P-AG7: a `payout.confirmed` to this producer counts into `receivedTotal` once and becomes the last payout. */
  recordPayoutConfirmed(payout: PayoutConfirmedValue): boolean {
    if (payout.producerId !== this.options.producerId || this.payoutsReceived.has(payout.paymentId)) return false;
    this.payoutsReceived.add(payout.paymentId);
    this.received = addSafe(this.received, payout.amount, 'receivedTotal');
    this.last = payout;
    return true;
  }

  /** P2P-AG7: Σ confirmed payouts and the last one (null before the first). */
  payouts(): { receivedTotal: number; lastPayout: PayoutConfirmedValue | null } {
    return { receivedTotal: this.received, lastPayout: this.last };
  }
}
