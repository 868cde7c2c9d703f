import { type Catalog, catalog as flexgridCatalog, ContractValidator } from '@flexgrid/contracts';
import type { Registry } from 'prom-client';
import {
  type BatchHandler,
  type BusLogger,
  type DeliveredEvent,
  defaultRetryPolicy,
  type EventHandler,
  type RetryPolicy,
  silentLogger,
  UnprocessableEvent,
} from './bus';
import { decodeRecord } from './cloudevents';
import { BusMetrics } from './metrics';
import { Backoff, retry } from './retry';

/** What every Bus implementation takes besides its transport settings. */
export interface BusOptions {
  /** The topics and contracts to enforce; flexgrid's catalog by default. */
  catalog?: Catalog;
  logger?: BusLogger;
  /** The service's registry, for per-topic metrics. */
  metrics?: Registry;
  retry?: Partial<RetryPolicy>;
}

/** BusOptions with their defaults applied: what publishing and delivering need from the bus. */
export interface BusDependencies {
  validator: ContractValidator;
  logger: BusLogger;
  metrics?: BusMetrics;
  retry: RetryPolicy;
}

export function busDependencies(options: BusOptions): BusDependencies {
  return {
    validator: new ContractValidator(options.catalog ?? flexgridCatalog),
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ? new BusMetrics(options.metrics) : undefined,
    retry: { ...defaultRetryPolicy, ...options.retry },
  };
}

/** A record as read from a partition, before decoding. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string | undefined>;
}

/** Why a record went to the dead-letter topic: the `reason` label of the dead-letter metric. */
export type DeadLetterCategory = 'invalid-record' | 'unprocessable' | 'handler-failed';

/** Why a record is dead-lettered, for the dead letter's headers. */
export interface DeadLetterNote {
  reason: string;
  /** Handler calls made, when the retry budget ran out. */
  attempts?: number;
}

export type DeadLetterWriter = (record: ConsumedRecord, note: DeadLetterNote) => Promise<void>;

export type DeliveryOutcome = 'handled' | 'dead-lettered' | 'stopped';

export interface DeliveryContext extends BusDependencies {
  deadLetter: DeadLetterWriter;
  group: string;
  /** True once the subscription is stopping: a failing event is then left uncommitted for the next owner. */
  stopping(): boolean;
  /**
   * Tells the broker this member is alive, while a handler runs and between redeliveries, so that a long
   * handler does not lose its partition to another member that would then handle the same records.
   */
  keepAlive?(): Promise<void>;
  keepAliveEveryMs?: number;
  /**
   * Records that the record at the head of a partition has failed `attempts` times, where the next owner
   * of the partition (after a rebalance or a restart) reads it back, so the retry budget is not reset.
   */
  rememberAttempts?(record: ConsumedRecord, attempts: number): Promise<void>;
  /** Resolves early when stopping, so a backoff never delays shutdown. */
  sleep(ms: number): Promise<void>;
}

type Checked = { ok: true; event: DeliveredEvent } | { ok: false; reason: string };

/** Decodes a record and checks it against its contract. */
function check(record: ConsumedRecord, validator: ContractValidator): Checked {
  const decoded = decodeRecord(record.key, record.value, record.headers);
  if (!decoded.ok) return decoded;
  const { type, key, data } = decoded.event;
  const contract = validator.check(record.topic, type, key, data);
  if (!contract.ok) return { ok: false, reason: contract.reason };
  return {
    ok: true,
    event: { ...decoded.event, topic: record.topic, partition: record.partition, offset: record.offset, attempt: 0 },
  };
}

/**
 * Delivers one record: decode and validate it (a bad record goes to the dead-letter topic), then call the
 * handler until it succeeds or the retry budget is spent. `priorAttempts` are the calls an earlier owner
 * of the partition already made. Only 'handled' and 'dead-lettered' may be committed; 'stopped' must not.
 */
export async function deliver(
  record: ConsumedRecord,
  handler: EventHandler,
  ctx: DeliveryContext,
  priorAttempts = 0,
): Promise<DeliveryOutcome> {
  const checked = check(record, ctx.validator);
  if (!checked.ok) return deadLetter([record], 'invalid-record', checked.reason, ctx);
  const { event } = checked;
  return handleWithRetries([record], ctx, priorAttempts, (attempt) => handler({ ...event, attempt }));
}

/**
 * Delivers a batch of one partition's records: bad records go to the dead-letter topic, the others to one
 * handleBatch call, retried as a whole. 'handled' and 'dead-lettered' cover the whole batch. Bad records are
 * dead-lettered first, so a batch that stops before it is handled dead-letters them again when it comes back.
 */
