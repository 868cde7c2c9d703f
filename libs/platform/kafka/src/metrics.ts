import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeadLetterCategory } from './delivery';

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: L[];
}

/**
 * RED metrics per topic for a bus, registered in the service's one registry. Several buses may share a
 * registry (a service with a second cluster, the dev host): they then share the metrics, and their counts
 * add up per topic and group.
 */
export class BusMetrics {
  private readonly published: Counter<'topic'>;
  private readonly publishSeconds: Histogram<'topic'>;
  private readonly publishErrors: Counter<'topic'>;
  private readonly handledTotal: Counter<'topic' | 'group' | 'outcome'>;
  private readonly handledEvents: Counter<'topic' | 'group' | 'outcome'>;
  private readonly handlerSeconds: Histogram<'topic' | 'group'>;
  private readonly deadLetters: Counter<'topic' | 'group' | 'reason'>;
  private readonly retrying: Gauge<'topic' | 'group'>;
  private readonly lag: Gauge<'topic' | 'group' | 'partition'>;

  constructor(registry: Registry) {
    // A metric already in the registry is the one another bus registered: use it rather than clash.
    const counter = <L extends string>(config: MetricConfig<L>) =>
      (registry.getSingleMetric(config.name) as Counter<L> | undefined) ??
      new Counter({ ...config, registers: [registry] });
    const gauge = <L extends string>(config: MetricConfig<L>) =>
      (registry.getSingleMetric(config.name) as Gauge<L> | undefined) ??
      new Gauge({ ...config, registers: [registry] });
    const histogram = <L extends string>(config: MetricConfig<L> & { buckets: number[] }) =>
      (registry.getSingleMetric(config.name) as Histogram<L> | undefined) ??
      new Histogram({ ...config, registers: [registry] });
    this.published = counter({
      name: 'bus_published_events_total',
      help: 'Events published, by topic',
      labelNames: ['topic'],
    });
    this.publishSeconds = histogram({
      name: 'bus_publish_duration_seconds',
      help: 'Time for one publish call to be acknowledged by every in-sync replica, by topic',
      labelNames: ['topic'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    });
    this.publishErrors = counter({
      name: 'bus_publish_errors_total',
      help: 'Publish calls that failed (broker unreachable past the time limit, a refused send), by topic',
      labelNames: ['topic'],
    });
    this.handledTotal = counter({
      name: 'bus_handled_events_total',
      help: 'Handler calls by topic, consumer group and outcome (ok or error; an error is redelivered)',
      labelNames: ['topic', 'group', 'outcome'],
    });
    this.handledEvents = counter({
      name: 'bus_handled_records_total',
      help: 'Events passed to handlers (a batch counts each of its events), by topic, group and outcome',
      labelNames: ['topic', 'group', 'outcome'],
    });
    this.handlerSeconds = histogram({
      name: 'bus_handler_duration_seconds',
      help: 'Handler duration by topic and consumer group',
      labelNames: ['topic', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    });
    this.deadLetters = counter({
      name: 'bus_dead_lettered_events_total',
      help: 'Records sent to the dead-letter topic, by source topic, group and reason (invalid-record, unprocessable, handler-failed)',
      labelNames: ['topic', 'group', 'reason'],
    });
    this.retrying = gauge({
      name: 'bus_retries_in_progress',
      help: 'Events (or batches) whose handler failed and that are waiting for redelivery, by topic and group',
      labelNames: ['topic', 'group'],
    });
    this.lag = gauge({
      name: 'bus_consumer_lag_records',
      help: 'Records of a partition not yet handled by the group (high watermark minus the next offset)',
      labelNames: ['topic', 'group', 'partition'],
    });
  }

  publishedEvents(topic: string, count: number, ms: number): void {
    this.published.inc({ topic }, count);
    this.publishSeconds.observe({ topic }, ms / 1000);
  }

  publishFailed(topic: string): void {
    this.publishErrors.inc({ topic });
  }

  handled(topic: string, group: string, outcome: 'ok' | 'error', ms: number, events = 1): void {
    this.handledTotal.inc({ topic, group, outcome });
    this.handledEvents.inc({ topic, group, outcome }, events);
    this.handlerSeconds.observe({ topic, group }, ms / 1000);
  }

  deadLettered(topic: string, group: string, reason: DeadLetterCategory): void {
    this.deadLetters.inc({ topic, group, reason });
  }

  retryStarted(topic: string, group: string): void {
    this.retrying.inc({ topic, group });
  }

  retryEnded(topic: string, group: string): void {
    this.retrying.dec({ topic, group });
  }

  consumerLag(topic: string, group: string, partition: number, records: number): void {
    this.lag.set({ topic, group, partition: String(partition) }, Math.max(0, records));
  }

  /** A partition this member no longer owns: its new owner reports its lag. */
  partitionRevoked(topic: string, group: string, partition: number): void {
    this.lag.remove({ topic, group, partition: String(partition) });
  }
}
