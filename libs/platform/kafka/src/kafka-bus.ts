import { deadLetterTopicOf, outboxCheckpoints, physicalTopics } from '@flexgrid/contracts';
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  logLevel,
  type LogEntry,
  Partitioners,
  type PartitionOffset,
  type Producer,
} from 'kafkajs';
import {
  type Bus,
  type OutboxCheckpoint,
  type OutgoingEvent,
  PublishTimeout,
  type SubscribeOptions,
  type Subscription,
  type TopicBatch,
  type TopicPartition,
} from './bus';
import { encodeValidEvents } from './cloudevents';
import {
  type BusDependencies,
  busDependencies,
  type BusOptions,
  type ConsumedRecord,
  type DeadLetterNote,
  deadLetterHeaders,
  deliver,
  deliverBatch,
  type DeliveryContext,
  type DeliveryOutcome,
  Sleeper,
} from './delivery';
import { installProduceEncoder } from './produce-encoder';
import { retry } from './retry';

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
   * The longest one publish call takes: it retries through a lost broker (a restart, a failover) until
   * then and fails with PublishTimeout, which says whether the events may already be written. Default 30 s.
   */
  publishTimeoutMs?: number;
  /**
   * A consumer that sends no heartbeat for this long loses its partitions to the other members. Handlers
   * heartbeat while they run, so this bounds how long a hung process holds a partition, not how long a
   * handler may take. Default 30 s (the broker's group.min/max.session.timeout.ms must allow it).
   */
  sessionTimeoutMs?: number;
  /** How often a consumer heartbeats, also while a handler runs. Default 3 s; keep it under a third of the session. */
  heartbeatIntervalMs?: number;
  /**
   * How long the group waits for every member to rejoin in a rebalance: a member whose handler runs longer
   * than this is dropped and its partitions are handled elsewhere. Default 60 s.
   */
  rebalanceTimeoutMs?: number;
  /**
   * The most one fetch takes from a partition. Larger fetches mean fewer round trips on a backlog (8 MiB
   * consumes a backlog about twice as fast as kafkajs's 1 MiB), at the cost of memory: one fetch holds at
   * most four times this over all its partitions. Default 8 MiB; lower it for a small container.
   */
  fetchMaxBytesPerPartition?: number;
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
  private reaper?: KafkajsCluster;

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
          ...(t.config.maxMessageBytes ? [{ name: 'max.message.bytes', value: String(t.config.maxMessageBytes) }] : []),
        ],
      })),
    });
    await this.waitForLeaders(missing.map((t) => t.name));
    this.deps.logger.info({ topics: missing.map((t) => t.name) }, 'created topics');
  }

  /** Waits until every partition of `topics` has a leader, so the first publish does not fail. */
  async waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    await retry(
      async () => {
        const { topics: found } = await this.admin.fetchTopicMetadata({ topics });
        const led = found.length === topics.length && found.every((t) => t.partitions.every((p) => p.leader >= 0));
        if (!led || found.some((t) => t.partitions.length === 0)) throw new LeaderNotYetElected(topics, timeoutMs);
      },
      {
        retriable: (error) => error instanceof LeaderNotYetElected || isRetriable(error),
        initialDelayMs: 100,
        maxDelayMs: 100,
        deadline: Date.now() + timeoutMs,
      },
    );
  }

  async publish(topic: string, events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = encodeValidEvents(this.deps.validator, topic, events, this.options.clientId);
    await this.measured([{ topic, events }], () =>
      this.withinPublishLimit(topic, async (sending) => {
        await this.connect();
        sending();
        await this.producer.send({ topic: this.physical(topic), acks: -1, messages });
      }),
    );
  }

  async publishAtomically(outbox: string, batches: readonly TopicBatch[], checkpoint: OutboxCheckpoint): Promise<void> {
    const encoded = batches.map((b) => ({
      topic: this.physical(b.topic),
      messages: encodeValidEvents(this.deps.validator, b.topic, b.events, this.options.clientId),
    }));
    const topics = batches.map((b) => b.topic).join(', ');
    try {
      await this.measured(batches, () =>
        this.withinPublishLimit(topics || `the checkpoint of outbox ${outbox}`, async (sending) => {
          await this.connect();
          const producer = await this.transactionalProducer(outbox);
          const transaction = await producer.transaction();
          sending();
          try {
            for (const batch of encoded) if (batch.messages.length > 0) await transaction.send({ ...batch, acks: -1 });
            // The checkpoint rides in the same transaction as a consumer-group offset (the batch) with its
            // metadata (the epoch), so it becomes visible exactly when the events do, and reading it back is
            // one admin call.
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
            throw error;
          }
        }),
      );
    } catch (error) {
      // A fenced, broken or abandoned transactional producer cannot be reused; the next call starts a new
      // one, whose InitProducerId also ends whatever this one left open.
      await this.discardTransactionalProducer(outbox);
      throw error;
    }
  }

  /** Runs a publish and records its metrics per topic. */
  private async measured(batches: readonly TopicBatch[], publish: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await publish();
    } catch (error) {
      for (const b of batches) this.deps.metrics?.publishFailed(b.topic);
      throw error;
    }
    const ms = performance.now() - started;
    for (const b of batches) this.deps.metrics?.publishedEvents(b.topic, b.events.length, ms);
  }

  /**
   * Runs a send, retrying while the broker is unreachable, and fails with PublishTimeout once
   * publishTimeoutMs has passed, even while kafkajs is still retrying inside a send (it has no way to cancel
   * one: that send goes on in the background, which is why the error may say the events may be written).
   * A resend cannot duplicate: the idempotent producer keeps a partition's sequence number until a send
   * succeeds, so the broker drops a batch it already has.
   */
  private async withinPublishLimit(destination: string, send: (sending: () => void) => Promise<void>): Promise<void> {
    const limitMs = this.options.publishTimeoutMs ?? 30_000;
    const abandoned = new AbortController();
    let mayBeWritten = false;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandoned.abort();
        reject(new PublishTimeout(destination, limitMs, mayBeWritten));
      }, limitMs);
    });
    const attempts = retry(() => send(() => (mayBeWritten = true)), {
      retriable: isTransient,
      initialDelayMs: 200,
      maxDelayMs: 2_000,
      signal: abandoned.signal,
      // An abandoned publish must not keep a timer (and the process) alive.
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          const wait = setTimeout(resolve, ms);
          abandoned.signal.addEventListener('abort', () => (clearTimeout(wait), resolve()), { once: true });
        }),
      onRetry: (error, delay) =>
        this.deps.logger.warn({ err: error, destination }, `Kafka unreachable; publishing again in ${delay} ms`),
    });
    try {
      await Promise.race([attempts, expired]);
    } finally {
      clearTimeout(timer);
      // What an abandoned attempt does later is no longer the caller's concern.
      attempts.catch(() => undefined);
    }
  }

  async outboxCheckpoint(outbox: string): Promise<OutboxCheckpoint | undefined> {
    await this.connect();
    // A commit returns before its markers are written, and kafkajs cannot ask for stable offsets. A fresh
    // InitProducerId for the outbox's transactional id makes the coordinator finish (or abort) whatever
    // transaction is in flight first, and fences an earlier relay, so the offset read next is final.
    // (Relays read the checkpoint only when they start or recover, so this costs one round-trip then.)
    await this.discardTransactionalProducer(outbox);
    await this.transactionalProducer(outbox);
    const [topic] = await retry(
      () =>
        this.admin.fetchOffsets({
          groupId: this.checkpointGroup(outbox),
          topics: [this.physical(outboxCheckpoints.name)],
        }),
      retriableOnly,
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
        sessionTimeout: this.consumerTimings.sessionTimeoutMs,
        heartbeatInterval: this.consumerTimings.heartbeatIntervalMs,
        rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60_000,
        maxWaitTimeInMs: options.batch?.maxWaitMs ?? this.options.fetchMaxWaitMs ?? 500,
        // A batch subscription lets the broker gather about a batch's worth (records of a few hundred bytes)
        // before answering, within maxWaitMs.
        minBytes: options.batch ? Math.min(options.batch.maxRecords * 256, 1 << 20) : 1,
        maxBytesPerPartition: this.options.fetchMaxBytesPerPartition ?? 8 << 20,
        maxBytes: 4 * (this.options.fetchMaxBytesPerPartition ?? 8 << 20),
        // After a broker outage the consumer must come back within seconds of the broker: retries never
        // stop and never wait long.
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 1_000 },
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
      pause: () => subscription.pause(),
      resume: () => subscription.resume(),
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
    await Promise.all([this.producer.disconnect(), this.admin.disconnect(), this.reaper?.disconnect()]);
    this.reaper = undefined;
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

  /** @internal used by subscriptions */
  get consumerTimings(): { sessionTimeoutMs: number; heartbeatIntervalMs: number } {
    return {
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 3_000,
    };
  }

  /** @internal used by subscriptions: the dead letter goes out before the poison record is committed. */
  async writeDeadLetter(record: ConsumedRecord, note: DeadLetterNote, group: string): Promise<void> {
    await this.connect();
    await this.producer.send({
      topic: this.physical(deadLetterTopicOf(record.topic)),
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: deadLetterHeaders(record, note, group) }],
    });
  }

  /**
   * @internal used by subscriptions: removes a group member that a restarted consumer left behind. kafkajs
   * restarts a consumer that lost every broker as a new member; once the broker is back, the group would
   * wait out the old member's whole session timeout before it assigns anything. kafkajs has no public
   * LeaveGroup for another member id, so this uses its cluster (kafkajs is pinned, see README), on a client
   * that fails fast so that it can be asked again every half second.
   */
  async leaveGroup(group: string, memberId: string): Promise<'left' | 'unknown'> {
    const reaper = (this.reaper ??= createCluster(
      new Kafka({
        clientId: `${this.options.clientId}-leave-group`,
        brokers: [...this.options.brokers],
        ssl: this.options.ssl,
        sasl: this.options.sasl,
        connectionTimeout: 1_000,
        requestTimeout: 2_000,
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
      }),
    ));
    const groupId = this.prefix + group;
    try {
      await reaper.connect();
      await reaper.refreshMetadata();
      const coordinator = await reaper.findGroupCoordinator({ groupId });
      await coordinator.leaveGroup({ groupId, memberId });
      return 'left';
    } catch (error) {
      if ((error as { type?: string }).type === 'UNKNOWN_MEMBER_ID') return 'unknown';
      // A client that failed starts afresh next time (its broker may have moved); stop() may have gone first.
      await reaper.disconnect().catch(() => undefined);
      if (this.reaper === reaper) this.reaper = undefined;
      throw error;
    }
  }

  /**
   * @internal used by subscriptions: what the group's members recorded about failing records, per
   * partition of `physicalTopic` (see KafkaSubscription.rememberAttempts).
   */
  async attemptNotes(group: string, physicalTopic: string): Promise<Map<number, AttemptNote>> {
    await this.connect();
    const [topic] = await retry(
      () => this.admin.fetchOffsets({ groupId: this.prefix + group, topics: [physicalTopic] }),
      retriableOnly,
    );
    const notes = new Map<number, AttemptNote>();
    for (const p of topic?.partitions ?? []) {
      const attempts = parseAttempts(p.metadata);
      if (attempts !== undefined) notes.set(p.partition, { offset: p.offset, attempts });
    }
    return notes;
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

  private checkpointGroup(outbox: string): string {
    return `${this.prefix}outbox-checkpoint.${outbox}`;
  }

  private log(entry: LogEntry): void {
    const { message, ...extra } = entry.log;
    this.deps.logger[levelOfKafkajsLog(entry.level, message, extra.error)](
      { kafkajs: entry.namespace, ...extra },
      message,
    );
  }
}

