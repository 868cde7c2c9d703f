import { type Queryable } from './queryable';

/** A settlement record's value as the exports read it (P2P-S5). */
export interface RecordValue {
  intervalStart: number;
  intervalEnd: number;
  version?: number;
  adjustmentNo?: number;
  rule: { name: string; version: number };
  totals: { producedWh: number; consumedWh: number; matchedWh: number; importWh: number; exportWh: number };
  prices: { consumerPerMWh: number | null; producerPerMWh: number | null };
  gridLine: number;
  complete: boolean;
  gaps: string[];
  inputs: { id: string; role: string; status: string; quality: string | null; revision: number | null }[];
}

export interface EntryValue {
  entryId: string;
  memberId: string;
  role: string;
  kind: string;
  intervalStart: number;
  version: number | null;
  adjustmentNo: number | null;
  energyWh: number;
  billedWh: number;
  units: number;
  amount: number;
  postedAt: number;
}

/** SQL behind §14.3. */
export const exportStore = {
  /** Every record of the intervals `[from, to)`, in the order they were written. */
  async records(db: Queryable, from: number, to: number) {
    const { rows } = await db.query<{ type: string; value: RecordValue }>(
      `select type, value from settlement_records where interval_start >= $1 and interval_start < $2
        order by interval_start, run_no, ce_id`,
      [from, to],
    );
    return rows;
  },

  async entries(db: Queryable, from: number, to: number, memberId?: string) {
    const { rows } = await db.query<{ value: EntryValue }>(
      `select value from ledger_entries where interval_start >= $1 and interval_start < $2
          and ($3::text is null or member_id = $3) order by interval_start, run_no, member_id, seq`,
      [from, to, memberId ?? null],
    );
    return rows.map((r) => r.value);
  },
};
