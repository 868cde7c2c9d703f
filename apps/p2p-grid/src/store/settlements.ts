import {
  type LedgerEntry,
  type LedgerEntryJson,
  type SettlementPublication,
  type SettlementRunResult,
} from '@flexgrid/protocol-p2p';
import { type KeptRows } from '@flexgrid/platform-db';
import { type Queryable } from './queryable';

/**
 * Rows as lines of tab-separated fields, the last one the row's JSON, for a statement that splits them with
 * `string_to_table`/`string_to_array`. PostgreSQL reads 10,000 ledger entries so in 196 ms where a JSON array of
 * them took 333 ms (median of 8 on the benchmark machine), and JSON.stringify never writes a raw tab or newline.
 * The text fields are ids, which §12 limits to printable characters.
 */
function linesOf(rows: readonly (readonly (string | number)[])[]): string {
  return rows
    .map((fields) => {
      for (const field of fields)
        if (typeof field === 'string' && /[\t\n]/.test(field))
          throw new Error(`unexpected tab or newline in '${field}'`);
      return fields.join('\t');
    })
    .join('\n');
}

/** What the interval list shows of a record (§14.4), kept beside it so the list never loads records whole. */
function overviewOf(publication: SettlementPublication): object {
  if (publication.type === 'settlement.finalised') return { version: publication.value.version };
  const { totals, gaps, complete, gridLine } = publication.value;
  const version = publication.type === 'settlement.interval' ? publication.value.version : null;
  return { version, totals, gaps, complete, gridLine };
}

/** SQL behind settlement runs and what they produced (§9, §10, §14.1). */
export const settlementStore = {
  async lastAsOf(db: Queryable): Promise<number | undefined> {
    const { rows } = await db.query<{ asOf: string | null }>(`select max(as_of) as "asOf" from settlement_runs`);
    return rows[0].asOf === null ? undefined : Number(rows[0].asOf);
  },

  async saveEntries(
    db: Queryable,
    result: SettlementRunResult,
    entryJson: (entry: LedgerEntry) => LedgerEntryJson,
  ): Promise<void> {
    if (result.entries.length === 0) return;
    const lines = linesOf(
      result.entries.map((entry) => [
        entry.entryId,
        entry.memberId,
        entry.seq,
        entry.intervalStart,
        JSON.stringify(entryJson(entry)),
      ]),
    );
    await db.query(
      `insert into ledger_entries (entry_id, member_id, seq, interval_start, run_no, value)
       select f[1], f[2], f[3]::int, f[4]::bigint, $2, f[5]::json
         from (select string_to_array(line, E'\\t') as f from string_to_table($1, E'\\n') as line) as row`,
      [lines, result.runNo],
    );
  },

  async saveSummary(db: Queryable, summary: { runNo: number; asOf: number }): Promise<void> {
    await db.query(`insert into settlement_runs (run_no, as_of, summary) values ($1, $2, $3)`, [
      summary.runNo,
      summary.asOf,
      JSON.stringify(summary),
    ]);
  },

  /**
   * A record the run enqueues (P2P-S5, S8, S9), kept as the statement that enqueues it writes it: a record of
   * 10,000 members is megabytes, which then travel to the database once.
   */
  keptRecord(publication: SettlementPublication, runNo: number): KeptRows {
    return {
      sql: (rows, first) =>
        `insert into settlement_records (ce_id, type, interval_start, run_no, value, overview)
         select event_id, event_type, $${first}::bigint, $${first + 1}::int, value::json, $${first + 2}::jsonb from ${rows}`,
      params: [publication.value.intervalStart, runNo, JSON.stringify(overviewOf(publication))],
    };
  },

  /**
   * The payment requests a run enqueues, kept as the statement that enqueues them writes them (P2P-L2). `offset 0`
   * keeps PostgreSQL from inlining the subquery, which would read each value as json twice.
   */
  keptPaymentRequests(runNo: number): KeptRows {
    return {
      sql: (rows, first) =>
        `insert into payment_requests (request_id, consumer_id, seq, run_no, value)
         select event_id, event_key, (request->>'seq')::int, $${first}::int, request
           from (select event_id, event_key, value::json as request from ${rows} offset 0) as sent`,
      params: [runNo],
    };
  },

  /** The payouts a run enqueues (P2P-L4). */
  keptPayouts(runNo: number): KeptRows {
    return {
      sql: (rows, first) =>
        `insert into payouts (payment_id, producer_id, run_no, value)
         select event_key, data->>'producerId', $${first}::int, data::json from ${rows}`,
      params: [runNo],
    };
  },

  async payoutConfirmed(db: Queryable, paymentId: string, confirmedAt: number): Promise<void> {
    await db.query(`update payouts set confirmed_at = $2 where payment_id = $1 and confirmed_at is null`, [
      paymentId,
      confirmedAt,
    ]);
  },

  async reject(
    db: Queryable,
    rejection: { topic: string; key: string; id: string; reason: string; value: unknown; at: number },
  ): Promise<void> {
    await db.query(
      `insert into rejected_records (topic, record_key, record_id, reason, value, rejected_at)
       values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
      [rejection.topic, rejection.key, rejection.id, rejection.reason, JSON.stringify(rejection.value), rejection.at],
    );
  },
};
