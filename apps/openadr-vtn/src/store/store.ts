/**
 * The VTN's persistence behind one interface (DB-1): the domain never writes SQL, and every method reads or
 * writes PostgreSQL, so replicas on one database share every decision. `transaction` hands out the same
 * interface bound to one transaction; outbox records are enqueued on it, so they commit with the change.
 */
import type { OutboxEntry } from '@flexgrid/platform-db';
import type { EventVersion, Instant, OadrReportDescription } from '@flexgrid/protocol-openadr';

export type RegistrationState = 'none' | 'active' | 'cancelled';

export interface VenRecord {
  readonly venId: string;
  readonly venName: string | null;
  readonly fingerprint: string | null;
  readonly groups: string[];
  readonly partyId: string | null;
  readonly resources: string[];
  /** resourceIDs of the VEN's METADATA reportDataSource/reportSubject (EV-4). */
  readonly reportResources: string[];
  readonly provisioned: boolean;
  readonly removed: boolean;
  readonly registrationId: string | null;
  readonly registration: RegistrationState;
  readonly reportOnly: boolean;
  readonly xmlSignature: boolean;
  readonly transportAddress: string | null;
  readonly pollFreqSeconds: number | null;
  readonly advertisedPollSeconds: number | null;
  readonly online: boolean;
  readonly lastSeen: Instant | null;
  readonly onlineSince: Instant | null;
  readonly offlineSince: Instant | null;
}

/** What the empty-poll path needs, in one round trip (DB-3). */
export interface PollView {
  readonly ven: VenRecord;
  /** Whether a pending item, or an in-flight one due for redelivery, waits. */
  readonly due: boolean;
}

export interface VenProvisioning {
  readonly venName?: string | null;
  readonly fingerprint?: string | null;
  readonly groups?: readonly string[];
  readonly partyId?: string | null;
  readonly resources?: readonly string[];
  readonly pollFreqSeconds?: number | null;
}

export interface VenRegistrationUpdate {
  readonly registrationId: string;
  readonly venName: string | null;
  readonly reportOnly: boolean;
  readonly xmlSignature: boolean;
  readonly transportAddress: string | null;
  readonly advertisedPollSeconds: number;
  readonly fingerprint: string | null;
  readonly now: Instant;
}

export interface StoredEvent {
  readonly version: EventVersion;
  readonly createBody: unknown;
  readonly createdAt: Instant;
  readonly cancelledAt: Instant | null;
}

export interface EventVenRow {
  readonly eventId: string;
  readonly venId: string;
  readonly matched: boolean;
  readonly deliveredModificationNumber: number | null;
  readonly deliveredAt: Instant | null;
  readonly withdrawnAt: Instant | null;
  readonly cancellationAcked: boolean;
}

export interface FullStateRow extends EventVenRow {
  readonly version: EventVersion;
  readonly cancelledAt: Instant | null;
}

export interface OptResponseRow {
  readonly venId: string;
  readonly eventId: string;
  readonly modificationNumber: number;
  readonly optType: 'optIn' | 'optOut';
  readonly responseCode: string;
  readonly requestId: string;
  readonly stale: boolean;
  readonly receivedAt: Instant;
}

export interface OptRow {
  readonly venId: string;
  readonly optId: string;
  readonly kind: 'event' | 'schedule';
  readonly eventId: string | null;
  readonly modificationNumber: number | null;
  readonly optType: 'optIn' | 'optOut';
  readonly optReason: string;
  readonly content: Record<string, unknown>;
  readonly state: 'active' | 'cancelled';
  readonly receivedAt: Instant;
}

export type QueueKind =
  | 'distribute'
  | 'oadrCreateReport'
  | 'oadrCancelReport'
  | 'oadrRegisterReport'
  | 'oadrRequestReregistration'
  | 'oadrCancelPartyRegistration';

export type QueueState = 'pending' | 'in-flight' | 'acked' | 'superseded' | 'expired';

export interface QueueItem {
  readonly id: number;
  readonly venId: string;
  readonly kind: QueueKind;
  readonly supersedeKey: string;
  readonly payload: string | null;
  readonly requestId: string | null;
  readonly reportRequestIds: string[];
  readonly expectsReply: boolean;
  readonly state: QueueState;
  readonly attempts: number;
  readonly lastDeliveredAt: Instant | null;
  readonly createdAt: Instant;
}

export interface NewQueueItem {
  readonly kind: Exclude<QueueKind, 'distribute'>;
  readonly supersedeKey: string;
  readonly payload: string;
  readonly requestId: string;
  readonly reportRequestIds?: readonly string[];
}

export interface ReportRegistrationRow {
  readonly venId: string;
  readonly reportSpecifierId: string;
  readonly reportName: string;
  readonly durationSeconds: number | null;
  readonly descriptions: OadrReportDescription[];
  readonly registeredAt: Instant;
}

export type ReportRequestState = 'requested' | 'created' | 'refused' | 'cancelling' | 'cancelled' | 'superseded';

export interface ReportRequestRow {
  readonly reportRequestId: string;
  readonly venId: string;
  readonly reportSpecifierId: string;
  readonly reportName: string;
  readonly granularitySeconds: number;
  readonly reportBackSeconds: number;
  readonly rIds: string[];
  readonly state: ReportRequestState;
  readonly responseCode: string | null;
  readonly origin: 'registration' | 'operator';
  readonly createdAt: Instant;
}

export interface ReportDatum {
  readonly venId: string;
  readonly rId: string;
  readonly startMs: Instant;
  readonly endMs: Instant;
  readonly reportRequestId: string;
  readonly value: unknown;
}

export interface EventListFilter {
  readonly venId?: string;
  readonly from?: Instant;
  readonly to?: Instant;
  readonly after?: string;
  readonly limit: number;
}

