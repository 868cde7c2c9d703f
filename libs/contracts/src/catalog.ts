import { deadLetterTopicOf, DAY_MS, type TopicConfig, type TopicDefinition } from './topic';
import { meterReadings } from './topics/meter';
import { openadrEvents, openadrOpt, openadrVenStatus } from './topics/openadr';
import { p2pPaymentRequests, p2pPayments, p2pProducerOutput, p2pSettlements } from './topics/p2p';
import { outboxCheckpoints } from './topics/platform';
import { powermatcherBids, powermatcherPrices } from './topics/powermatcher';
import { s2Frames } from './topics/s2';

/**
 * Every topic flexgrid services exchange, keyed by topic name. A service's only link to another service
 * is one of these topics.
 */
export const catalog = {
  'openadr.events': openadrEvents,
  'openadr.opt': openadrOpt,
  'openadr.ven-status': openadrVenStatus,
  'powermatcher.bids': powermatcherBids,
  'powermatcher.prices': powermatcherPrices,
  's2.frames': s2Frames,
  'meter.readings': meterReadings,
  'p2p.producer-output': p2pProducerOutput,
  'p2p.payment-requests': p2pPaymentRequests,
  'p2p.payments': p2pPayments,
  'p2p.settlements': p2pSettlements,
  'flexgrid.outbox-checkpoints': outboxCheckpoints,
} as const satisfies Record<string, TopicDefinition>;

export type Catalog = Readonly<Record<string, TopicDefinition>>;
export type TopicName = keyof typeof catalog;

/** Layout of every dead-letter topic: one partition is enough, and a poison record is kept long enough to look at. */
export const deadLetterConfig: TopicConfig = { partitions: 1, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' };

/**
 * Every topic the broker must hold for a catalog: each topic, and a dead-letter topic for each that has
 * consumers (only a consumer dead-letters a record).
 */
export function physicalTopics(topics: Catalog): { name: string; config: TopicConfig }[] {
  return Object.values(topics).flatMap((t) => [
    { name: t.name, config: t.config },
    ...(t.consumers.length > 0 ? [{ name: deadLetterTopicOf(t.name), config: deadLetterConfig }] : []),
  ]);
}
