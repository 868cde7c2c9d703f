import { type LedgerEntry, type LedgerEntryJson, type SettlementRunResult } from '@flexgrid/protocol-p2p';
import { type Queryable } from './queryable';

/** Rows as JSON arrays, inserted in one statement per table (a run of 10 000 members is one round trip each). */
async function insertJson(db: Queryable, sql: string, rows: readonly unknown[]): Promise<void> {
  if (rows.length > 0) await db.query(sql, [JSON.stringify(rows)]);
}

/** SQL behind settlement runs and what they produced (§9, §10, §14.1). */
export const settlementStore = {
  async lastAsOf(db: Queryable): Promise<number | undefined> {
    const { rows } = await db.query<{ asOf: string | null }>(`select max(as_of) as "asOf" from settlement_runs`);
    return rows[0].asOf === null ? undefined : Number(rows[0].asOf);
  },

  async saveRun(
    db: Queryable,
    result: SettlementRunResult,
    summary: object,
    entryJson: (entry: LedgerEntry) => LedgerEntryJson,
  ): Promise<void> {
    await db.query(`insert into settlement_runs (run_no, as_of, summary) values ($1, $2, $3)`, [
      result.runNo,
      result.asOf,
      JSON.stringify(summary),
    ]);
    await insertJson(
      db,
      `insert into settlement_records (ce_id, type, interval_start, run_no, value)
       select x->>'ceId', x->>'type', (x->'value'->>'intervalStart')::bigint, (x->>'runNo')::int, x->'value'
         from jsonb_array_elements($1::jsonb) as x`,
      result.records.map((r) => ({ ...r, runNo: result.runNo })),
    );
    await insertJson(
      db,
      `insert into ledger_entries (entry_id, member_id, seq, interval_start, run_no, value)
       select x->>'entryId', x->>'memberId', (x->>'seq')::int, (x->>'intervalStart')::bigint, (x->>'runNo')::int, x
         from jsonb_array_elements($1::jsonb) as x`,
      result.entries.map(entryJson),
    );
    await insertJson(
      db,
      `insert into payment_requests (request_id, consumer_id, seq, run_no, value)
       select x->'value'->>'requestId', x->'value'->>'consumerId', (x->'value'->>'seq')::int, (x->>'runNo')::int, x->'value'
         from jsonb_array_elements($1::jsonb) as x`,
      result.paymentRequests.map((value) => ({ value, runNo: result.runNo })),
    );
    await insertJson(
      db,
      `insert into payouts (payment_id, producer_id, run_no, value)
       select x->'value'->>'paymentId', x->'value'->>'producerId', (x->>'runNo')::int, x->'value'
         from jsonb_array_elements($1::jsonb) as x`,
      result.payouts.map((value) => ({ value, runNo: result.runNo })),
    );
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