/**
 * Commits one partition's handled offsets without holding up the next batch: at most one commit is in
 * flight, and offsets handled meanwhile are folded into the next one. A round trip per batch would
 * otherwise cost more than handling the batch.
 */
class OffsetCommitter {
  private inFlight?: Promise<void>;
  private next?: string;
  private failure?: unknown;
  /** The offset of the last note: committing it again without the note would erase it. */
  private noted?: bigint;

  constructor(private readonly commit: (offset: string, metadata?: string | null) => Promise<void>) {}

  /** Commits `offset` (the next offset to read) once the commit in flight, if any, is done. */
  commitSoon(offset: string): void {
    if (this.noted !== undefined && BigInt(offset) <= this.noted) return;
    this.next = offset;
    this.inFlight ??= this.drain();
  }

  /** Resolves once every offset passed to commitSoon is committed; rejects with a commit's failure. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /**
   * Commits the failing record's own offset with a note in its metadata. It covers every record before it,
   * so pending and later commits up to that offset are dropped: landing after the note, they would erase it.
   */
  async note(offset: string, metadata: string): Promise<void> {
    await this.flush();
    this.next = undefined;
    await this.commit(offset, metadata);
    this.noted = BigInt(offset);
  }

  private async drain(): Promise<void> {
    try {
      while (this.next !== undefined) {
        const offset = this.next;
        this.next = undefined;
        // A later commit covers an earlier one, so only the last commit's outcome counts.
        this.failure = undefined;
        await this.commit(offset).catch((error: unknown) => (this.failure = error));
      }
    } finally {
      this.inFlight = undefined;
    }
  }
}

