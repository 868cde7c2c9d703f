import type { MeterChannelGoodbye, MeterChannelHello, MeterReading, PayoutConfirmed } from '@flexgrid/contracts';
import type { DeliveredEvent } from '@flexgrid/platform-kafka';
import {
  channelStore,
  invalidParameter,
  registrationStore,
  sideKeyFailure,
  streamKeyOf,
  tooLarge,
  unknownRegistration,
} from '@flexgrid/p2p-service';
import type { Logger } from '@flexgrid/platform-service';
import {
  type BoundIngestion,
  type Bounds,
  type ChannelCommand,
  type MeterReadingValue,
  P2PError,
  REGISTRATION_ID,
  readMeterReading,
  sameSideKeyHash,
  sideKeyHash,
} from '@flexgrid/protocol-p2p';
import { Counter, type Registry } from 'prom-client';
import { rejectionStore } from '../store/rejections';
import { type ProducerTransaction, type JournaledProducer } from './journaled-producer';
import { SOURCE_TOPIC } from './sources';

/** The outcomes that change the domain, and so are journaled. */
const CHANGES = new Set(['accepted', 'corrected', 'estimate-kept']);

/** §12.4 answer counts. */
export interface ReadingsAnswer {
  accepted: number;
  unchanged: number;
  corrected: number;
  ignored: number;
  rejected: { index: number; message: string }[];
}

export interface ReadingsOptions {
  journaled: JournaledProducer;
  producerId: string;
  wireBounds: Bounds;
  maxBatch: number;
  logger: Logger;
  metrics: Registry;
  now: () => number;
}

const QUALITIES = new Set(['measured', 'replaced', 'estimated']);
const BOUNDS = new Set(['half-open', 'inclusive']);

/** The §3.1 fields an HTTP record may carry, checked as the topic's schema checks them on Kafka. */
function invalidField(record: Record<string, unknown>): string | undefined {
  const integer = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (!integer(record.startTime)) return 'startTime';
  if (!integer(record.endTime)) return 'endTime';
  if (record.bounds !== undefined && !BOUNDS.has(record.bounds as string)) return 'bounds';
  if (record.energyWh !== undefined && !(integer(record.energyWh) && (record.energyWh as number) >= 0))
    return 'energyWh';
  if (record.quality !== undefined && !QUALITIES.has(record.quality as string)) return 'quality';
  if (record.revision !== undefined && !(integer(record.revision) && (record.revision as number) >= 0))
    return 'revision';
  for (const kwh of ['output', 'usage'])
    if (record[kwh] !== undefined && typeof record[kwh] !== 'number' && typeof record[kwh] !== 'string') return kwh;
  return undefined;
}

/**
 * The producer's intake (§2, §5): the channel lifecycle of every stream of `meter.readings` (P2P-CH3/CH4), its
 * sources' readings from Kafka and from `POST /api/readings` through the same rules (P2P-IN9, IN10), and payout
 * confirmations (P2P-AG7). A unit's effects commit in one transaction before the Kafka offset is committed, and a
 * re-delivery changes nothing.
 */
export class ReadingIntake {
  private readonly dropped: Counter<'channel' | 'why'>;
  private readonly rejectedTotal: Counter<'reason'>;

  constructor(private readonly options: ReadingsOptions) {
    this.dropped = new Counter({
      name: 'p2p_records_unbound_total',
      help: 'Readings of unbound or suspended streams, and records ignored for their command (P2P-CH3, IN6).',
      labelNames: ['channel', 'why'],
      registers: [options.metrics],
    });
    this.rejectedTotal = new Counter({
      name: 'p2p_records_rejected_total',
      help: 'Readings rejected by the ingestion rules (P2P-IN8).',
      labelNames: ['reason'],
      registers: [options.metrics],
    });
  }

