import { deadLetterTopicOf, outboxCheckpoints, physicalTopics } from '@flexgrid/contracts';
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  logLevel,
  type LogEntry,
  Partitioners,
  type PartitionOffset,
  type Producer,
} from 'kafkajs';
import type { Bus, OutboxCheckpoint, OutgoingEvent, SubscribeOptions, Subscription, TopicBatch } from './bus';
import { encodeValidEvents } from './cloudevents';
import {
  type BusDependencies,
  busDependencies,
  type BusOptions,
  type ConsumedRecord,
  deadLetterHeaders,
  deliver,
  type DeliveryContext,
  Sleeper,
} from './delivery';
import { installProduceEncoder } from './produce-encoder';

export interface KafkaBusOptions extends BusOptions {
  brokers: readonly string[];
  /** Service name: Kafka client id and default CloudEvents source. */
  clientId: string;
  /** Prepended to every topic and group name; tests use it to isolate themselves on a shared broker. */
  topicPrefix?: string;
  /** Partitions of one subscription handled at the same time (order is still per partition). */
  partitionsConsumedConcurrently?: number;
  /** Create the catalog's missing topics (and their dead-letter topics) on connect. Default true. */
  createTopics?: boolean;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
  /** Timeout of one request to a broker. */
  requestTimeoutMs?: number;
  /**
   * How long publish keeps retrying through a lost broker (a restart, a failover) before it fails.
   * kafkajs alone gives up within seconds when connections are refused.
   */
  publishTimeoutMs?: number;
  /**
   * Longest time a fetch waits on the broker for new records. It bounds how long a consumer takes to stop,
   * and costs one idle request per broker per interval.
   */
  fetchMaxWaitMs?: number;
}

/**
 * The Bus over Apache Kafka (kafkajs): idempotent producer with acks=all, read_committed consumers,
 * topics created from the catalog and never auto-created.
 */
export class KafkaBus implements Bus {
  readonly description: string;
  readonly durable = true;
  private readonly kafka: Kafka;
  private readonly deps: BusDependencies;
  private readonly prefix: string;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly transactional = new Map<string, Producer>();
  private connected?: Promise<void>;

  constructor(private readonly options: KafkaBusOptions) {
    this.prefix = options.topicPrefix ?? '';
    this.deps = busDependencies(options);
    this.description = `kafka ${options.brokers.join(',')}`;
    if (!installProduceEncoder()) {
      this.deps.logger.warn(
        {},
        'kafkajs sent records before the first KafkaBus was built; it keeps its slower Produce encoder',
      );
    }
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ssl: options.ssl,
      sasl: options.sasl,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      connectionTimeout: 3_000,
      retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => this.log(entry),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.admin = this.kafka.admin();
  }

