import { Counter, type Registry } from 'prom-client';

/** Why recovery took the checkpoint for another database history's. */
export type RewindEvidence = 'checkpoint_ahead_of_sequence' | 'checkpoint_of_other_epoch';

/** What an operator watches on an outbox relay, registered in the service's one registry. */
export class OutboxMetrics {
  private readonly publishedRows: Counter<'outbox'>;
  private readonly checkpointsLost: Counter<'outbox'>;
  private readonly rewinds: Counter<'outbox' | 'evidence'>;

  constructor(registry: Registry) {
    this.publishedRows = counter(registry, 'outbox_published_rows_total', 'Outbox rows published, by outbox', [
      'outbox',
    ]);
    this.checkpointsLost = counter(
      registry,
      'outbox_checkpoint_lost_total',
      'Relay starts that found no checkpoint on a durable bus although the database had published through it (claimed rows are published again)',
      ['outbox'],
    );
    this.rewinds = counter(
      registry,
      'outbox_rewinds_detected_total',
      'Recoveries that refused the checkpoint because it belongs to another database history: ahead of the batch sequence (a restore or a failover to an asynchronous replica) or of another epoch',
      ['outbox', 'evidence'],
    );
  }

  published(outbox: string, rows: number): void {
    this.publishedRows.inc({ outbox }, rows);
  }

  checkpointLost(outbox: string): void {
    this.checkpointsLost.inc({ outbox });
  }

  rewindDetected(outbox: string, evidence: RewindEvidence): void {
    this.rewinds.inc({ outbox, evidence });
  }
}

/** A relay restarted in the same process (or a second outbox) shares the counters instead of failing to register. */
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}
