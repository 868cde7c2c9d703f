import type {
  MeterChannelGoodbye,
  MeterChannelHello,
  MeterReading,
  PaymentConfirmed,
  PaymentSent,
  PayoutConfirmed,
  ProducerChannelGoodbye,
  ProducerChannelHello,
  ProducerOutput,
} from '@flexgrid/contracts';
import type { DeliveredEvent } from '@flexgrid/platform-kafka';
import type { Logger } from '@flexgrid/platform-service';
import {
  type Bounds,
  type BoundIngestion,
  P2PError,
  readMeterReading,
  readProducerOutput,
} from '@flexgrid/protocol-p2p';
import { Counter, type Registry } from 'prom-client';
import { channelStore, registrationStore } from '@flexgrid/p2p-service';
import { type SettlementRole, STREAM_TOPICS } from './members';
import { settlementStore } from '../store/settlements';
import { type GridTransaction, type JournaledGrid } from './journaled-grid';

type ChannelValue = MeterChannelHello | MeterChannelGoodbye | ProducerChannelHello | ProducerChannelGoodbye;

const ROLE_OF_TOPIC: Record<string, SettlementRole> = {
  [STREAM_TOPICS.consumer]: 'consumer',
  [STREAM_TOPICS.producer]: 'producer',
};

/** The outcomes that change the domain, and so are journaled. */
const CHANGES = new Set(['accepted', 'corrected', 'estimate-kept']);

export interface StreamIntakeOptions {
  journaled: JournaledGrid;
  gridId: string;
  wireBounds: Bounds;
  logger: Logger;
  metrics: Registry;
  now: () => number;
}

/**
 * What the grid reads (§2): the channel lifecycle of every stream key (P2P-CH3/CH4), consumer readings and
 * producer output (§5), payments and payout confirmations (§10.3). Each record's effect commits in one
 * transaction before its offset is committed (P2P-IN9), and a re-delivery changes nothing.
 */
export class StreamIntake {
  private readonly dropped: Counter<'topic' | 'why'>;
  private readonly rejected: Counter<'reason'>;

  constructor(private readonly options: StreamIntakeOptions) {
    this.dropped = new Counter({
      name: 'p2p_records_unbound_total',
      help: 'Data records of unbound or suspended streams, and records ignored for their command or role (P2P-CH3, IN6).',
      labelNames: ['topic', 'why'],
      registers: [options.metrics],
    });
    this.rejected = new Counter({
      name: 'p2p_records_rejected_total',
      help: 'Records rejected by the ingestion and payment rules (P2P-IN8, L3).',
      labelNames: ['reason'],
      registers: [options.metrics],
    });
  }

  /** One partition's batch in one transaction: the journal takes its facts in one statement (P2P-IN9). */
  handleBatch(events: readonly DeliveredEvent[]): Promise<void> {
    return this.options.journaled.transact(async (tx) => {
      for (const event of events) {
        try {
          await this.handleOne(tx, event);
        } catch (error) {
          // A value the rules cannot take (an amount past 2^53, …): kept as rejected, the batch goes on.
          if (!(error instanceof P2PError)) throw error;
          await this.reject(tx, event, 'invalid');
        }
      }
    });
  }

  handle(event: DeliveredEvent): Promise<void> {
    return this.handleBatch([event]);
  }

  private async handleOne(tx: GridTransaction, event: DeliveredEvent): Promise<void> {
    switch (event.type) {
      case 'channel.hello':
      case 'channel.goodbye':
        return this.channel(tx, event as DeliveredEvent<ChannelValue>);
      case 'meter.reading':
        return this.reading(tx, event as DeliveredEvent<MeterReading>);
      case 'producer.output':
        return this.output(tx, event as DeliveredEvent<ProducerOutput>);
      case 'payment.sent':
      case 'payment.confirmed':
        return this.payment(tx, event as DeliveredEvent<PaymentSent | PaymentConfirmed>);
      case 'payout.confirmed':
        return this.payoutConfirmed(tx, event as DeliveredEvent<PayoutConfirmed>);
      default:
        return undefined;
    }
  }

