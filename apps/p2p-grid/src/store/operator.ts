import { type Queryable } from './queryable';

/** The latest record of a settled interval, as the operator sees it. */
export interface IntervalView {
  final: boolean;
  latest: {
    version: number | null;
    adjustments: number;
    totals: unknown;
    gaps: unknown;
    complete: unknown;
    gridLine: unknown;
  };
}

/** SQL behind the operator API's reads (§14.1). */
export const operatorStore = {
  async members(db: Queryable) {
    const { rows } = await db.query<{
      id: string;
      itemName: string | null;
      itemType: string | null;
      role: string | null;
      status: string;
      createdAt: number;
      updatedAt: number;
    }>(
      `select id, item_name as "itemName", item_type as "itemType", role, status, created_at::float8 as "createdAt",
              updated_at::float8 as "updatedAt" from registrations order by id`,
    );
    return rows;
  },

  async intervals(db: Queryable, from: number, to: number): Promise<Map<number, IntervalView>> {
    const { rows } = await db.query<{ start: string; type: string; overview: Record<string, unknown> }>(
      `select interval_start as start, type, overview from settlement_records
        where interval_start >= $1 and interval_start < $2 order by interval_start, run_no, ce_id`,
      [from, to],
    );
    const views = new Map<number, IntervalView>();
    for (const row of rows) {
      const n = Number(row.start);
      const view = views.get(n) ?? {
        final: false,
        latest: { version: null, adjustments: 0, totals: null, gaps: null, complete: null, gridLine: null },
      };
      if (row.type === 'settlement.finalised') view.final = true;
      else {
        const v = row.overview;
        view.latest = {
          version: row.type === 'settlement.interval' ? (v.version as number) : view.latest.version,
          adjustments: row.type === 'settlement.adjustment' ? view.latest.adjustments + 1 : view.latest.adjustments,
          totals: v.totals,
          gaps: v.gaps,
          complete: v.complete,
          gridLine: v.gridLine,
        };
      }
      views.set(n, view);
    }
    return views;
  },

  async settlementRecords(db: Queryable, intervalStart: number) {
    const { rows } = await db.query<{ ceId: string; type: string; value: unknown }>(
      `select ce_id as "ceId", type, value from settlement_records where interval_start = $1 order by run_no, ce_id`,
      [intervalStart],
    );
    return rows;
  },

  async paymentRequests(db: Queryable) {
    const { rows } = await db.query<{ value: { requestId: string } & Record<string, unknown> }>(
      `select value from payment_requests order by consumer_id, seq`,
    );
    return rows.map((r) => r.value);
  },

  async paymentIds(db: Queryable): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select distinct payload->'event'->>'paymentId' as id from journal where kind = 'payment' order by 1`,
    );
    return rows.map((r) => r.id);
  },

  async payouts(db: Queryable) {
    const { rows } = await db.query<{
      value: { paymentId: string } & Record<string, unknown>;
      confirmedAt: string | null;
    }>(`select value, confirmed_at as "confirmedAt" from payouts order by run_no, payment_id`);
    return rows.map((r) => ({ ...r.value, confirmedAt: r.confirmedAt === null ? null : Number(r.confirmedAt) }));
  },

  async rejectedRecords(db: Queryable) {
    const { rows } = await db.query<{
      id: string;
      topic: string;
      key: string;
      reason: string;
      value: unknown;
      at: string;
    }>(`select id, topic, record_key as key, reason, value, rejected_at as at from rejected_records order by id`);
    return rows;
  },
};

/** What the operator page's live stream reads: the journal's newest facts, and the latest run (§14.4). */
export const operatorPageStore = {
  async journalHead(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ seq: string }>(`select coalesce(max(seq), 0) as seq from journal`);
    return Number(rows[0].seq);
  },

  /** The facts journaled after `seq`, counted by kind. */
  async journalSince(db: Queryable, seq: number): Promise<{ seq: number; kinds: Record<string, number> }> {
    const { rows } = await db.query<{ kind: string; n: number; last: string }>(
      `select kind, count(*)::int as n, max(seq) as last from journal where seq > $1 group by kind`,
      [seq],
    );
    const kinds: Record<string, number> = {};
    let last = seq;
    for (const row of rows) {
      kinds[row.kind] = row.n;
      last = Math.max(last, Number(row.last));
    }
    return { seq: last, kinds };
  },

  /** The newest payouts first (run numbers are not in the ids' byte order). */
  async recentPayouts(db: Queryable, limit: number) {
    const { rows } = await db.query<{
      value: { paymentId: string } & Record<string, unknown>;
      confirmedAt: string | null;
    }>(`select value, confirmed_at as "confirmedAt" from payouts order by run_no desc, payment_id limit $1`, [limit]);
    return rows.map((r) => ({ ...r.value, confirmedAt: r.confirmedAt === null ? null : Number(r.confirmedAt) }));
  },

  async lastRun(db: Queryable): Promise<{ runNo: number; asOf: number; summary: unknown } | null> {
    const { rows } = await db.query<{ runNo: number; asOf: string; summary: unknown }>(
      `select run_no as "runNo", as_of as "asOf", summary from settlement_runs order by run_no desc limit 1`,
    );
    return rows.length === 0 ? null : { runNo: rows[0].runNo, asOf: Number(rows[0].asOf), summary: rows[0].summary };
  },
};