  /** One partition's batch from Kafka in one transaction. */
  handleBatch(events: readonly DeliveredEvent[]): Promise<void> {
    return this.options.journaled.transact(async (tx) => {
      for (const event of events) await this.handleEvent(tx, event);
    });
  }

  private async handleEvent(tx: ProducerTransaction, event: DeliveredEvent): Promise<void> {
    switch (event.type) {
      case 'channel.hello': {
        const hello = event.data as MeterChannelHello;
        return this.channel(tx, {
          command: 'hello',
          streamKey: event.key,
          sideKeyHash: hello.sideKeyHash,
          sentAt: hello.sentAt,
        });
      }
      case 'channel.goodbye': {
        const goodbye = event.data as MeterChannelGoodbye;
        return this.channel(tx, { command: 'goodbye', streamKey: event.key, sentAt: goodbye.sentAt });
      }
      case 'meter.reading': {
        const { outcome } = await this.reading(tx, event.data as MeterReading, 'kafka', Number(event.offset));
        if (outcome === 'ignored' || outcome === 'unbound' || outcome === 'suspended')
          this.dropped.inc({ channel: 'kafka', why: outcome });
        return;
      }
      case 'payout.confirmed': {
        const payout = event.data as PayoutConfirmed;
        if (payout.producerId === this.options.producerId)
          tx.recordIf({ kind: 'payout', payout }, (counted) => counted);
        return;
      }
      default:
        return;
    }
  }

  /** P2P-CH3/CH4: every stream's latest hello/goodbye; a goodbye unbinds the source holding the stream. */
  private async channel(tx: ProducerTransaction, command: ChannelCommand): Promise<void> {
    const at = this.options.now();
    await channelStore.record(
      tx.client,
      {
        topic: SOURCE_TOPIC,
        streamKey: command.streamKey,
        command: command.command,
        sideKeyHash: command.command === 'hello' ? command.sideKeyHash : null,
        sentAt: command.sentAt,
      },
      at,
    );
    tx.record({ kind: 'channel', command });
    if (command.command === 'goodbye') {
      const unbound = await registrationStore.unbindStream(tx.client, 'source', command.streamKey, at);
      if (unbound) this.options.logger.info({ registrationId: unbound, stream: command.streamKey }, 'stream unbound');
    }
  }

  /** One reading through the rules (§5); what it came to, for the caller to count. */
  private async reading(
    tx: ProducerTransaction,
    value: MeterReadingValue,
    channel: 'kafka' | 'http',
    offset?: number,
  ): Promise<{ outcome: BoundIngestion['outcome'] | 'ignored'; reason?: string }> {
    // Other meters' records share the topic: only a bound source's are read, checked and kept (P2P-CH3).
    const binding = tx.producer.sources.bindingOf(value.meterId);
    if (binding !== 'bound') return { outcome: binding };
    const intake = readMeterReading(value, {
      role: 'source',
      channel,
      wireBounds: this.options.wireBounds,
      ...(offset !== undefined ? { offset } : {}),
    });
    if (intake.kind === 'ignored') return { outcome: 'ignored' };
    if (intake.kind === 'rejected') return this.reject(tx, channel, value, intake.reason);
    const now = this.options.now();
    let outcome: BoundIngestion;
    try {
      outcome = tx.recordIf({ kind: 'reading', record: intake.record, now }, (o) => CHANGES.has(o.outcome));
    } catch (error) {
      // A value the rules cannot take (an energy past 2^53, ...): kept as rejected, the rest goes on.
      if (!(error instanceof P2PError)) throw error;
      return this.reject(tx, channel, value, 'energy');
    }
    if (outcome.outcome === 'rejected') return this.reject(tx, channel, value, outcome.reason);
    return { outcome: outcome.outcome };
  }

  private async reject(
    tx: ProducerTransaction,
    channel: 'kafka' | 'http',
    value: MeterReadingValue,
    reason: string,
  ): Promise<{ outcome: 'rejected'; reason: string }> {
    this.rejectedTotal.inc({ reason });
    await rejectionStore.add(tx.client, { channel, streamKey: value.meterId, reason, value, at: this.options.now() });
    return { outcome: 'rejected', reason };
  }

