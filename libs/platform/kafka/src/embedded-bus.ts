import { deadLetterTopicOf, physicalTopics } from '@flexgrid/contracts';
import type {
  Bus,
  BusLogger,
  RetryPolicy,
  OutboxCheckpoint,
  OutgoingEvent,
  SubscribeOptions,
  Subscription,
  TopicBatch,
  TopicPartition,
} from './bus';
import { type EncodedRecord, encodeValidEvents } from './cloudevents';
import {
  type BusDependencies,
  busDependencies,
  type BusOptions,
  type ConsumedRecord,
  deadLetterHeaders,
  deliver,
  deliverBatch,
  type DeliveryContext,
  type DeliveryOutcome,
  Sleeper,
} from './delivery';

export interface EmbeddedBusOptions extends BusOptions {
  /** Default CloudEvents source. */
  source: string;
  /** Oldest records are dropped past this many per partition, like a size-based retention. */
  maxRecordsPerPartition?: number;
}

interface StoredRecord extends EncodedRecord {
  offset: number;
}

/** One partition's log: records keep their offsets when old ones are dropped. */
class PartitionLog {
  records: StoredRecord[] = [];
  /** Offset of records[0]. */
  base = 0;
  private waiters = new Set<() => void>();

  get end(): number {
    return this.base + this.records.length;
  }

  append(record: EncodedRecord, maxRecords: number): void {
    this.records.push({ ...record, offset: this.end });
    if (this.records.length > maxRecords) {
      const drop = this.records.length - maxRecords;
      this.records.splice(0, drop);
      this.base += drop;
    }
  }

  at(offset: number): StoredRecord | undefined {
    return this.records[Math.max(offset, this.base) - this.base];
  }

  /** Resolves when a record is appended (or on wake()). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}

/**
 * An in-process Bus with Kafka's semantics, for the dev host (`npm start`): topics and partitions from the
 * catalog, partition by key hash, consumer groups sharing partitions, committed offsets, redelivery after a
 * handler error, and dead-letter topics. It lives in memory and is gone when the process ends.
 */
export class EmbeddedBus implements Bus {
  readonly description = 'embedded (in-process)';
  readonly durable = false;
  private readonly logs = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, EmbeddedGroup>();
  private readonly checkpoints = new Map<string, OutboxCheckpoint>();
  private readonly deps: BusDependencies;
  private readonly maxRecords: number;

  constructor(private readonly options: EmbeddedBusOptions) {
    this.deps = busDependencies(options);
    this.maxRecords = options.maxRecordsPerPartition ?? 100_000;
    for (const t of physicalTopics(this.deps.validator.topics)) {
      this.logs.set(
        t.name,
        Array.from({ length: t.config.partitions }, () => new PartitionLog()),
      );
    }
  }

  async publish(topic: string, events: readonly OutgoingEvent[]): Promise<void> {
    const started = performance.now();
    const encoded = encodeValidEvents(this.deps.validator, topic, events, this.options.source);
    for (const record of encoded) this.append(topic, record);
    this.deps.metrics?.publishedEvents(topic, events.length, performance.now() - started);
  }

  async publishAtomically(outbox: string, batches: readonly TopicBatch[], checkpoint: OutboxCheckpoint): Promise<void> {
    // Encode everything first: one invalid event must leave nothing published.
    const started = performance.now();
    const encoded = batches.map((b) => ({
      topic: b.topic,
      records: encodeValidEvents(this.deps.validator, b.topic, b.events, this.options.source),
    }));
    for (const b of encoded) for (const record of b.records) this.append(b.topic, record);
    this.checkpoints.set(outbox, { ...checkpoint });
    const ms = performance.now() - started;
    for (const b of batches) this.deps.metrics?.publishedEvents(b.topic, b.events.length, ms);
  }