  private async channel(tx: GridTransaction, event: DeliveredEvent<ChannelValue>): Promise<void> {
    const value = event.data;
    const at = this.options.now();
    await channelStore.record(
      tx.client,
      {
        topic: event.topic,
        streamKey: event.key,
        command: value.command,
        sideKeyHash: value.command === 'hello' ? value.sideKeyHash : null,
        sentAt: value.sentAt,
      },
      at,
    );
    tx.record({
      kind: 'channel',
      command:
        value.command === 'hello'
          ? { command: 'hello', streamKey: event.key, sideKeyHash: value.sideKeyHash, sentAt: value.sentAt }
          : { command: 'goodbye', streamKey: event.key, sentAt: value.sentAt },
    });
    if (value.command === 'goodbye') {
      const unbound = await registrationStore.unbindStream(tx.client, ROLE_OF_TOPIC[event.topic], event.key, at);
      if (unbound)
        this.options.logger.info({ registrationId: unbound, stream: event.key }, 'stream unbound by goodbye');
    }
  }

  private async reading(tx: GridTransaction, event: DeliveredEvent<MeterReading>): Promise<void> {
    const intake = readMeterReading(event.data, {
      role: 'consumer',
      channel: 'kafka',
      wireBounds: this.options.wireBounds,
      offset: Number(event.offset),
    });
    if (intake.kind === 'ignored') return this.drop(event, intake.why);
    if (intake.kind === 'rejected') return this.reject(tx, event, intake.reason);
    const now = this.options.now();
    const outcome = tx.recordIf({ kind: 'reading', record: intake.record, now }, (o) => CHANGES.has(o.outcome));
    await this.settle(tx, event, outcome);
  }

  private async output(tx: GridTransaction, event: DeliveredEvent<ProducerOutput>): Promise<void> {
    const intake = readProducerOutput(event.data, Number(event.offset));
    if (intake.kind === 'ignored') return this.drop(event, intake.why);
    const now = this.options.now();
    const outcome = tx.recordIf({ kind: 'output', record: intake.record, now }, (o) => CHANGES.has(o.outcome));
    await this.settle(tx, event, outcome);
  }

  private async settle(tx: GridTransaction, event: DeliveredEvent, outcome: BoundIngestion): Promise<void> {
    if (outcome.outcome === 'unbound' || outcome.outcome === 'suspended') this.drop(event, outcome.outcome);
    else if (outcome.outcome === 'rejected') await this.reject(tx, event, outcome.reason);
  }

  private async payment(tx: GridTransaction, event: DeliveredEvent<PaymentSent | PaymentConfirmed>): Promise<void> {
    const outcome = tx.recordIf(
      { kind: 'payment', event: { ...event.data, type: event.type as 'payment.sent' | 'payment.confirmed' } },
      (o) => o.outcome === 'recorded' || o.outcome === 'confirmed',
    );
    if (outcome.outcome === 'rejected') await this.reject(tx, event, outcome.reason);
  }

  private async payoutConfirmed(tx: GridTransaction, event: DeliveredEvent<PayoutConfirmed>): Promise<void> {
    if (event.data.from !== this.options.gridId) return;
    const confirmed = tx.recordIf({ kind: 'payout-confirmed', paymentId: event.data.paymentId }, (o) => o);
    if (confirmed) await settlementStore.payoutConfirmed(tx.client, event.data.paymentId, event.data.confirmedAt);
  }

  private drop(event: DeliveredEvent, why: string): void {
    this.dropped.inc({ topic: event.topic, why });
  }

  private async reject(tx: GridTransaction, event: DeliveredEvent, reason: string): Promise<void> {
    this.rejected.inc({ reason });
    await settlementStore.reject(tx.client, {
      topic: event.topic,
      key: event.key,
      id: `${event.partition}:${event.offset}`,
      reason,
      value: event.data,
      at: this.options.now(),
    });
  }
}
