import type { JSONSchema } from 'json-schema-to-ts';

/** A JSON Schema for one event type's `data`, written `as const` so its TypeScript type can be derived. */
export type EventSchema = JSONSchema & object;

/** How a topic is laid out on the broker. Data here, so deploy/ manifests and test setup create topics alike. */
export interface TopicConfig {
  partitions: number;
  /** Milliseconds; -1 keeps records forever. */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  /** The largest record the topic takes (`max.message.bytes`); the broker's default (1 MiB) when absent. */
  maxMessageBytes?: number;
}

/**
 * One Kafka topic of the catalog: its name, what its record key is, and the JSON Schema of every event type
 * (CloudEvents `ce_type`) it may carry.
 */
export interface TopicDefinition<Events extends Record<string, EventSchema> = Record<string, EventSchema>> {
  name: string;
  /** The field of the event data whose value is the record key (per-key order follows from it). */
  key: string;
  /**
   * Event types keyed by another field than `key` (OpenADR schedule opts are keyed by venId, not eventId).
   * A list names alternatives: the key is the first of these fields present in the data (OpenADR
   * `openadr.opt.cancelled` is keyed by eventId for an event opt and by venId for a schedule opt).
   */
  keyByEventType?: Partial<Record<keyof Events & string, string | readonly string[]>>;
  description: string;
  /**
   * Services that write it: the flexgrid apps among them get write access to it in deploy/ (their KafkaUser
   * ACLs), so an app must be listed exactly where it really publishes; others (devices, wallets) are informative.
   */
  producers: readonly string[];
  /**
   * Services that read it through a consumer group: the flexgrid apps among them get read access to it (and
   * write access to its dead-letter topic, where they park what they cannot handle) in deploy/.
   */
  consumers: readonly string[];
  config: TopicConfig;
  events: Events;
}

export function defineTopic<const Events extends Record<string, EventSchema>>(
  topic: TopicDefinition<Events>,
): TopicDefinition<Events> {
  return topic;
}

/** The dead-letter topic for a topic: records that fail validation on consume go there with the reason. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