  async outboxCheckpoint(outbox: string): Promise<OutboxCheckpoint | undefined> {
    const checkpoint = this.checkpoints.get(outbox);
    return checkpoint && { ...checkpoint };
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    for (const topic of options.topics) this.partitions(topic);
    let group = this.groups.get(options.group);
    if (!group) {
      group = new EmbeddedGroup(options.group, this);
      this.groups.set(options.group, group);
    }
    const member = new EmbeddedMember(options, options.concurrency ?? Number.POSITIVE_INFINITY);
    group.join(member);
    return { stop: () => group.leave(member), pause: () => member.pause(), resume: () => member.resume() };
  }

  /** Always reachable: it lives in this process. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.leaveAll()));
  }

  /** Records of one partition, for tests and the dev host's inspection. */
  read(topic: string, partition: number): readonly ConsumedRecord[] {
    return this.partitions(topic)[partition].records.map((r) => toConsumed(topic, partition, r));
  }

  /** @internal */
  partitions(topic: string): PartitionLog[] {
    const logs = this.logs.get(topic);
    if (!logs) throw new Error(`topic ${topic} does not exist (topics come from the catalog)`);
    return logs;
  }

  /** @internal */
  get deliveryLogger(): BusLogger {
    return this.deps.logger;
  }

  /** @internal */
  deliveryContext(
    group: EmbeddedGroup,
    key: string,
    retry: Partial<RetryPolicy> | undefined,
    sleeper: Sleeper,
    stopping: () => boolean,
  ): DeliveryContext {
    return {
      ...this.deps,
      retry: { ...this.deps.retry, ...retry },
      group: group.name,
      deadLetter: async (record, note) => {
        this.append(deadLetterTopicOf(record.topic), {
          key: record.key ?? '',
          value: record.value ?? '',
          headers: deadLetterHeaders(record, note, group.name),
        });
      },
      rememberAttempts: async (record, attempts) =>
        void group.attempts.set(key, { offset: Number(record.offset), attempts }),
      stopping,
      sleep: (ms) => sleeper.sleep(ms),
    };
  }

  /** Appends a record that bypasses validation: how tests put a poison record on a topic. */
  appendRaw(topic: string, record: EncodedRecord): void {
    this.append(topic, record);
  }

  private append(topic: string, record: EncodedRecord): void {
    const logs = this.partitions(topic);
    const log = logs[partitionOf(record.key, logs.length)];
    log.append(record, this.maxRecords);
    log.wake();
  }
}

/** One subscription in a group: its options, and the pause and concurrency limits its partitions share. */
class EmbeddedMember {
  private pausedUntil?: { promise: Promise<void>; resume: () => void };
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly options: SubscribeOptions,
    private readonly concurrency: number,
  ) {}

  pause(): void {
    if (this.pausedUntil) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => (resume = r));
    this.pausedUntil = { promise, resume };
  }

  resume(): void {
    this.pausedUntil?.resume();
    this.pausedUntil = undefined;
  }

  /** Resolves when the member is not paused; `wake` lets a stop cut the wait short. */
  unpaused(wake: Promise<void>): Promise<void> {
    return this.pausedUntil ? Promise.race([this.pausedUntil.promise, wake]) : Promise.resolve();
  }

  /** Runs `work` once fewer than `concurrency` of this member's partitions are being handled. */
  async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }
}