  /** Connects the producer and admin client and creates missing topics. Idempotent; publish calls it too. */
  connect(): Promise<void> {
    this.connected ??= (async () => {
      await Promise.all([this.producer.connect(), this.admin.connect()]);
      if (this.options.createTopics !== false) await this.createTopics();
    })().catch((error) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  /** Creates every topic of the catalog that does not exist yet, with the layout the catalog gives. */
  async createTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const wanted = physicalTopics(this.deps.validator.topics);
    // The outbox relay needs its checkpoint topic even with a catalog that does not list it.
    if (!wanted.some((t) => t.name === outboxCheckpoints.name)) {
      wanted.push({ name: outboxCheckpoints.name, config: outboxCheckpoints.config });
    }
    const missing = wanted.map((t) => ({ ...t, name: this.physical(t.name) })).filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    // kafkajs's waitForLeaders gives up when a just-created topic is still unknown to the metadata
    // (common on KRaft), so creation and the wait for leaders are separate. A topic created meanwhile by
    // another replica is fine: createTopics reports it as existing.
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.config.partitions,
        configEntries: [
          { name: 'retention.ms', value: String(t.config.retentionMs) },
          { name: 'cleanup.policy', value: t.config.cleanupPolicy },
        ],
      })),
    });
    await this.waitForLeaders(missing.map((t) => t.name));
    this.deps.logger.info({ topics: missing.map((t) => t.name) }, 'created topics');
  }

  /** Waits until every partition of `topics` has a leader, so the first publish does not fail. */
  async waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: found } = await this.admin.fetchTopicMetadata({ topics });
        if (
          found.length === topics.length &&
          found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
        )
          return;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async publish(topic: string, events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = encodeValidEvents(this.deps.validator, topic, events, this.options.clientId);
    await this.untilBrokerAnswers(async () => {
      await this.connect();
      await this.producer.send({ topic: this.physical(topic), acks: -1, messages });
    });
    this.deps.metrics?.publishedEvents(topic, events.length);
  }

  async publishAtomically(outbox: string, batches: readonly TopicBatch[], checkpoint: OutboxCheckpoint): Promise<void> {
    const encoded = batches.map((b) => ({
      topic: this.physical(b.topic),
      messages: encodeValidEvents(this.deps.validator, b.topic, b.events, this.options.clientId),
    }));
    await this.connect();
    const producer = await this.transactionalProducer(outbox);
    const transaction = await producer.transaction();
    try {
      for (const batch of encoded) if (batch.messages.length > 0) await transaction.send({ ...batch, acks: -1 });
      // The checkpoint rides in the same transaction as a consumer-group offset (the batch) with its
      // metadata (the epoch), so it becomes visible exactly when the events do, and reading it back is one
      // admin call.
      await transaction.sendOffsets({
        consumerGroupId: this.checkpointGroup(outbox),
        topics: [
          {
            topic: this.physical(outboxCheckpoints.name),
            // kafkajs passes offset metadata through to TxnOffsetCommit, but its types omit the field.
            partitions: [
              { partition: 0, offset: String(checkpoint.batch), metadata: checkpoint.epoch } as PartitionOffset,
            ],
          },
        ],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // A fenced or broken transactional producer cannot be reused; the next call starts a new one.
      await this.discardTransactionalProducer(outbox);
      throw error;
    }
    for (const b of batches) this.deps.metrics?.publishedEvents(b.topic, b.events.length);
  }

  async outboxCheckpoint(outbox: string): Promise<OutboxCheckpoint | undefined> {
    await this.connect();
    // A commit returns before its markers are written, and kafkajs cannot ask for stable offsets. A fresh
    // InitProducerId for the outbox's transactional id makes the coordinator finish (or abort) whatever
    // transaction is in flight first, and fences an earlier relay, so the offset read next is final.
    // (Relays read the checkpoint only when they start or recover, so this costs one round-trip then.)
    await this.discardTransactionalProducer(outbox);
    await this.transactionalProducer(outbox);
    const [topic] = await retryRetriable(() =>
      this.admin.fetchOffsets({
        groupId: this.checkpointGroup(outbox),
        topics: [this.physical(outboxCheckpoints.name)],
      }),
    );
    const committed = topic?.partitions.find((p) => p.partition === 0);
    if (committed === undefined || committed.offset === '-1') return undefined;
    return { batch: Number(committed.offset), epoch: committed.metadata ?? '' };
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    // A consumer-only service needs its topics too, and kafkajs fails a subscription to a missing one.
    await this.connect();
    const subscription = new KafkaSubscription(
      this.kafka.consumer({
        groupId: this.prefix + options.group,
        readUncommitted: false,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 500,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 },
      }),
      options,
      this,
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.subscriptions.delete(subscription);
      await subscription.stop().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  /** Rejects when the cluster does not answer within `timeoutMs`, so /readyz answers promptly either way. */
  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connect().then(() => this.admin.describeCluster()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await Promise.all([...this.transactional.values()].map((p) => p.disconnect()));
    this.transactional.clear();
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = undefined;
  }

  /** @internal used by subscriptions */
  physical(topic: string): string {
    return this.prefix + topic;
  }

  /** @internal used by subscriptions */
  logical(physicalTopic: string): string {
    return physicalTopic.startsWith(this.prefix) ? physicalTopic.slice(this.prefix.length) : physicalTopic;
  }

  /** @internal used by subscriptions */
  get deliveryDeps(): BusDependencies & { concurrency: number } {
    return { ...this.deps, concurrency: this.options.partitionsConsumedConcurrently ?? 3 };
  }

  /** @internal used by subscriptions: the dead letter goes out before the poison record is committed. */
  async writeDeadLetter(record: ConsumedRecord, reason: string, group: string): Promise<void> {
    await this.connect();
    await this.producer.send({
      topic: this.physical(deadLetterTopicOf(record.topic)),
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: deadLetterHeaders(record, reason, group) }],
    });
  }

  private async transactionalProducer(outbox: string): Promise<Producer> {
    let producer = this.transactional.get(outbox);
    if (!producer) {
      producer = this.kafka.producer({
        // One transactional id per outbox: a second relay for the same outbox fences the first (zombie fencing).
        transactionalId: `${this.prefix}outbox.${outbox}`,
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      // kafkajs sends InitProducerId for the transactional id only when the first transaction begins.
      // Doing it now is what fences an earlier relay and waits out a commit still in flight; an empty
      // transaction sends nothing else.
      await (await producer.transaction()).abort();
      this.transactional.set(outbox, producer);
    }
    return producer;
  }

  private async discardTransactionalProducer(outbox: string): Promise<void> {
    const producer = this.transactional.get(outbox);
    this.transactional.delete(outbox);
    await producer?.disconnect().catch(() => undefined);
  }

  /**
   * Retries `work` while the failure is transient (no connection, a timeout, an error kafkajs marks
   * retriable), until publishTimeoutMs. A resend cannot duplicate: the idempotent producer keeps a
   * partition's sequence number until a send succeeds, so the broker drops a batch it already has.
   */
  private async untilBrokerAnswers(work: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + (this.options.publishTimeoutMs ?? 30_000);
    let delay = 200;
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!isTransient(error) || Date.now() + delay > deadline) throw error;
        this.deps.logger.warn({ err: error }, `Kafka unreachable; publishing again in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }

  private checkpointGroup(outbox: string): string {
    return `${this.prefix}outbox-checkpoint.${outbox}`;
  }

  private log(entry: LogEntry): void {
    const { message, ...extra } = entry.log;
    const fields = { kafkajs: entry.namespace, ...extra };
    if (entry.level <= logLevel.ERROR) this.deps.logger.error(fields, message);
    else if (entry.level === logLevel.WARN) this.deps.logger.warn(fields, message);
    else this.deps.logger.debug(fields, message);
  }
}

class KafkaSubscription {
  private stopping = false;
  private stopped?: Promise<void>;
  private readonly sleeper = new Sleeper();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly bus: KafkaBus,
  ) {}

  async start(): Promise<void> {
    const { concurrency, ...deps } = this.bus.deliveryDeps;
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((t) => this.bus.physical(t)),
      fromBeginning: this.options.fromBeginning ?? false,
    });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const topic = this.bus.logical(batch.topic);
        const ctx: DeliveryContext = {
          ...deps,
          handler: this.options.handler,
          group: this.options.group,
          deadLetter: (record: ConsumedRecord, reason: string) =>
            this.bus.writeDeadLetter(record, reason, this.options.group),
          // A stale batch belongs to a partition this member lost in a rebalance: its new owner redelivers.
          stopping: () => this.stopping || !isRunning() || isStale(),
          keepAlive: heartbeat,
          sleep: (ms: number) => this.sleeper.sleep(ms),
        };
        for (const message of batch.messages) {
          if (ctx.stopping()) break;
          const outcome = await deliver(
            {
              topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: headersOf(message.headers),
            },
            ctx,
          );
          if (outcome === 'stopped') break;
          resolveOffset(message.offset);
          await heartbeat();
        }
        await commitOffsetsIfNecessary();
      },
    });
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.sleeper.wakeAll();
      // kafkajs waits for the running batch, commits the resolved offsets and leaves the group.
      await this.consumer.disconnect();
    })();
    return this.stopped;
  }
}

const TRANSIENT_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSNumberOfRetriesExceeded',
]);

/** Does this error, or one it was caused by, mean the broker may answer if asked again? */
function isTransient(error: unknown): boolean {
  for (
    let e = error as { name?: string; retriable?: boolean; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.retriable === true || (e.name !== undefined && TRANSIENT_ERRORS.has(e.name))) return true;
  }
  return false;
}

/**
 * kafkajs gives up on some errors that a moment later go away, such as the metadata of a topic created an
 * instant ago on a busy broker; it marks them `retriable`.
 */
async function retryRetriable<T>(work: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : first.toString();
  }
  return out;
}
