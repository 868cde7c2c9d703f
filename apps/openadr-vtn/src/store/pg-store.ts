/** The VtnStore on PostgreSQL (a pg pool or PGlite through platform-db). All of the VTN's SQL is here. */
import { enqueue, inTransaction, type OutboxEntry } from '@flexgrid/platform-db';
import type { EventVersion, Instant } from '@flexgrid/protocol-openadr';
import type pg from 'pg';
import { BatchedLookup } from './batched-lookup';
import type { PollViews, VenView, VenViews } from './poll-views';
import type {
  EventListFilter,
  EventVenRow,
  FullStateRow,
  NewQueueItem,
  OfflineFlip,
  OptResponseRow,
  OptRow,
  PollView,
  QueueItem,
  QueueKind,
  QueueState,
  ReportDatum,
  ReportRegistrationRow,
  ReportRequestRow,
  ReportRequestState,
  StoredEvent,
  VenProvisioning,
  VenRecord,
  VenRegistrationUpdate,
  VtnStore,
} from './store';

type Row = Record<string, unknown>;

const ms = (value: unknown): Instant | null =>
  value instanceof Date ? value.getTime() : value == null ? null : Number(value);
const date = (instant: Instant | null | undefined): Date | null => (instant == null ? null : new Date(instant));

const VEN_COLUMNS = `ven_id, ven_name, fingerprint, groups, party_id, resources, report_resources, provisioned, removed,
  registration_id, registration, report_only, xml_signature, transport_address, poll_freq_seconds,
  advertised_poll_seconds, online, last_seen, online_since, offline_since`;

function venOf(r: Row): VenRecord {
  return {
    venId: r.ven_id as string,
    venName: (r.ven_name as string | null) ?? null,
    fingerprint: (r.fingerprint as string | null) ?? null,
    groups: (r.groups as string[]) ?? [],
    partyId: (r.party_id as string | null) ?? null,
    resources: (r.resources as string[]) ?? [],
    reportResources: (r.report_resources as string[]) ?? [],
    provisioned: r.provisioned as boolean,
    removed: r.removed as boolean,
    registrationId: (r.registration_id as string | null) ?? null,
    registration: r.registration as VenRecord['registration'],
    reportOnly: r.report_only as boolean,
    xmlSignature: r.xml_signature as boolean,
    transportAddress: (r.transport_address as string | null) ?? null,
    pollFreqSeconds: (r.poll_freq_seconds as number | null) ?? null,
    advertisedPollSeconds: (r.advertised_poll_seconds as number | null) ?? null,
    online: r.online as boolean,
    lastSeen: ms(r.last_seen),
    onlineSince: ms(r.online_since),
    offlineSince: ms(r.offline_since),
  };
}

function eventOf(r: Row): StoredEvent {
  return {
    version: r.version as EventVersion,
    createBody: r.create_body,
    createdAt: ms(r.created_at) ?? 0,
    cancelledAt: ms(r.cancelled_at),
  };
}

function eventVenOf(r: Row): EventVenRow {
  return {
    eventId: r.event_id as string,
    venId: r.ven_id as string,
    matched: r.matched as boolean,
    deliveredModificationNumber: (r.delivered_modification_number as number | null) ?? null,
    deliveredAt: ms(r.delivered_at),
    withdrawnAt: ms(r.withdrawn_at),
    cancellationAcked: r.cancellation_acked as boolean,
  };
}

function optResponseOf(r: Row): OptResponseRow {
  return {
    venId: r.ven_id as string,
    eventId: r.event_id as string,
    modificationNumber: r.modification_number as number,
    optType: r.opt_type as OptResponseRow['optType'],
    responseCode: r.response_code as string,
    requestId: r.request_id as string,
    stale: r.stale as boolean,
    receivedAt: ms(r.received_at) ?? 0,
  };
}

function optOf(r: Row): OptRow {
  return {
    venId: r.ven_id as string,
    optId: r.opt_id as string,
    kind: r.kind as OptRow['kind'],
    eventId: (r.event_id as string | null) ?? null,
    modificationNumber: (r.modification_number as number | null) ?? null,
    optType: r.opt_type as OptRow['optType'],
    optReason: r.opt_reason as string,
    content: r.content as Record<string, unknown>,
    state: r.state as OptRow['state'],
    receivedAt: ms(r.received_at) ?? 0,
  };
}

