import { deadLetterTopicOf, physicalTopics } from '@flexgrid/contracts';
import type { Bus, OutboxCheckpoint, OutgoingEvent, SubscribeOptions, Subscription, TopicBatch } from './bus';
import { type EncodedRecord, encodeValidEvents } from './cloudevents';
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
    const encoded = encodeValidEvents(this.deps.validator, topic, events, this.options.source);
    for (const record of encoded) this.append(topic, record);
    this.deps.metrics?.publishedEvents(topic, events.length);
  }

  async publishAtomically(outbox: string, batches: readonly TopicBatch[], checkpoint: OutboxCheckpoint): Promise<void> {
    // Encode everything first: one invalid event must leave nothing published.
    const encoded = batches.map((b) => ({
      topic: b.topic,
      records: encodeValidEvents(this.deps.validator, b.topic, b.events, this.options.source),
    }));
    for (const b of encoded) for (const record of b.records) this.append(b.topic, record);
    this.checkpoints.set(outbox, { ...checkpoint });
    for (const b of batches) this.deps.metrics?.publishedEvents(b.topic, b.events.length);
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
    const member = group.join(options);
    return { stop: () => group.leave(member) };
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
  deliveryContext(
    group: string,
    options: SubscribeOptions,
    sleeper: Sleeper,
    stopping: () => boolean,
  ): DeliveryContext {
    return {
      ...this.deps,
      handler: options.handler,
      group,
      deadLetter: async (record, reason) => {
        this.append(deadLetterTopicOf(record.topic), {
          key: record.key ?? '',
          value: record.value ?? '',
          headers: deadLetterHeaders(record, reason, group),
        });
      },
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

/** A consumer group: committed offsets per partition, and the partitions spread over its members. */
class EmbeddedGroup {
  readonly committed = new Map<string, number>();
  private members: SubscribeOptions[] = [];
  private workers: PartitionWorker[] = [];
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly bus: EmbeddedBus,
  ) {}

  join(member: SubscribeOptions): SubscribeOptions {
    this.members.push(member);
    void this.rebalance();
    return member;
  }

  leave(member: SubscribeOptions): Promise<void> {
    this.members = this.members.filter((m) => m !== member);
    return this.rebalance();
  }

  leaveAll(): Promise<void> {
    this.members = [];
    return this.rebalance();
  }

  /** Stops every worker (each finishes and commits its event in hand), then deals the partitions out again. */
  private rebalance(): Promise<void> {
    this.rebalancing = this.rebalancing.then(async () => {
      await Promise.all(this.workers.map((w) => w.stop()));
      this.workers = [];
      const topics = new Set(this.members.flatMap((m) => m.topics));
      for (const topic of topics) {
        const subscribers = this.members.filter((m) => m.topics.includes(topic));
        this.bus.partitions(topic).forEach((log, partition) => {
          const member = subscribers[partition % subscribers.length];
          const key = `${topic}/${partition}`;
          if (!this.committed.has(key)) this.committed.set(key, member.fromBeginning ? log.base : log.end);
          const worker = new PartitionWorker(this, member, topic, partition, log);
          this.workers.push(worker);
          worker.start();
        });
      }
    });
    return this.rebalancing;
  }
}

/** Delivers one partition's records in order to one member, committing after each handled record. */
class PartitionWorker {
  private stopping = false;
  private running?: Promise<void>;
  private readonly sleeper = new Sleeper();

  constructor(
    private readonly group: EmbeddedGroup,
    private readonly options: SubscribeOptions,
    private readonly topic: string,
    private readonly partition: number,
    private readonly log: PartitionLog,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.wakeAll();
    this.log.wake();
    await this.running;
  }

  private async loop(): Promise<void> {
    const key = `${this.topic}/${this.partition}`;
    const ctx = this.group.bus.deliveryContext(this.group.name, this.options, this.sleeper, () => this.stopping);
    while (!this.stopping) {
      const offset = Math.max(this.group.committed.get(key) ?? 0, this.log.base);
      const record = this.log.at(offset);
      if (!record) {
        await this.log.changed();
        continue;
      }
      const outcome = await deliver(toConsumed(this.topic, this.partition, record), ctx);
      if (outcome === 'stopped') return;
      this.group.committed.set(key, offset + 1);
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
