import { Counter, Histogram, type Registry } from 'prom-client';

/** RED metrics per topic for a bus, registered in the service's one registry. */
export class BusMetrics {
  private readonly published: Counter<'topic'>;
  private readonly handledTotal: Counter<'topic' | 'group' | 'outcome'>;
  private readonly handlerSeconds: Histogram<'topic' | 'group'>;
  private readonly deadLetters: Counter<'topic' | 'group'>;

  constructor(registry: Registry) {
    this.published = new Counter({
      name: 'bus_published_events_total',
      help: 'Events published, by topic',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.handledTotal = new Counter({
      name: 'bus_handled_events_total',
      help: 'Handler calls by topic, consumer group and outcome (ok or error; an error is redelivered)',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    });
    this.handlerSeconds = new Histogram({
      name: 'bus_handler_duration_seconds',
      help: 'Handler duration by topic and consumer group',
      labelNames: ['topic', 'group'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'bus_dead_lettered_events_total',
      help: 'Records sent to the dead-letter topic, by source topic and group',
      labelNames: ['topic', 'group'],
      registers: [registry],
    });
  }

  publishedEvents(topic: string, count: number): void {
    this.published.inc({ topic }, count);
  }

  handled(topic: string, group: string, outcome: 'ok' | 'error', ms: number): void {
    this.handledTotal.inc({ topic, group, outcome });
    this.handlerSeconds.observe({ topic, group }, ms / 1000);
  }

  deadLettered(topic: string, group: string): void {
    this.deadLetters.inc({ topic, group });
  }
}
