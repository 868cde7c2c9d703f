/**
 * The only way flexgrid services talk to each other: CloudEvents on the topics of libs/contracts.
 * Two implementations share these semantics: KafkaBus (production, tests) and EmbeddedBus (`npm start`).
 *
 * - publish validates every event against the catalog before anything is sent; an invalid event is a bug
 *   in the caller and throws ContractViolation.
 * - delivery is at least once and in order per key; a handler that throws sees the same event again
 *   (after a backoff), and offsets are committed only after the handler returned.
 * - a record that cannot be decoded or fails its schema goes to `<topic>.dlq` with the reason, and its
 *   partition keeps flowing.
 */
export interface OutgoingEvent<T = unknown> {
  /** CloudEvents `type`; must be one of the topic's event types. */
  type: string;
  /** Record key; per-key order is guaranteed. Must equal the topic's key field in `data`. */
  key: string;
  data: T;
  /** CloudEvents `id`. Give a natural id where the spec defines one, so redelivered duplicates are recognisable. */
  id?: string;
  /** CloudEvents `source`; defaults to the bus's source (the service name). */
  source?: string;
  /** CloudEvents `time`; defaults to now. */
  time?: Date | string;
  subject?: string;
}

/** A CloudEvent as it travels on a topic: its attributes, its record key and its data. */
export interface CloudEvent<T = unknown> {
  id: string;
  type: string;
  source: string;
  time?: string;
  subject?: string;
  key: string;
  data: T;
}

export interface DeliveredEvent<T = unknown> extends CloudEvent<T> {
  /** Logical topic name, as in the catalog (without the bus's topic prefix). */
  topic: string;
  partition: number;
  offset: string;
  /** 1 on first delivery, then 2, 3, ... while the handler keeps failing. */
  attempt: number;
}

export type EventHandler = (event: DeliveredEvent) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group; members of one group share the partitions, each group sees every event. */
  group: string;
  topics: readonly string[];
  handler: EventHandler;
  /** Where a group with no committed offset starts: the oldest record (true) or new records only (false, default). */
  fromBeginning?: boolean;
}

export interface Subscription {
  /** Finishes the event in hand, commits what was handled, and leaves the group. */
  stop(): Promise<void>;
}

export interface TopicBatch {
  topic: string;
  events: readonly OutgoingEvent[];
}

/**
 * How far an outbox relay got: the last batch it published, and the database history (epoch) that numbered
 * the batch. Batch numbers come from a database sequence, so they mean something only within one history:
 * a restored or failed-over database numbers again from an earlier value under a new epoch.
 */
export interface OutboxCheckpoint {
  epoch: string;
  batch: number;
}

export interface Bus {
  /** The backend, for logs and the dev host's banner: `kafka <brokers>` or `embedded`. */
  readonly description: string;
  /**
   * Does what was published, checkpoints included, outlive this process? A relay that finds no checkpoint
   * on a durable bus after it has published before knows the checkpoint was lost, and says so.
   */
  readonly durable: boolean;
  publish(topic: string, events: readonly OutgoingEvent[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Publishes the batches and records `checkpoint` for `outbox`, all or nothing: a crash in between
   * leaves neither the events nor the checkpoint visible. This is what lets an outbox relay write each row
   * to the log exactly once, even when it dies between publishing and marking rows sent.
   */
  publishAtomically(outbox: string, batches: readonly TopicBatch[], checkpoint: OutboxCheckpoint): Promise<void>;
  /** The last checkpoint recorded by publishAtomically for `outbox`, or undefined. */
  outboxCheckpoint(outbox: string): Promise<OutboxCheckpoint | undefined>;
  /** Is the backend reachable? For /readyz. */
  ping(): Promise<void>;
  /** Stops every subscription (draining and committing) and then the producer. */
  stop(): Promise<void>;
}

/** Publishing an event that breaks its topic's contract: a programming error, never sent. */
export class ContractViolation extends Error {
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super(`event for ${topic} breaks its contract: ${reason}`);
    this.name = 'ContractViolation';
  }
}

/**
 * Thrown by a handler for an event it can never process (e.g. it refers to something that cannot exist):
 * the event goes to the dead-letter topic at once instead of being retried.
 */
export class UnprocessableEvent extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnprocessableEvent';
  }
}

export interface RetryPolicy {
  /** Wait before the first redelivery; doubles each time up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 30_000 };

/** The subset of a pino logger the bus uses, so that the lib does not depend on a logging library. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const discard = () => undefined;
export const silentLogger: BusLogger = { debug: discard, info: discard, warn: discard, error: discard };