/** Heartbeat answers that mean a rebalance is under way, or this member is no longer in the group. */
const LOSING_PARTITIONS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/** Where a member left off with a failing record: its offset and the handler calls made so far. */
interface AttemptNote {
  offset: string;
  attempts: number;
}

const ATTEMPTS_NOTE_PREFIX = 'flexgrid-attempts:';

function parseAttempts(metadata: string | null): number | undefined {
  if (!metadata?.startsWith(ATTEMPTS_NOTE_PREFIX)) return undefined;
  const attempts = Number(metadata.slice(ATTEMPTS_NOTE_PREFIX.length));
  return Number.isSafeInteger(attempts) && attempts > 0 ? attempts : undefined;
}

class KafkaSubscription {
  private stopping = false;
  private stopped?: Promise<void>;
  private readonly sleeper = new Sleeper();
  /** Partitions this member owns, by physical topic, as the last group join gave them. */
  private assignment = new Map<string, number[]>();
  /** The group's notes on failing records, read once per topic after each join. */
  private attemptNotes = new Map<string, Promise<Map<number, AttemptNote>>>();
  private revoking: Promise<void> = Promise.resolve();
  private memberId?: string;
  /** Old members of this consumer still leaving the group (see leaveOrphan). */
  private readonly orphans: Promise<void>[] = [];

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly bus: KafkaBus,
  ) {}

  async start(): Promise<void> {
    const { concurrency } = this.bus.deliveryDeps;
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.memberId = payload.memberId;
      this.joined(payload.memberAssignment);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart || this.memberId === undefined) return;
      this.orphans.push(this.leaveOrphan(this.memberId));
      this.memberId = undefined;
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics.map((t) => this.bus.physical(t)),
      fromBeginning: this.options.fromBeginning ?? false,
    });
    await this.consumer.run({
      // consume() commits (see there).
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? concurrency,
      eachBatch: (payload) => this.consume(payload),
    });
  }

  pause(): void {
    this.consumer.pause(this.options.topics.map((t) => ({ topic: this.bus.physical(t) })));
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((t) => ({ topic: this.bus.physical(t) })));
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.sleeper.wakeAll();
      // kafkajs waits for the running batches (each commits what it handled) and leaves the group.
      await this.consumer.disconnect();
      this.joined({});
      await Promise.all([this.revoking, ...this.orphans]);
    })();
    return this.stopped;
  }

  private async consume(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const topic = this.bus.logical(batch.topic);
    const deps = this.bus.deliveryDeps;
    // The batch's own commit, unlike consumer.commitOffsets, still commits while the consumer stops, and
    // kafkajs passes offset metadata through (its types omit the field).
    const commit = (offset: string, metadata: string | null = null) =>
      payload.commitOffsetsIfNecessary({
        topics: [
          { topic: batch.topic, partitions: [{ partition: batch.partition, offset, metadata } as PartitionOffset] },
        ],
      });
    // Offsets are committed here rather than by kafkajs's auto-commit, which would overwrite the attempts
    // note (kafkajs keeps no offset metadata of its own): after each batch handler, at least every second
    // for single events, and however this call ends.
    const committer = new OffsetCommitter(commit);
    let lost = false;
    let handled: string | undefined;
    let lastCommit = Date.now();
    const ctx: DeliveryContext = {
      ...deps,
      retry: { ...deps.retry, ...this.options.retry },
      group: this.options.group,
      deadLetter: (record, note) => this.bus.writeDeadLetter(record, note, this.options.group),
      // A partition that a rebalance is taking away, or that is being moved by a seek, is left to its next
      // owner (or the next fetch) before anything else is done with it.
      stopping: () => this.stopping || lost || !isRunning() || isStale(),
      keepAlive: async () => {
        try {
          await heartbeat();
        } catch (error) {
          if (LOSING_PARTITIONS.has((error as { type?: string }).type ?? '')) {
            lost = true;
            // Cut the backoff short: the group waits for this member to rejoin.
            this.sleeper.wakeAll();
          }
          throw error;
        }
      },
      keepAliveEveryMs: this.bus.consumerTimings.heartbeatIntervalMs,
      // The failing record's own offset is committed (so nothing from it on counts as handled) with the
      // calls made so far in the offset metadata, where the partition's next owner reads it back.
      rememberAttempts: async (record, attempts) => {
        try {
          await committer.note(record.offset, `${ATTEMPTS_NOTE_PREFIX}${attempts}`);
        } catch (error) {
          deps.logger.debug({ err: error, topic }, 'could not record the attempts; the partition is moving');
        }
      },
      sleep: (ms: number) => this.sleeper.sleep(ms),
    };
    const records: ConsumedRecord[] = batch.messages.map((message) => ({
      topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      value: message.value?.toString() ?? null,
      headers: headersOf(message.headers),
    }));
    let priorAttempts = await this.priorAttempts(batch.topic, batch.partition, records[0]?.offset);
    const size = this.options.batch?.maxRecords ?? 1;
    try {
      for (let from = 0; from < records.length && !ctx.stopping(); from += size) {
        const chunk = records.slice(from, from + size);
        const outcome: DeliveryOutcome = this.options.handleBatch
          ? await deliverBatch(chunk, this.options.handleBatch, ctx, priorAttempts)
          : await deliver(chunk[0], this.options.handler, ctx, priorAttempts);
        if (outcome === 'stopped') break;
        priorAttempts = 0;
        const last = chunk[chunk.length - 1].offset;
        resolveOffset(last);
        handled = String(BigInt(last) + 1n);
        const lag = Number(batch.highWatermark) - Number(handled);
        ctx.metrics?.consumerLag(topic, this.options.group, batch.partition, lag);
        if (this.options.handleBatch || Date.now() - lastCommit >= 1_000) {
          committer.commitSoon(handled);
          lastCommit = Date.now();
        }
        await heartbeat();
      }
    } finally {
      // Also when a heartbeat reports a rebalance: the group still takes commits of the ending generation.
      if (handled !== undefined) committer.commitSoon(handled);
      await committer
        .flush()
        .catch((error) =>
          deps.logger.warn({ err: error, topic }, 'could not commit handled offsets; they will be delivered again'),
        );
    }
  }

  private async priorAttempts(physicalTopic: string, partition: number, offset: string | undefined): Promise<number> {
    if (offset === undefined) return 0;
    let notes = this.attemptNotes.get(physicalTopic);
    if (!notes) {
      notes = this.bus.attemptNotes(this.options.group, physicalTopic).catch((error) => {
        this.bus.deliveryDeps.logger.warn({ err: error, topic: physicalTopic }, 'could not read the attempts so far');
        return new Map<number, AttemptNote>();
      });
      this.attemptNotes.set(physicalTopic, notes);
    }
    const note = (await notes).get(partition);
    if (note?.offset !== offset) return 0;
    // A note is the starting point once: from here on this member counts.
    (await notes).delete(partition);
    return note.attempts;
  }

  /**
   * The consumer crashed (every broker lost) and kafkajs restarts it as a new member: the old one must leave
   * the group as soon as a broker answers, or the group waits for it for a whole session timeout.
   */
  private async leaveOrphan(memberId: string): Promise<void> {
    const giveUpAt = Date.now() + 10 * 60_000;
    while (!this.stopping && Date.now() < giveUpAt) {
      try {
        const outcome = await this.bus.leaveGroup(this.options.group, memberId);
        const { logger } = this.bus.deliveryDeps;
        logger.info({ group: this.options.group, memberId, outcome }, 'the consumer restarted; its old member left');
        return;
      } catch (error) {
        this.bus.deliveryDeps.logger.debug({ err: error, memberId }, 'the old member cannot leave yet');
        await this.sleeper.sleep(500);
      }
    }
  }

  /** A group join (or the stop) gives this member a new assignment: what it no longer has was revoked. */
  private joined(assignment: Record<string, number[]>): void {
    const revoked: TopicPartition[] = [];
    for (const [physicalTopic, partitions] of this.assignment) {
      const kept = new Set(assignment[physicalTopic] ?? []);
      for (const partition of partitions) {
        if (!kept.has(partition)) revoked.push({ topic: this.bus.logical(physicalTopic), partition });
      }
    }
    this.assignment = new Map(Object.entries(assignment));
    this.attemptNotes.clear();
    const { metrics } = this.bus.deliveryDeps;
    for (const { topic, partition } of revoked) metrics?.partitionRevoked(topic, this.options.group, partition);
    const hook = this.options.onPartitionsRevoked;
    if (!hook || revoked.length === 0) return;
    this.revoking = this.revoking
      .then(() => hook(revoked))
      .catch((error) => this.bus.deliveryDeps.logger.error({ err: error, revoked }, 'onPartitionsRevoked failed'));
  }
}