export interface OfflineFlip {
  readonly venId: string;
  readonly venName: string | null;
  readonly registrationId: string | null;
  readonly lastSeen: Instant | null;
  readonly pollFreqSeconds: number | null;
}

export interface VtnStore {
  transaction<T>(work: (tx: VtnStore) => Promise<T>): Promise<T>;
  /** Adds records to the outbox in this transaction. */
  publish(entries: readonly OutboxEntry[]): Promise<void>;

  pollView(venId: string, now: Instant, redeliveryMs: number): Promise<PollView | undefined>;
  ven(venId: string, lock?: boolean): Promise<VenRecord | undefined>;
  venByFingerprint(fingerprint: string): Promise<VenRecord | undefined>;
  venByRegistrationId(registrationId: string): Promise<VenRecord | undefined>;
  vens(): Promise<VenRecord[]>;
  /** Registered, active, not report-only VENs: the candidates of EV-4. */
  targetableVens(): Promise<VenRecord[]>;
  createVen(venId: string, provisioned: boolean, provisioning: VenProvisioning): Promise<VenRecord>;
  provisionVen(venId: string, provisioning: VenProvisioning): Promise<{ ven: VenRecord; created: boolean }>;
  markVenRemoved(venId: string): Promise<void>;
  bindFingerprint(venId: string, fingerprint: string): Promise<void>;
  activateRegistration(venId: string, update: VenRegistrationUpdate): Promise<VenRecord>;
  cancelRegistration(venId: string): Promise<void>;
  setReportResources(venId: string, resources: readonly string[]): Promise<void>;
  /** ON-3: an offline VEN's request flips it online (lastSeen := now); returns it if this call did. */
  touch(venId: string, now: Instant): Promise<VenRecord | undefined>;
  /** ON-1: the coalesced lastSeen of many VENs in one statement; a later stored value stays. */
  recordLastSeen(seen: ReadonlyMap<string, Instant>): Promise<void>;
  /** ON-2: flips up to `limit` online VENs past their deadline; only one replica gets each row. */
  sweepOffline(now: Instant, readySince: Instant, missedPolls: number, limit: number): Promise<OfflineFlip[]>;

  insertEvent(event: StoredEvent): Promise<void>;
  event(eventId: string, lock?: boolean): Promise<StoredEvent | undefined>;
  saveEventVersion(version: EventVersion, cancelledAt: Instant | null): Promise<void>;
  eventVersions(eventId: string): Promise<EventVersion[]>;
  events(filter: EventListFilter): Promise<StoredEvent[]>;
  eventVens(eventId: string): Promise<EventVenRow[]>;
  /** The VEN's row of the event, if some version ever matched it. */
  eventVen(eventId: string, venId: string): Promise<EventVenRow | undefined>;
  setEventMatch(eventId: string, venId: string, matched: boolean, now: Instant): Promise<void>;
  fullStateRows(venId: string, now: Instant): Promise<FullStateRow[]>;
  recordDeliveries(
    venId: string,
    delivered: readonly { eventId: string; modificationNumber: number }[],
    now: Instant,
  ): Promise<void>;
  ackCancellation(venId: string, eventId: string): Promise<void>;

  optResponse(venId: string, eventId: string, modificationNumber: number): Promise<OptResponseRow | undefined>;
  saveOptResponse(row: OptResponseRow): Promise<void>;
  optResponsesOfEvent(eventId: string): Promise<OptResponseRow[]>;
  opt(venId: string, optId: string): Promise<OptRow | undefined>;
  saveOpt(row: OptRow): Promise<void>;
  cancelOpt(venId: string, optId: string): Promise<void>;
  opts(venId?: string, eventId?: string): Promise<OptRow[]>;

  /** a distribute already waiting is reset to pending (it renders the state at delivery). */
  enqueueDistribute(venId: string): Promise<void>;
  enqueue(venId: string, item: NewQueueItem): Promise<number>;
  /** Settles the VEN's open items with this supersede key (or all, for a registration item). */
  supersede(venId: string, supersedeKey: string | 'all', now: Instant): Promise<QueueItem[]>;
  openItems(venId: string): Promise<QueueItem[]>;
  claim(itemId: number, now: Instant): Promise<QueueItem>;
  settle(itemId: number, state: QueueState, now: Instant): Promise<void>;
  /** marks acked the VEN's delivered, unacked items of these kinds that `matches` accepts. */
  ack(
    venId: string,
    kinds: readonly QueueKind[],
    now: Instant,
    matches: (item: QueueItem) => boolean,
  ): Promise<QueueItem[]>;
  queue(venId: string, limit: number): Promise<QueueItem[]>;

  replaceReportRegistrations(
    venId: string,
    rows: readonly Omit<ReportRegistrationRow, 'registeredAt'>[],
  ): Promise<void>;
  reportRegistrations(venId: string): Promise<ReportRegistrationRow[]>;
  insertReportRequest(row: Omit<ReportRequestRow, 'createdAt'>): Promise<void>;
  reportRequest(reportRequestId: string): Promise<ReportRequestRow | undefined>;
  reportRequests(venId: string): Promise<ReportRequestRow[]>;
  setReportRequestState(
    reportRequestIds: readonly string[],
    state: ReportRequestState,
    code?: string | null,
  ): Promise<void>;
  /** RP-8: stores a datum; its revision, and whether it changed anything. */
  storeReportDatum(datum: ReportDatum): Promise<{ revision: number; changed: boolean }>;
  saveReportStatus(venId: string, rId: string, value: unknown, at: Instant): Promise<void>;
  reportStatus(venId?: string): Promise<{ venId: string; rId: string; value: unknown; at: Instant }[]>;
}
