import { type LedgerEntry, type LedgerEntryJson, type SettlementRunResult } from '@flexgrid/protocol-p2p';
import { type Queryable } from './queryable';

/**
 * What a run stores beside its result, serialised once: each record value's and request value's JSON text, which
 * are also what is published (and, for requests, signed).
 */
export interface RunTexts {
  records: readonly string[];
  requests: readonly string[];
}

/** One JSON array of texts that are JSON already. */
const jsonArray = (texts: readonly string[]) => `[${texts.join(',')}]`;

/** SQL behind settlement runs and what they produced (§9, §10, §14.1). */
export const settlementStore = {
  async lastAsOf(db: Queryable): Promise<number | undefined> {
    const { rows } = await db.query<{ asOf: string | null }>(`select max(as_of) as "asOf" from settlement_runs`);
    return rows[0].asOf === null ? undefined : Number(rows[0].asOf);
  },

  /**
   * One statement per table whatever the number of rows (a run of 10,000 members is one round trip each): the
   * values as one JSON array, read in one pass, with the key columns read from each small value.
   */
  async saveRun(
    db: Queryable,
    result: SettlementRunResult,
    summary: object,
    entryJson: (entry: LedgerEntry) => LedgerEntryJson,
    texts: RunTexts,
  ): Promise<void> {
    const { runNo } = result;
    await db.query(`insert into settlement_runs (run_no, as_of, summary) values ($1, $2, $3)`, [
      runNo,
      result.asOf,
      JSON.stringify(summary),
    ]);
    // An interval's record is megabytes: its interval start comes from here, as reading it out of the json would
    // parse the whole value again.
    if (result.records.length > 0)
      await db.query(
        `insert into settlement_records (ce_id, type, interval_start, run_no, value)
         select ce_id, type, interval_start, $5, value
           from rows from (unnest($1::text[]), unnest($2::text[]), unnest($3::bigint[]), json_array_elements($4::json))
             as x (ce_id, type, interval_start, value)`,
        [
          result.records.map((r) => r.ceId),
          result.records.map((r) => r.type),
          result.records.map((r) => r.value.intervalStart),
          jsonArray(texts.records),
          runNo,
        ],
      );
    if (result.entries.length > 0)
      await db.query(
        `insert into ledger_entries (entry_id, member_id, seq, interval_start, run_no, value)
         select k."entryId", k."memberId", k.seq, k."intervalStart", $2, x.value
           from json_array_elements($1::json) as x (value),
             json_to_record(x.value) as k ("entryId" text, "memberId" text, seq int, "intervalStart" bigint)`,
        [JSON.stringify(result.entries.map(entryJson)), runNo],
      );
    if (result.paymentRequests.length > 0)
      await db.query(
        `insert into payment_requests (request_id, consumer_id, seq, run_no, value)
         select k."requestId", k."consumerId", k.seq, $2, x.value
           from json_array_elements($1::json) as x (value),
             json_to_record(x.value) as k ("requestId" text, "consumerId" text, seq int)`,
        [jsonArray(texts.requests), runNo],
      );
    if (result.payouts.length > 0)
      await db.query(
        `insert into payouts (payment_id, producer_id, run_no, value)
         select k."paymentId", k."producerId", $2, x.value
           from json_array_elements($1::json) as x (value),
             json_to_record(x.value) as k ("paymentId" text, "producerId" text)`,
        [JSON.stringify(result.payouts), runNo],
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
