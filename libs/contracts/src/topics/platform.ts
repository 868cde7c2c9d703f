import { defineTopic } from '../topic';

/**
 * Internal to the platform's transactional outbox relay (libs/platform/db). No record is ever written here:
 * the relay keeps each outbox's checkpoint (its last published batch) as the committed offset of a
 * dedicated consumer group on partition 0, inside the Kafka transaction that publishes the batch, so the
 * checkpoint and the events become visible together. The topic exists because offsets need a partition.
 */
export const outboxCheckpoints = defineTopic({
  name: 'flexgrid.outbox-checkpoints',
  key: 'outbox',
  description:
    "Internal: the committed offsets on partition 0 are the outbox relays' checkpoints; it holds no records.",
  // The relays write no records, but commit their checkpoint offsets in their publishing transactions.
  producers: ['openadr-vtn', 'powermatcher-auctioneer', 'p2p-producer', 'p2p-grid'],
  consumers: [],
  config: { partitions: 1, retentionMs: -1, cleanupPolicy: 'compact' },
  events: {},
});
