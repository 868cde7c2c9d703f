import { type Catalog, catalog as flexgridCatalog, ContractValidator } from '@flexgrid/contracts';
import type { Registry } from 'prom-client';
import {
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

/** What every Bus implementation takes besides its transport settings. */
export interface BusOptions {
  /** The topics and contracts to enforce; flexgrid's catalog by default. */
  catalog?: Catalog;
  logger?: BusLogger;
  /** The service's registry, for per-topic metrics. */
  metrics?: Registry;
  retry?: RetryPolicy;
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
    retry: options.retry ?? defaultRetryPolicy,
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

export type DeadLetterWriter = (record: ConsumedRecord, reason: string) => Promise<void>;

export type DeliveryOutcome = 'handled' | 'dead-lettered' | 'stopped';

export interface DeliveryContext extends BusDependencies {
  handler: EventHandler;
  deadLetter: DeadLetterWriter;
  group: string;
  /** True once the subscription is stopping: a failing event is then left uncommitted for the next owner. */
  stopping(): boolean;
  /** Called while waiting between redeliveries, so the broker does not take the partition away. */
  keepAlive?(): Promise<void>;
  /** Resolves early when stopping, so a backoff never delays shutdown. */
  sleep(ms: number): Promise<void>;
}

/**
 * Delivers one record: decode and validate it (a bad record goes to the dead-letter topic), then call the
 * handler until it succeeds. Only 'handled' and 'dead-lettered' may be committed; 'stopped' must not.
 */
export async function deliver(record: ConsumedRecord, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const decoded = decodeRecord(record.key, record.value, record.headers);
  const reason = decoded.ok
    ? contractReason(ctx.validator, record.topic, decoded.event.type, decoded.event.key, decoded.event.data)
    : decoded.reason;
  if (!decoded.ok || reason !== undefined) {
    return deadLetter(record, reason ?? 'invalid record', ctx);
  }

  const event: DeliveredEvent = {
    ...decoded.event,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    attempt: 0,
  };
  let delay = ctx.retry.initialDelayMs;
  for (;;) {
    event.attempt += 1;
    const started = performance.now();
    try {
      await ctx.handler(event);
      ctx.metrics?.handled(record.topic, ctx.group, 'ok', performance.now() - started);
      return 'handled';
    } catch (error) {
      ctx.metrics?.handled(record.topic, ctx.group, 'error', performance.now() - started);
      if (error instanceof UnprocessableEvent) return deadLetter(record, `unprocessable: ${error.message}`, ctx);
      ctx.logger.warn(
        {
          err: error,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          group: ctx.group,
          attempt: event.attempt,
        },
        `handler failed; redelivering in ${delay} ms`,
      );
    }
    if (ctx.stopping()) return 'stopped';
    await ctx.sleep(delay);
    await ctx.keepAlive?.();
    if (ctx.stopping()) return 'stopped';
    delay = Math.min(delay * 2, ctx.retry.maxDelayMs);
  }
}

function contractReason(
  validator: ContractValidator,
  topic: string,
  type: string,
  key: string,
  data: unknown,
): string | undefined {
  const check = validator.check(topic, type, key, data);
  return check.ok ? undefined : check.reason;
}

async function deadLetter(record: ConsumedRecord, reason: string, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  ctx.logger.warn(
    { topic: record.topic, partition: record.partition, offset: record.offset, group: ctx.group, reason },
    'record dead-lettered',
  );
  // Until the dead letter is safely written the record must not be committed, so a failure here is retried.
  let delay = ctx.retry.initialDelayMs;
  for (;;) {
    try {
      await ctx.deadLetter(record, reason);
      ctx.metrics?.deadLettered(record.topic, ctx.group);
      return 'dead-lettered';
    } catch (error) {
      ctx.logger.error({ err: error, topic: record.topic }, 'writing the dead letter failed; retrying');
      if (ctx.stopping()) return 'stopped';
      await ctx.sleep(delay);
      delay = Math.min(delay * 2, ctx.retry.maxDelayMs);
    }
  }
}

/** Headers added to a dead letter: why it failed and where it came from, next to the original headers. */
export function deadLetterHeaders(record: ConsumedRecord, reason: string, group: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(record.headers)) if (v !== undefined) headers[k] = v;
  return {
    ...headers,
    dlq_reason: reason,
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
