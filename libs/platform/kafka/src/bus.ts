/**
 * The only way flexgrid services talk to each other: CloudEvents on the topics of libs/contracts.
 * Two implementations share these semantics: KafkaBus (production, tests) and EmbeddedBus (`npm start`).
 *
 * - publish validates every event against the catalog before anything is sent; an invalid event is a bug
 *   in the caller and throws ContractViolation. It is bounded in time (PublishTimeout).
 * - delivery is at least once and in order per key. A handler that throws sees the same event again after a
 *   backoff, up to the retry policy's maxAttempts; then the event goes to `<topic>.dlq` (reason
 *   `handler-failed`) and its partition moves on. Offsets are committed only after the handler returned.
 * - at least once means handlers do see duplicates: after a crash or a rebalance between an effect and its
 *   commit, the next owner of the partition delivers the event again. An effect must therefore be
 *   idempotent: keyed by a natural id (the CloudEvents id, the spec's own ids) with `ON CONFLICT`.
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
  /**
   * CloudEvents extension attributes, sent as `ce_<name>` headers; names are 1-20 lower-case letters and digits
   * and not the core attributes'.
   */
  extensions?: Readonly<Record<string, string>>;
  /**
   * The record value exactly as sent, for when its bytes matter (a signature over them travels in an extension);
   * it must be the JSON of `data`, one object or array as JSON.stringify writes it (the outbox stores it
   * unchecked). Default: `JSON.stringify(data)`.
   */
  value?: string;
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
  /** CloudEvents extension attributes (`ce_<name>` headers other than the core attributes'), when there are any. */
  extensions?: Readonly<Record<string, string>>;
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

/**
 * Takes a batch of one partition's events, in offset order; the batch's offsets are committed after it
 * returns. A throw redelivers the whole batch (same retry policy as single events); UnprocessableEvent
 * dead-letters the whole batch.
 */
export type BatchHandler = (events: readonly DeliveredEvent[]) => Promise<void>;

export interface BatchOptions {
  /** The largest batch handed to handleBatch. */
  maxRecords: number;
  /**
   * How long the broker may hold a fetch to fill a batch when records arrive slowly: the latency a quiet
   * topic adds, in exchange for fuller batches on a busy one.
   */
  maxWaitMs: number;
}

export interface TopicPartition {
  /** Logical topic name, as in the catalog. */
  topic: string;
  partition: number;
}

interface SubscribeBase {
  /** Consumer group; members of one group share the partitions, each group sees every event. */
  group: string;
  topics: readonly string[];
  /** Where a group with no committed offset starts: the oldest record (true) or new records only (false, default). */
  fromBeginning?: boolean;
  /**
   * Partitions of this subscription handled at the same time. Records of one partition (and so of one key)
   * are never handled at once. Defaults to the bus's setting.
   */
  concurrency?: number;
  /** Overrides the bus's retry policy for this subscription's handler. */
  retry?: Partial<RetryPolicy>;
  /**
   * Called with the partitions this member no longer owns (taken away by a rebalance, or all of them on
   * stop), after the work in hand on them finished and was committed: the place to drop per-partition state.
   */
  onPartitionsRevoked?(partitions: readonly TopicPartition[]): Promise<void> | void;
}

export interface EventSubscribeOptions extends SubscribeBase {
  handler: EventHandler;
  batch?: never;
  handleBatch?: never;
}

export interface BatchSubscribeOptions extends SubscribeBase {
  batch: BatchOptions;
  handleBatch: BatchHandler;
  handler?: never;
}

export type SubscribeOptions = EventSubscribeOptions | BatchSubscribeOptions;

export interface Subscription {
  /** Finishes the work in hand, commits what was handled, and leaves the group. */
  stop(): Promise<void>;
  /** Stops fetching (backpressure); the work in hand still finishes. The partitions stay this member's. */
  pause(): void;
  resume(): void;
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
  /**
   * Handler calls for one event (or batch) before it goes to the dead-letter topic with reason
   * `handler-failed`, so one failing key cannot hold back its partition forever. The count survives a
   * rebalance and a restart.
   */
  maxAttempts: number;
}

/** 100 ms doubling to 30 s: ten attempts span about 50 s, enough to ride out a database failover. */
export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 30_000, maxAttempts: 10 };

/**
 * publish did not finish within its time limit. When `mayBeWritten`, a send had reached the broker (or was
 * on its way), so the events may be in the log: publishing them again can duplicate them, which is fine for
 * idempotent consumers. Otherwise nothing was sent.
 */
export class PublishTimeout extends Error {
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
    readonly mayBeWritten: boolean,
  ) {
    super(
      `publishing to ${topic} did not finish within ${timeoutMs} ms; ` +
        (mayBeWritten ? 'the events may already be written (publishing again may duplicate them)' : 'nothing was sent'),
    );
    this.name = 'PublishTimeout';
  }
}

/** The subset of a pino logger the bus uses, so that the lib does not depend on a logging library. */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const discard = () => undefined;
export const silentLogger: BusLogger = { debug: discard, info: discard, warn: discard, error: discard };
