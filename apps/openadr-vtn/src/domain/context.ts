/** What every part of the VTN's domain works with: the store, the settings of §13, a logger and metrics. */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@flexgrid/platform-service';
import { Counter, type Registry } from 'prom-client';
import type { VtnStore } from '../store/store';
import type { LastSeenWriter } from './online';

export interface VtnSettings {
  readonly vtnId: string;
  /** OADR_POLL_FREQ, seconds. */
  readonly pollFreq: number;
  readonly registrationPolicy: 'allow-list' | 'auto-accept';
  /** TLS mode: VENs are identified by their certificate fingerprint (SEC-4). */
  readonly tls: boolean;
  readonly defaultMarketContext: string;
  readonly requestedReports: readonly string[];
  readonly reportGranularity: number;
  readonly reportBackMultiple: number;
  readonly sendVtnMetadata: boolean;
  readonly redeliveryAfter: number;
  readonly maxDeliveries: number;
  readonly cancelledRetention: number;
  readonly offlineMissedPolls: number;
  readonly lastSeenResolution: number;
}

export interface VtnMetrics {
  readonly queueExpired: Counter;
  readonly signedPayloads: Counter;
  readonly ignoredReportPoints: Counter;
}

export function vtnMetrics(registry: Registry): VtnMetrics {
  const counter = (name: string, help: string): Counter => {
    const existing = registry.getSingleMetric(name);
    return (existing as Counter | undefined) ?? new Counter({ name, help, registers: [registry] });
  };
  return {
    queueExpired: counter('oadr_queue_expired_total', 'Queue items expired after OADR_MAX_DELIVERIES (Q-4)'),
    signedPayloads: counter('oadr_signed_payloads_total', 'Inbound payloads with a ds:Signature (SEC-5)'),
    ignoredReportPoints: counter('oadr_report_points_ignored_total', 'Report data points outside the request (RP-8)'),
  };
}

export interface VtnContext {
  readonly store: VtnStore;
  readonly settings: VtnSettings;
  readonly logger: Logger;
  readonly metrics: VtnMetrics;
  /** ON-1: where requests of online VENs leave their lastSeen. */
  readonly lastSeen: LastSeenWriter;
  /** Lowercase UUID v4 (ID-3, RID-3). */
  readonly newId: () => string;
  /** Called after a commit that enqueued outbox records, so the relay publishes without waiting. */
  readonly published: () => void;
  readonly now: () => number;
}

export const newUuid = (): string => randomUUID();
