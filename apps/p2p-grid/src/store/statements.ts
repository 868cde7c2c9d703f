import { type EntryValue } from './exports';
import { type Queryable } from './queryable';

/** SQL behind §14.2 statements. */
export const statementStore = {
  /** The member's entries of intervals before `periodEnd` that no final statement covered yet. */
  async openEntries(db: Queryable, memberId: string, periodEnd: number): Promise<EntryValue[]> {
    const { rows } = await db.query<{ value: EntryValue }>(
      `select e.value from ledger_entries e left join statement_entries s using (entry_id)
        where e.member_id = $1 and e.interval_start < $2 and s.entry_id is null order by e.seq`,
      [memberId, periodEnd],
    );
    return rows.map((r) => r.value);
  },

  /** How many intervals of `[from, to)` have their finalised marker. */
  async finalIntervals(db: Queryable, from: number, to: number): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `select count(distinct interval_start)::int as n from settlement_records
        where type = 'settlement.finalised' and interval_start >= $1 and interval_start < $2`,
      [from, to],
    );
    return rows[0].n;
  },

  async requests(db: Queryable, consumerId: string) {
    const { rows } = await db.query<{ value: { requestId: string; owed: number; issuedAt: number } }>(
      `select value from payment_requests where consumer_id = $1 order by seq`,
      [consumerId],
    );
    return rows.map((r) => r.value);
  },

  async payouts(db: Queryable, producerId: string) {
    const { rows } = await db.query<{
      value: { paymentId: string; amount: number; sentAt: number };
      confirmedAt: string | null;
    }>(`select value, confirmed_at as "confirmedAt" from payouts where producer_id = $1 order by run_no`, [producerId]);
    return rows.map((r) => ({ ...r.value, confirmedAt: r.confirmedAt === null ? null : Number(r.confirmedAt) }));
  },

  /** The payment ids the journal holds (their state is the settlement domain's). */
  async paymentIds(db: Queryable): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `select distinct payload->'event'->>'paymentId' as id from journal where kind = 'payment' order by 1`,
    );
    return rows.map((r) => r.id);
  },

  async finalFor(db: Queryable, memberId: string, periodStart: number, periodEnd: number): Promise<string | undefined> {
    const { rows } = await db.query<{ number: string }>(
      `select number from statements where member_id = $1 and period_start = $2 and period_end = $3`,
      [memberId, periodStart, periodEnd],
    );
    return rows[0]?.number;
  },

  /** Stores a final statement under the next number; the table lock keeps numbers gapless and in order. */
  async store(
    db: Queryable,
    prefix: string,
    statement: { memberId: string; periodStart: number; periodEnd: number; entryIds: string[] },
    content: (number: string) => object,
  ): Promise<object> {
    await db.query('lock table statements in exclusive mode');
    const { rows } = await db.query<{ seq: number }>(`select coalesce(max(seq), 0)::int + 1 as seq from statements`);
    const number = `${prefix}${String(rows[0].seq).padStart(6, '0')}`;
    const body = content(number);
    await db.query(
      `insert into statements (number, seq, member_id, period_start, period_end, content)
       values ($1, $2, $3, $4, $5, $6)`,
      [number, rows[0].seq, statement.memberId, statement.periodStart, statement.periodEnd, JSON.stringify(body)],
    );
    await db.query(
      `insert into statement_entries (entry_id, number) select x, $2 from jsonb_array_elements_text($1::jsonb) as x`,
      [JSON.stringify(statement.entryIds), number],
    );
    return body;
  },

  async find(db: Queryable, number: string): Promise<object | undefined> {
    const { rows } = await db.query<{ content: object }>(`select content from statements where number = $1`, [number]);
    return rows[0]?.content;
  },
};