/** A consumer group: committed offsets per partition, and the partitions spread over its members. */
class EmbeddedGroup {
  readonly committed = new Map<string, number>();
  /** Handler calls made on the record at a partition's committed offset, for its next owner. */
  readonly attempts = new Map<string, { offset: number; attempts: number }>();
  private members: EmbeddedMember[] = [];
  private workers: PartitionWorker[] = [];
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly bus: EmbeddedBus,
  ) {}

  join(member: EmbeddedMember): void {
    this.members.push(member);
    void this.rebalance();
  }

  leave(member: EmbeddedMember): Promise<void> {
    this.members = this.members.filter((m) => m !== member);
    return this.rebalance();
  }

  leaveAll(): Promise<void> {
    this.members = [];
    return this.rebalance();
  }

  /**
   * Stops every worker (each finishes and commits its work in hand), tells each member which partitions it
   * lost, then deals the partitions out again.
   */
  private rebalance(): Promise<void> {
    this.rebalancing = this.rebalancing.then(async () => {
      const before = this.workers;
      await Promise.all(before.map((w) => w.stop()));
      this.workers = [];
      const topics = new Set(this.members.flatMap((m) => m.options.topics));
      for (const topic of topics) {
        const subscribers = this.members.filter((m) => m.options.topics.includes(topic));
        this.bus.partitions(topic).forEach((log, partition) => {
          const member = subscribers[partition % subscribers.length];
          const key = `${topic}/${partition}`;
          if (!this.committed.has(key)) this.committed.set(key, member.options.fromBeginning ? log.base : log.end);
          this.workers.push(new PartitionWorker(this, member, topic, partition, log));
        });
      }
      await Promise.all(
        before
          .map((w) => w.member)
          .filter(unique)
          .map((member) => this.revoke(member, before)),
      );
      for (const worker of this.workers) worker.start();
    });
    return this.rebalancing;
  }

  private async revoke(member: EmbeddedMember, before: readonly PartitionWorker[]): Promise<void> {
    const kept = new Set(this.workers.filter((w) => w.member === member).map((w) => w.key));
    const revoked: TopicPartition[] = before
      .filter((w) => w.member === member && !kept.has(w.key))
      .map((w) => ({ topic: w.topic, partition: w.partition }));
    if (revoked.length === 0 || !member.options.onPartitionsRevoked) return;
    try {
      await member.options.onPartitionsRevoked(revoked);
    } catch (error) {
      this.bus.deliveryLogger.error({ err: error, revoked }, 'onPartitionsRevoked failed');
    }
  }
}

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}

/** Delivers one partition's records in order to one member, committing after each handled record or batch. */
class PartitionWorker {
  readonly key: string;
  private stopping = false;
  private running?: Promise<void>;
  private readonly sleeper = new Sleeper();
  private stopped!: () => void;
  private readonly stopSignal = new Promise<void>((resolve) => (this.stopped = resolve));

  constructor(
    private readonly group: EmbeddedGroup,
    readonly member: EmbeddedMember,
    readonly topic: string,
    readonly partition: number,
    private readonly log: PartitionLog,
  ) {
    this.key = `${topic}/${partition}`;
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped();
    this.sleeper.wakeAll();
    this.log.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { options } = this.member;
    const ctx = this.group.bus.deliveryContext(this.group, this.key, options.retry, this.sleeper, () => this.stopping);
    const size = options.batch?.maxRecords ?? 1;
    while (!this.stopping) {
      await this.member.unpaused(this.stopSignal);
      if (this.stopping) return;
      const offset = Math.max(this.group.committed.get(this.key) ?? 0, this.log.base);
      const records: StoredRecord[] = [];
      for (let next = offset; records.length < size; next++) {
        const record = this.log.at(next);
        if (!record) break;
        records.push(record);
      }
      if (records.length === 0) {
        await this.log.changed();
        continue;
      }
      const consumed = records.map((r) => toConsumed(this.topic, this.partition, r));
      const note = this.group.attempts.get(this.key);
      const priorAttempts = note?.offset === offset ? note.attempts : 0;
      const outcome: DeliveryOutcome = await this.member.limited(() =>
        options.handleBatch
          ? deliverBatch(consumed, options.handleBatch, ctx, priorAttempts)
          : deliver(consumed[0], options.handler, ctx, priorAttempts),
      );
      if (outcome === 'stopped') return;
      this.group.attempts.delete(this.key);
      const next = offset + records.length;
      this.group.committed.set(this.key, next);
      ctx.metrics?.consumerLag(this.topic, this.group.name, this.partition, this.log.end - next);
      // Let other partitions and the publisher run between records, as network I/O would.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

function toConsumed(topic: string, partition: number, record: StoredRecord): ConsumedRecord {
  return {
    topic,
    partition,
    offset: String(record.offset),
    key: record.key,
    value: record.value,
    headers: { ...record.headers },
  };
}

/** FNV-1a over the key: stable, so one key always lands in one partition. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