/**
 * kafkajs warns that an idempotent producer with bounded retries may break exactly-once. The bound is ours
 * on purpose (publishTimeoutMs), and a publish that gives up either resends with the same producer, whose
 * sequence numbers let the broker drop what it already has, or reports that the events may be written.
 */
const BOUNDED_IDEMPOTENT_RETRIES = 'Limiting retries for the idempotent producer';

/**
 * Broker errors kafkajs retries by itself, but logs as errors at each attempt (tulios/kafkajs#1315): a transaction
 * begun right after the previous commit meets CONCURRENT_TRANSACTIONS until the coordinator has completed it, and
 * a leader moving answers NOT_LEADER or LEADER_NOT_AVAILABLE until the metadata is refreshed. An attempt is no
 * failure; one that outlasts the retries reaches the caller, which reports it, and a consumer's crash
 * (`Crash: KafkaJSNumberOfRetriesExceeded: <the same message>`) stays an error.
 */
const RETRIED_BY_KAFKAJS = [
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
  'This server is not the leader for that topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
];

/** The level a kafkajs log entry is logged at: its own, less what is deliberate (above) or retried by kafkajs. */
export function levelOfKafkajsLog(level: logLevel, message: string, error: unknown): 'error' | 'warn' | 'debug' {
  if (level <= logLevel.ERROR)
    return RETRIED_BY_KAFKAJS.some((retried) => error === retried || message === `Failed to send messages: ${retried}`)
      ? 'debug'
      : 'error';
  if (level === logLevel.WARN) return message.startsWith(BOUNDED_IDEMPOTENT_RETRIES) ? 'debug' : 'warn';
  return 'debug';
}

/** The part of kafkajs's internal Cluster that leaveGroup uses. */
interface KafkajsCluster {
  connect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<{
    leaveGroup(request: { groupId: string; memberId: string }): Promise<unknown>;
  }>;
}

function createCluster(kafka: Kafka): KafkajsCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!key) throw new Error('kafkajs changed: Kafka has no createCluster (kafkajs is pinned to 2.2.4)');
  const create = (kafka as unknown as Record<symbol, (options: object) => KafkajsCluster>)[key];
  return create({ allowAutoTopicCreation: false });
}

class LeaderNotYetElected extends Error {
  constructor(topics: string[], timeoutMs: number) {
    super(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
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

function isRetriable(error: unknown): boolean {
  return (error as { retriable?: boolean }).retriable === true;
}

/**
 * kafkajs gives up on some errors that a moment later go away, such as the metadata of a topic created an
 * instant ago on a busy broker; it marks them `retriable`.
 */
const retriableOnly = { retriable: isRetriable, initialDelayMs: 200, maxDelayMs: 3_200, attempts: 6 };

function headersOf(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : first.toString();
  }
  return out;
}