  /**
   * §12.4 `POST /api/readings`: authenticated by the registration's secret, so the records are attributed to its
   * stream directly. `goodbye` closes the stream (later data is rejected as `closed`), `hello` re-opens it. Valid
   * records are stored even when others are rejected.
   */
  async post(body: Record<string, unknown>, headerSideKey: string | undefined): Promise<ReadingsAnswer> {
    const id = body.registrationId;
    if (typeof id !== 'string' || !REGISTRATION_ID.test(id)) throw invalidParameter('registrationId');
    const records = body.records;
    if (!Array.isArray(records)) throw invalidParameter('records');
    if (records.length > this.options.maxBatch) throw tooLarge();
    return this.options.journaled.transact(async (tx) => {
      const registration = await registrationStore.find(tx.client, id, 'update');
      if (!registration || registration.status !== 'active') throw unknownRegistration(id);
      const secret = registration.sideKeyHash;
      if (secret === null || headerSideKey === undefined || !sameSideKeyHash(sideKeyHash(headerSideKey), secret))
        throw sideKeyFailure(id);
      const streamKey = streamKeyOf(registration);
      const answer: ReadingsAnswer = { accepted: 0, unchanged: 0, corrected: 0, ignored: 0, rejected: [] };
      const sentAt = this.options.now();
      for (const [index, record] of records.entries()) {
        if (record === null || typeof record !== 'object' || Array.isArray(record)) {
          answer.rejected.push({ index, message: 'The record must be a JSON object.' });
          continue;
        }
        const fields = record as Record<string, unknown>;
        if (fields.command === 'hello' || fields.command === 'goodbye') {
          await this.httpChannel(tx, registration.id, streamKey, secret, fields.command, sentAt);
          answer.accepted += 1;
          continue;
        }
        const invalid = invalidField(fields);
        if (invalid !== undefined) {
          answer.rejected.push({ index, message: `The field '${invalid}' has an invalid value.` });
          continue;
        }
        const value = { ...fields, meterId: streamKey } as unknown as MeterReadingValue;
        if (tx.producer.sources.bindingOf(streamKey) !== 'bound') {
          await this.reject(tx, 'http', value, 'closed');
          answer.rejected.push({ index, message: 'The record was rejected: closed.' });
          continue;
        }
        const { outcome, reason } = await this.reading(tx, value, 'http');
        if (outcome === 'accepted' || outcome === 'estimate-kept') answer.accepted += 1;
        else if (outcome === 'corrected') answer.corrected += 1;
        else if (outcome === 'unchanged' || outcome === 'stale') answer.unchanged += 1;
        else if (outcome === 'ignored') answer.ignored += 1;
        else if (reason !== undefined) answer.rejected.push({ index, message: `The record was rejected: ${reason}.` });
        else answer.rejected.push({ index, message: `The record was dropped: ${outcome}.` });
      }
      return answer;
    });
  }

  /** §12.4: over HTTP the registration's own hello re-binds its stream, its goodbye unbinds it. */
  private async httpChannel(
    tx: ProducerTransaction,
    id: string,
    streamKey: string,
    secret: string,
    command: 'hello' | 'goodbye',
    sentAt: number,
  ): Promise<void> {
    if (command === 'goodbye') return this.channel(tx, { command, streamKey, sentAt });
    await this.channel(tx, { command, streamKey, sideKeyHash: secret, sentAt });
    const row = await registrationStore.find(tx.client, id, 'update');
    if (row && row.binding === 'none') {
      await registrationStore.upsert(tx.client, { ...row, binding: 'proof', updatedAt: sentAt });
      tx.record({ kind: 'register', id, at: sentAt, streamKey, binding: { binding: 'proof', sideKeyHash: secret } });
    }
  }
}
