import { deadLetterTopicOf, DAY_MS, type TopicConfig, type TopicDefinition } from './topic';
import { meterReadings } from './topics/meter';

/**
 * Every topic flexgrid services exchange, keyed by topic name. A service's only link to another service
 * is one of these topics.
 */
export const catalog = {
  [meterReadings.name]: meterReadings,
} as const satisfies Record<string, TopicDefinition>;

export type Catalog = Readonly<Record<string, TopicDefinition>>;
export type TopicName = keyof typeof catalog;

/** Layout of every dead-letter topic: one partition is enough, and a poison record is kept long enough to look at. */
export const deadLetterConfig: TopicConfig = { partitions: 1, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' };

/** Every topic the broker must hold for a catalog, dead-letter topics included. */
export function physicalTopics(topics: Catalog): { name: string; config: TopicConfig }[] {
  return Object.values(topics).flatMap((t) => [
    { name: t.name, config: t.config },
    { name: deadLetterTopicOf(t.name), config: deadLetterConfig },
  ]);
}