export async function deliverBatch(
  records: readonly ConsumedRecord[],
  handleBatch: BatchHandler,
  ctx: DeliveryContext,
  priorAttempts = 0,
): Promise<DeliveryOutcome> {
  const events: DeliveredEvent[] = [];
  const valid: ConsumedRecord[] = [];
  for (const record of records) {
    const checked = check(record, ctx.validator);
    if (checked.ok) {
      events.push(checked.event);
      valid.push(record);
    } else if ((await deadLetter([record], 'invalid-record', checked.reason, ctx)) === 'stopped') {
      return 'stopped';
    }
  }
  if (events.length === 0) return 'dead-lettered';
  return handleWithRetries(valid, ctx, priorAttempts, (attempt) =>
    handleBatch(events.map((event) => ({ ...event, attempt }))),
  );
}

async function handleWithRetries(
  records: readonly ConsumedRecord[],
  ctx: DeliveryContext,
  priorAttempts: number,
  call: (attempt: number) => Promise<void>,
): Promise<DeliveryOutcome> {
  const [head] = records;
  const backoff = new Backoff(ctx.retry.initialDelayMs, ctx.retry.maxDelayMs);
  let retrying = false;
  const settle = (outcome: DeliveryOutcome) => {
    if (retrying) ctx.metrics?.retryEnded(head.topic, ctx.group);
    return outcome;
  };
  for (let attempt = priorAttempts + 1; ; attempt++) {
    const started = performance.now();
    try {
      await keptAlive(ctx, call(attempt));
      ctx.metrics?.handled(head.topic, ctx.group, 'ok', performance.now() - started, records.length);
      return settle('handled');
    } catch (error) {
      ctx.metrics?.handled(head.topic, ctx.group, 'error', performance.now() - started, records.length);
      const where = { topic: head.topic, partition: head.partition, offset: head.offset, group: ctx.group, attempt };
      if (error instanceof UnprocessableEvent) {
        return settle(await deadLetter(records, 'unprocessable', `unprocessable: ${error.message}`, ctx));
      }
      if (attempt >= ctx.retry.maxAttempts) {
        ctx.logger.error({ err: error, ...where }, `handler failed ${attempt} times; dead-lettering`);
        const reason = `handler-failed: ${errorMessage(error)}`;
        return settle(await deadLetter(records, 'handler-failed', reason, ctx, attempt));
      }
      const delay = backoff.next();
      ctx.logger.warn({ err: error, ...where }, `handler failed; redelivering in ${delay} ms`);
      if (!retrying) ctx.metrics?.retryStarted(head.topic, ctx.group);
      retrying = true;
      // Before any stop: the next owner must count this attempt too.
      await ctx.rememberAttempts?.(head, attempt);
      if (ctx.stopping()) return settle('stopped');
      await keptAlive(ctx, ctx.sleep(delay));
    }
    if (ctx.stopping()) return settle('stopped');
  }
}

/** Awaits `work` while keeping the partition (see DeliveryContext.keepAlive). */
async function keptAlive<T>(ctx: DeliveryContext, work: Promise<T>): Promise<T> {
  if (!ctx.keepAlive || !ctx.keepAliveEveryMs) return work;
  const keepAlive = ctx.keepAlive;
  // A failed heartbeat (a rebalance under way) shows again where the delivery loop heartbeats next.
  const timer = setInterval(() => void keepAlive().catch(() => undefined), ctx.keepAliveEveryMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

async function deadLetter(
  records: readonly ConsumedRecord[],
  category: DeadLetterCategory,
  reason: string,
  ctx: DeliveryContext,
  attempts?: number,
): Promise<DeliveryOutcome> {
  const stopped = new AbortController();
  for (const record of records) {
    ctx.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, group: ctx.group, reason },
      'record dead-lettered',
    );
    // Until the dead letter is safely written the record must not be committed, so a failure here is
    // retried for as long as the subscription runs.
    try {
      await retry(() => ctx.deadLetter(record, { reason, attempts }), {
        retriable: () => !ctx.stopping(),
        initialDelayMs: ctx.retry.initialDelayMs,
        maxDelayMs: ctx.retry.maxDelayMs,
        signal: stopped.signal,
        sleep: async (ms) => {
          await ctx.sleep(ms);
          if (ctx.stopping()) stopped.abort();
        },
        onRetry: (error) => ctx.logger.error({ err: error, topic: record.topic }, 'writing the dead letter failed'),
      });
    } catch {
      return 'stopped';
    }
    ctx.metrics?.deadLettered(record.topic, ctx.group, category);
  }
  return 'dead-lettered';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Headers added to a dead letter: why it failed and where it came from, next to the original headers. */
export function deadLetterHeaders(record: ConsumedRecord, note: DeadLetterNote, group: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(record.headers)) if (v !== undefined) headers[k] = v;
  return {
    ...headers,
    dlq_reason: note.reason,
    ...(note.attempts === undefined ? {} : { dlq_attempts: String(note.attempts) }),
    dlq_topic: record.topic,
    dlq_partition: String(record.partition),
    dlq_offset: record.offset,
    dlq_group: group,
    dlq_time: new Date().toISOString(),
  };
}

/** A sleep that a stop can cut short. */
export class Sleeper {
  private wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