function itemOf(r: Row): QueueItem {
  return {
    id: Number(r.id),
    venId: r.ven_id as string,
    kind: r.kind as QueueKind,
    supersedeKey: r.supersede_key as string,
    payload: (r.payload as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    reportRequestIds: (r.report_request_ids as string[]) ?? [],
    expectsReply: r.expects_reply as boolean,
    state: r.state as QueueState,
    attempts: r.attempts as number,
    lastDeliveredAt: ms(r.last_delivered_at),
    createdAt: ms(r.created_at) ?? 0,
  };
}

function reportRequestOf(r: Row): ReportRequestRow {
  return {
    reportRequestId: r.report_request_id as string,
    venId: r.ven_id as string,
    reportSpecifierId: r.report_specifier_id as string,
    reportName: r.report_name as string,
    granularitySeconds: r.granularity_seconds as number,
    reportBackSeconds: r.report_back_seconds as number,
    rIds: r.r_ids as string[],
    state: r.state as ReportRequestState,
    responseCode: (r.response_code as string | null) ?? null,
    origin: r.origin as ReportRequestRow['origin'],
    createdAt: ms(r.created_at) ?? 0,
  };
}

/** S + D + C of a version in epoch ms, or null while it is open-ended. */
function endsAt(version: EventVersion): number | null {
  const intervals = version.signals[0]?.intervals ?? [];
  if (intervals.length === 0 || intervals[intervals.length - 1]?.duration === 0) return null;
  const d = intervals.reduce((sum, i) => sum + i.duration, 0);
  return version.start + (d + (version.recovery ?? 0)) * 1000;
}

const OPEN = `state in ('pending', 'in-flight')`;

/** A VEN with what its open queue items say about the next poll (DB-3): one index range of queue_open. */
const VEN_VIEW_SELECT = `select ${VEN_COLUMNS}, q.has_pending, q.first_delivered_at, coalesce(q.open_distribute, false) as open_distribute
  from vens v left join lateral (
    select bool_or(state = 'pending') as has_pending,
           min(last_delivered_at) filter (where state = 'in-flight') as first_delivered_at,
           bool_or(kind = 'distribute') as open_distribute
      from queue_items where ven_id = v.ven_id and ${OPEN}) q on true`;

/** A pending item is due now; an in-flight one when its redelivery time comes (Q-2). */
function venViewOf(r: Row, redeliveryMs: number): VenView {
  const firstDelivered = ms(r.first_delivered_at);
  return {
    ven: venOf(r),
    nextDueAt: r.has_pending ? 0 : firstDelivered === null ? null : firstDelivered + redeliveryMs,
    openDistribute: r.open_distribute as boolean,
  };
}

export class PgVtnStore implements VtnStore {
  /**
   * `views` (DB-3) serves the poll path from memory; every write that changes a VEN's registration, online state
   * or queue invalidates that VEN's view here, after its commit, and on the other replicas by NOTIFY.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly views?: PollViews,
    private readonly client?: pg.ClientBase,
    /** The VENs this transaction changed, invalidated once it ends. */
    private readonly touched?: Set<string>,
  ) {}

  private changed(venIds: Iterable<string>): void {
    if (this.touched) for (const venId of venIds) this.touched.add(venId);
    else this.views?.invalidate(venIds);
  }

  private get db(): pg.Pool | pg.ClientBase {
    return this.client ?? this.pool;
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query(sql, params)).rows as Row[];
  }

  async transaction<T>(work: (tx: VtnStore) => Promise<T>): Promise<T> {
    if (this.client) return work(this);
    const touched = new Set<string>();
    try {
      return await inTransaction(this.pool, (client) => work(new PgVtnStore(this.pool, this.views, client, touched)));
    } finally {
      if (touched.size > 0) this.views?.invalidate(touched);
    }
  }

  async publish(entries: readonly OutboxEntry[]): Promise<void> {
    if (!this.client) throw new Error('outbox records are only enqueued inside a transaction');
    await enqueue(this.client, entries);
  }

  async pollView(venId: string, now: Instant, redeliveryMs: number): Promise<PollView | undefined> {
    const cached = await this.cached(venId, (views) => views.poll);
    const view = cached ?? (await this.readVenView(venId, redeliveryMs));
    return view && { ven: view.ven, due: view.nextDueAt !== null && view.nextDueAt <= now };
  }

  /** The VEN and its queue head in one round trip (DB-3), kept in the views unless something changed meanwhile. */
  private async readVenView(venId: string, redeliveryMs: number): Promise<VenView | undefined> {
    if (this.client) {
      const [row] = await this.rows(`${VEN_VIEW_SELECT} where v.ven_id = $1`, [venId]);
      return row && venViewOf(row, redeliveryMs);
    }
    const read = await this.venViewReads.get(venId);
    if (!read) return undefined;
    const view = venViewOf(read.row, redeliveryMs);
    if (read.mark !== undefined) this.views?.keep(venId, { poll: view }, read.mark);
    return view;
  }

  /** Polls of many VENs share a statement when the service is busy; the mark is taken as it is sent. */
  private readonly venViewReads = new BatchedLookup<string, { row: Row; mark: number | undefined }>(async (venIds) => {
    const mark = this.views?.mark();
    const rows = await this.rows(`${VEN_VIEW_SELECT} where v.ven_id = any($1::text[])`, [venIds]);
    return new Map(rows.map((row) => [row.ven_id as string, { row, mark }]));
  });

  /** A part of the VEN's views, outside transactions, once the notifications already received are applied. */
  private async cached<T>(venId: string, part: (views: VenViews) => T | undefined): Promise<T | undefined> {
    if (this.client || !this.views?.get(venId)) return undefined;
    await new Promise((resolve) => setImmediate(resolve));
    const views = this.views.get(venId);
    return views && part(views);
  }

  async ven(venId: string, lock = false): Promise<VenRecord | undefined> {
    const [row] = await this.rows(`select ${VEN_COLUMNS} from vens where ven_id = $1${lock ? ' for update' : ''}`, [
      venId,
    ]);
    return row ? venOf(row) : undefined;
  }

  async venByFingerprint(fingerprint: string): Promise<VenRecord | undefined> {
    const [row] = await this.rows(`select ${VEN_COLUMNS} from vens where fingerprint = $1`, [fingerprint]);
    return row ? venOf(row) : undefined;
  }

  async venByRegistrationId(registrationId: string): Promise<VenRecord | undefined> {
    const [row] = await this.rows(`select ${VEN_COLUMNS} from vens where registration_id = $1`, [registrationId]);
    return row ? venOf(row) : undefined;
  }

  async vens(): Promise<VenRecord[]> {
    return (await this.rows(`select ${VEN_COLUMNS} from vens order by ven_id`)).map(venOf);
  }

  async targetableVens(): Promise<VenRecord[]> {
    return (
      await this.rows(
        `select ${VEN_COLUMNS} from vens where registration = 'active' and not report_only and not removed`,
      )
    ).map(venOf);
  }

  async createVen(venId: string, provisioned: boolean, p: VenProvisioning): Promise<VenRecord> {
    const [row] = await this.rows(
      `insert into vens (ven_id, provisioned, ven_name, fingerprint, groups, party_id, resources, poll_freq_seconds)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${VEN_COLUMNS}`,
      [
        venId,
        provisioned,
        p.venName ?? null,
        p.fingerprint ?? null,
        p.groups ?? [],
        p.partyId ?? null,
        p.resources ?? [],
        p.pollFreqSeconds ?? null,
      ],
    );
    this.changed([venId]);
    return venOf(row as Row);
  }

  async provisionVen(venId: string, p: VenProvisioning): Promise<{ ven: VenRecord; created: boolean }> {
    const [row] = await this.rows(
      `insert into vens (ven_id, provisioned, ven_name, fingerprint, groups, party_id, resources, poll_freq_seconds)
       values ($1, true, $2, $3, $4, $5, $6, $7)
       on conflict (ven_id) do update set provisioned = true, removed = false, ven_name = coalesce($2, vens.ven_name),
         fingerprint = $3, groups = $4, party_id = $5, resources = $6, poll_freq_seconds = $7
       returning ${VEN_COLUMNS}, (xmax = 0) as created`,
      [
        venId,
        p.venName ?? null,
        p.fingerprint ?? null,
        p.groups ?? [],
        p.partyId ?? null,
        p.resources ?? [],
        p.pollFreqSeconds ?? null,
      ],
    );
    this.changed([venId]);
    return { ven: venOf(row as Row), created: (row as Row).created as boolean };
  }

  async markVenRemoved(venId: string): Promise<void> {
    await this.rows(`update vens set removed = true, provisioned = false where ven_id = $1`, [venId]);
    this.changed([venId]);
  }

  async bindFingerprint(venId: string, fingerprint: string): Promise<void> {
    await this.rows(`update vens set fingerprint = $2 where ven_id = $1`, [venId, fingerprint]);
    this.changed([venId]);
  }

  async activateRegistration(venId: string, u: VenRegistrationUpdate): Promise<VenRecord> {
    const [row] = await this.rows(
      `update vens set registration = 'active', registration_id = $2, ven_name = coalesce($3, ven_name),
         report_only = $4, xml_signature = $5, transport_address = $6, advertised_poll_seconds = $7,
         fingerprint = coalesce($8, fingerprint), last_seen = $9,
         online_since = case when online then online_since else $9 end, online = true
       where ven_id = $1 returning ${VEN_COLUMNS}`,
      [
        venId,
        u.registrationId,
        u.venName,
        u.reportOnly,
        u.xmlSignature,
        u.transportAddress,
        u.advertisedPollSeconds,
        u.fingerprint,
        new Date(u.now),
      ],
    );
    this.changed([venId]);
    return venOf(row as Row);
  }

  async cancelRegistration(venId: string): Promise<void> {
    await this.rows(`update vens set registration = 'cancelled' where ven_id = $1`, [venId]);
    this.changed([venId]);
  }

  async setReportResources(venId: string, resources: readonly string[]): Promise<void> {
    await this.rows(`update vens set report_resources = $2 where ven_id = $1`, [venId, resources]);
  }

  async touch(venId: string, now: Instant): Promise<VenRecord | undefined> {
    const [row] = await this.rows(
      `update vens set last_seen = $2, online = true, online_since = $2
       where ven_id = $1 and registration = 'active' and not online returning ${VEN_COLUMNS}`,
      [venId, new Date(now)],
    );
    if (!row) return undefined;
    this.changed([venId]);
    return venOf(row);
  }

  async recordLastSeen(seen: ReadonlyMap<string, Instant>): Promise<void> {
    if (seen.size === 0) return;
    // One statement for every VEN seen since the last one (ON-1); a later value from another replica stays.
    await this.rows(
      `update vens v set last_seen = d.at
       from (select ven_id, to_timestamp(ms / 1000.0) as at from unnest($1::text[], $2::bigint[]) as u(ven_id, ms)) d
       where v.ven_id = d.ven_id and (v.last_seen is null or v.last_seen < d.at)`,
      [[...seen.keys()], [...seen.values()]],
    );
  }

  async sweepOffline(now: Instant, readySince: Instant, missedPolls: number, limit: number): Promise<OfflineFlip[]> {
    // SKIP LOCKED and a batch limit: a sweep never waits for a VEN's own request, and its transaction (rows
    // and outbox records) stays short however many VENs went quiet at once.
    const rows = await this.rows(
      `update vens set online = false, offline_since = $1::timestamptz
       where ven_id in (
         select ven_id from vens
         where online and registration = 'active'
           and greatest(last_seen, $2::timestamptz) < $1::timestamptz - make_interval(secs => $3::int * coalesce(advertised_poll_seconds, 10))
         limit $4 for update skip locked)
       returning ven_id, ven_name, registration_id, last_seen, advertised_poll_seconds`,
      [new Date(now), new Date(readySince), missedPolls, limit],
    );
    this.changed(rows.map((r) => r.ven_id as string));
    return rows.map((r) => ({
      venId: r.ven_id as string,
      venName: (r.ven_name as string | null) ?? null,
      registrationId: (r.registration_id as string | null) ?? null,
      lastSeen: ms(r.last_seen),
      pollFreqSeconds: (r.advertised_poll_seconds as number | null) ?? null,
    }));
  }

  async insertEvent(e: StoredEvent): Promise<void> {
    await this.rows(
      `insert into events (event_id, modification_number, version, create_body, created_at, cancelled_at, ends_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        e.version.eventId,
        e.version.modificationNumber,
        e.version,
        JSON.stringify(e.createBody),
        new Date(e.createdAt),
        date(e.cancelledAt),
        endsAt(e.version),
      ],
    );
    await this.rows(`insert into event_versions (event_id, modification_number, version) values ($1, $2, $3)`, [
      e.version.eventId,
      e.version.modificationNumber,
      e.version,
    ]);
  }

  async event(eventId: string, lock = false): Promise<StoredEvent | undefined> {
    const [row] = await this.rows(`select * from events where event_id = $1${lock ? ' for update' : ''}`, [eventId]);
    return row ? eventOf(row) : undefined;
  }

  async saveEventVersion(version: EventVersion, cancelledAt: Instant | null): Promise<void> {
    await this.rows(
      `update events set modification_number = $2, version = $3, cancelled_at = $4, ends_at = $5 where event_id = $1`,
      [version.eventId, version.modificationNumber, version, date(cancelledAt), endsAt(version)],
    );
    // Every VEN that ever had the event sees the new version, withdrawn ones included.
    const vens = await this.rows(`select ven_id from event_vens where event_id = $1`, [version.eventId]);
    this.changed(vens.map((r) => r.ven_id as string));
    await this.rows(`insert into event_versions (event_id, modification_number, version) values ($1, $2, $3)`, [
      version.eventId,
      version.modificationNumber,
      version,
    ]);
  }

  async eventVersions(eventId: string): Promise<EventVersion[]> {
    return (
      await this.rows(`select version from event_versions where event_id = $1 order by modification_number`, [eventId])
    ).map((r) => r.version as EventVersion);
  }

  async events(filter: EventListFilter): Promise<StoredEvent[]> {
    const params: unknown[] = [filter.limit];
    const where: string[] = [];
    if (filter.after !== undefined) {
      params.push(filter.after);
      where.push(`e.event_id > $${params.length}`);
    }
    if (filter.venId !== undefined) {
      params.push(filter.venId);
      where.push(
        `exists (select 1 from event_vens ev where ev.event_id = e.event_id and ev.ven_id = $${params.length})`,
      );
    }
    if (filter.from !== undefined) {
      params.push(filter.from);
      where.push(`(e.ends_at is null or e.ends_at > $${params.length})`);
    }
    if (filter.to !== undefined) {
      params.push(filter.to);
      where.push(`(e.version->>'start')::bigint < $${params.length}`);
    }
    return (
      await this.rows(
        `select * from events e ${where.length ? `where ${where.join(' and ')}` : ''} order by e.event_id limit $1`,
        params,
      )
    ).map(eventOf);
  }

  async eventVens(eventId: string): Promise<EventVenRow[]> {
    return (await this.rows(`select * from event_vens where event_id = $1 order by ven_id`, [eventId])).map(eventVenOf);
  }

  async eventVen(eventId: string, venId: string): Promise<EventVenRow | undefined> {
    const [row] = await this.rows(`select * from event_vens where ven_id = $1 and event_id = $2`, [venId, eventId]);
    return row ? eventVenOf(row) : undefined;
  }

  async setEventMatch(eventId: string, venId: string, matched: boolean, now: Instant): Promise<void> {
    await this.rows(
      `insert into event_vens (event_id, ven_id, matched) values ($1, $2, $3)
       on conflict (ven_id, event_id) do update set matched = $3,
         withdrawn_at = case when $3 then null
                             when event_vens.matched and event_vens.delivered_modification_number is not null then $4
                             else event_vens.withdrawn_at end,
         cancellation_acked = case when $3 then false else event_vens.cancellation_acked end`,
      [eventId, venId, matched, new Date(now)],
    );
    this.changed([venId]);
  }

  async fullStateRows(venId: string, now: Instant): Promise<FullStateRow[]> {
    // Kept rows stay right while nothing notifies: EV-12's time rules are applied to them at each use.
    const cached = await this.cached(venId, (views) => views.fullState);
    if (cached) return [...cached];
    const mark = this.views?.mark();
    const rows = await this.rows(
      `select ev.*, e.version, e.cancelled_at from event_vens ev join events e using (event_id)
       where ev.ven_id = $1 and (ev.matched or ev.delivered_modification_number is not null)
         and not ev.cancellation_acked and (e.ends_at is null or e.ends_at > $2)`,
      [venId, now],
    );
    const fullState = rows.map((r) => ({
      ...eventVenOf(r),
      version: r.version as EventVersion,
      cancelledAt: ms(r.cancelled_at),
    }));
    if (mark !== undefined && !this.client) this.views?.keep(venId, { fullState }, mark);
    return fullState;
  }

  async recordDeliveries(
    venId: string,
    delivered: readonly { eventId: string; modificationNumber: number }[],
    now: Instant,
  ): Promise<void> {
    if (delivered.length === 0) return;
    const eventIds = delivered.map((d) => d.eventId);
    const numbers = delivered.map((d) => d.modificationNumber);
    await this.rows(
      `update event_vens ev set delivered_modification_number = d.n, delivered_at = $4
       from unnest($2::text[], $3::int[]) as d(event_id, n) where ev.ven_id = $1 and ev.event_id = d.event_id`,
      [venId, eventIds, numbers, new Date(now)],
    );
    await this.rows(
      `insert into event_deliveries (ven_id, event_id, modification_number, delivered_at)
       select $1, d.event_id, d.n, $4 from unnest($2::text[], $3::int[]) as d(event_id, n) on conflict do nothing`,
      [venId, eventIds, numbers, new Date(now)],
    );
    this.changed([venId]);
  }

  async ackCancellation(venId: string, eventId: string): Promise<void> {
    await this.rows(`update event_vens set cancellation_acked = true where ven_id = $1 and event_id = $2`, [
      venId,
      eventId,
    ]);
    this.changed([venId]);
  }

  async optResponse(venId: string, eventId: string, n: number): Promise<OptResponseRow | undefined> {
    const [row] = await this.rows(
      `select * from opt_responses where ven_id = $1 and event_id = $2 and modification_number = $3`,
      [venId, eventId, n],
    );
    return row ? optResponseOf(row) : undefined;
  }

  async saveOptResponse(r: OptResponseRow): Promise<void> {
    await this.rows(
      `insert into opt_responses (ven_id, event_id, modification_number, opt_type, response_code, request_id, stale, received_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (ven_id, event_id, modification_number) do update set opt_type = $4, response_code = $5,
         request_id = $6, stale = $7, received_at = $8`,
      [
        r.venId,
        r.eventId,
        r.modificationNumber,
        r.optType,
        r.responseCode,
        r.requestId,
        r.stale,
        new Date(r.receivedAt),
      ],
    );
  }

  async optResponsesOfEvent(eventId: string): Promise<OptResponseRow[]> {
    return (
      await this.rows(`select * from opt_responses where event_id = $1 order by ven_id, modification_number`, [eventId])
    ).map(optResponseOf);
  }

  async opt(venId: string, optId: string): Promise<OptRow | undefined> {
    const [row] = await this.rows(`select * from opts where ven_id = $1 and opt_id = $2`, [venId, optId]);
    return row ? optOf(row) : undefined;
  }

  async saveOpt(r: OptRow): Promise<void> {
    await this.rows(
      `insert into opts (ven_id, opt_id, kind, event_id, modification_number, opt_type, opt_reason, content, state, received_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (ven_id, opt_id) do update set kind = $3, event_id = $4, modification_number = $5, opt_type = $6,
         opt_reason = $7, content = $8, state = $9, received_at = $10`,
      [
        r.venId,
        r.optId,
        r.kind,
        r.eventId,
        r.modificationNumber,
        r.optType,
        r.optReason,
        r.content,
        r.state,
        new Date(r.receivedAt),
      ],
    );
  }

  async cancelOpt(venId: string, optId: string): Promise<void> {
    await this.rows(`update opts set state = 'cancelled' where ven_id = $1 and opt_id = $2`, [venId, optId]);
  }

  async opts(venId?: string, eventId?: string): Promise<OptRow[]> {
    return (
      await this.rows(
        `select * from opts where ($1::text is null or ven_id = $1) and ($2::text is null or event_id = $2)
         order by received_at`,
        [venId ?? null, eventId ?? null],
      )
    ).map(optOf);
  }

  async enqueueDistribute(venId: string): Promise<void> {
    await this.rows(
      `insert into queue_items (ven_id, kind, supersede_key) values ($1, 'distribute', 'events')
       on conflict (ven_id) where kind = 'distribute' and ${OPEN}
       do update set state = 'pending', attempts = 0, last_delivered_at = null`,
      [venId],
    );
    this.changed([venId]);
  }

  async enqueue(venId: string, item: NewQueueItem): Promise<number> {
    const [row] = await this.rows(
      `insert into queue_items (ven_id, kind, supersede_key, payload, request_id, report_request_ids)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [venId, item.kind, item.supersedeKey, item.payload, item.requestId, item.reportRequestIds ?? []],
    );
    this.changed([venId]);
    return Number((row as Row).id);
  }

  async supersede(venId: string, key: string | 'all', now: Instant): Promise<QueueItem[]> {
    // EV-16 supersedes on every oadrRequestEvent: a view showing nothing open to supersede saves the statement.
    const view = this.client ? undefined : this.views?.get(venId)?.poll;
    if (view && (view.nextDueAt === null || (key === 'events' && !view.openDistribute))) return [];
    const superseded = (
      await this.rows(
        `update queue_items set state = 'superseded', settled_at = $3
         where ven_id = $1 and ${OPEN} and ($2::text = 'all' or supersede_key = $2) returning *`,
        [venId, key, new Date(now)],
      )
    ).map(itemOf);
    if (superseded.length > 0) this.changed([venId]);
    return superseded;
  }

  async openItems(venId: string): Promise<QueueItem[]> {
    return (
      await this.rows(`select * from queue_items where ven_id = $1 and ${OPEN} order by id for update skip locked`, [
        venId,
      ])
    ).map(itemOf);
  }

  async claim(itemId: number, now: Instant): Promise<QueueItem> {
    const [row] = await this.rows(
      `update queue_items set state = 'in-flight', attempts = attempts + 1, last_delivered_at = $2 where id = $1 returning *`,
      [itemId, new Date(now)],
    );
    const item = itemOf(row as Row);
    this.changed([item.venId]);
    return item;
  }

  async settle(itemId: number, state: QueueState, now: Instant): Promise<void> {
    const settled = await this.rows(
      `update queue_items set state = $2, settled_at = $3 where id = $1 and ${OPEN} returning ven_id`,
      [itemId, state, new Date(now)],
    );
    this.changed(settled.map((r) => r.ven_id as string));
  }

  async ack(
    venId: string,
    kinds: readonly QueueKind[],
    now: Instant,
    matches: (item: QueueItem) => boolean,
  ): Promise<QueueItem[]> {
    // Q-3: only delivered items, delivered before this reply arrived.
    const candidates = (
      await this.rows(
        `select * from queue_items where ven_id = $1 and state = 'in-flight' and kind = any($2)
           and last_delivered_at <= $3 order by id for update`,
        [venId, kinds, new Date(now)],
      )
    )
      .map(itemOf)
      .filter(matches);
    if (candidates.length > 0) {
      await this.rows(`update queue_items set state = 'acked', settled_at = $2 where id = any($1)`, [
        candidates.map((c) => c.id),
        new Date(now),
      ]);
      this.changed([venId]);
    }
    return candidates;
  }

  async queue(venId: string, limit: number): Promise<QueueItem[]> {
    return (
      await this.rows(`select * from queue_items where ven_id = $1 order by id desc limit $2`, [venId, limit])
    ).map(itemOf);
  }

  async replaceReportRegistrations(
    venId: string,
    rows: readonly Omit<ReportRegistrationRow, 'registeredAt'>[],
  ): Promise<void> {
    await this.rows(`delete from report_registrations where ven_id = $1`, [venId]);
    for (const r of rows)
      await this.rows(
        `insert into report_registrations (ven_id, report_specifier_id, report_name, duration_seconds, descriptions)
         values ($1, $2, $3, $4, $5) on conflict (ven_id, report_specifier_id) do update
         set report_name = $3, duration_seconds = $4, descriptions = $5`,
        [venId, r.reportSpecifierId, r.reportName, r.durationSeconds, JSON.stringify(r.descriptions)],
      );
  }

  async reportRegistrations(venId: string): Promise<ReportRegistrationRow[]> {
    return (
      await this.rows(`select * from report_registrations where ven_id = $1 order by report_specifier_id`, [venId])
    ).map((r) => ({
      venId: r.ven_id as string,
      reportSpecifierId: r.report_specifier_id as string,
      reportName: r.report_name as string,
      durationSeconds: (r.duration_seconds as number | null) ?? null,
      descriptions: r.descriptions as ReportRegistrationRow['descriptions'],
      registeredAt: ms(r.registered_at) ?? 0,
    }));
  }

  async insertReportRequest(r: Omit<ReportRequestRow, 'createdAt'>): Promise<void> {
    await this.rows(
      `insert into report_requests (report_request_id, ven_id, report_specifier_id, report_name, granularity_seconds,
         report_back_seconds, r_ids, state, response_code, origin)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        r.reportRequestId,
        r.venId,
        r.reportSpecifierId,
        r.reportName,
        r.granularitySeconds,
        r.reportBackSeconds,
        r.rIds,
        r.state,
        r.responseCode,
        r.origin,
      ],
    );
  }

  async reportRequest(id: string): Promise<ReportRequestRow | undefined> {
    const [row] = await this.rows(`select * from report_requests where report_request_id = $1`, [id]);
    return row ? reportRequestOf(row) : undefined;
  }

  async reportRequests(venId: string): Promise<ReportRequestRow[]> {
    return (
      await this.rows(`select * from report_requests where ven_id = $1 order by created_at, report_request_id`, [venId])
    ).map(reportRequestOf);
  }

  async setReportRequestState(ids: readonly string[], state: ReportRequestState, code?: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.rows(
      `update report_requests set state = $2, response_code = coalesce($3, response_code), updated_at = now()
       where report_request_id = any($1)`,
      [ids, state, code ?? null],
    );
  }

  async storeReportDatum(d: ReportDatum): Promise<{ revision: number; changed: boolean }> {
    const [latest] = await this.rows(
      `select revision, value, end_ms from report_data where ven_id = $1 and r_id = $2 and start_ms = $3
       order by revision desc limit 1 for update`,
      [d.venId, d.rId, d.startMs],
    );
    if (latest && JSON.stringify(latest.value) === JSON.stringify(d.value) && Number(latest.end_ms) === d.endMs)
      return { revision: latest.revision as number, changed: false };
    const revision = latest ? (latest.revision as number) + 1 : 0;
    await this.rows(
      `insert into report_data (ven_id, r_id, start_ms, revision, end_ms, report_request_id, value)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [d.venId, d.rId, d.startMs, revision, d.endMs, d.reportRequestId, JSON.stringify(d.value)],
    );
    return { revision, changed: true };
  }

  async saveReportStatus(venId: string, rId: string, value: unknown, at: Instant): Promise<void> {
    await this.rows(
      `insert into report_status (ven_id, r_id, value, at) values ($1, $2, $3, $4)
       on conflict (ven_id, r_id) do update set value = $3, at = $4 where report_status.at <= $4`,
      [venId, rId, JSON.stringify(value), new Date(at)],
    );
  }

  async reportStatus(venId?: string): Promise<{ venId: string; rId: string; value: unknown; at: Instant }[]> {
    return (
      await this.rows(`select * from report_status where ($1::text is null or ven_id = $1) order by ven_id, r_id`, [
        venId ?? null,
      ])
    ).map((r) => ({ venId: r.ven_id as string, rId: r.r_id as string, value: r.value, at: ms(r.at) ?? 0 }));
  }
}
