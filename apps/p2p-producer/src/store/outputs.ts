import { type Queryable } from '@flexgrid/p2p-service';
import { type ProducerOutputValue, readSpan } from '@flexgrid/protocol-p2p';

export interface RunRow {
  runNo: number;
  asOf: number;
  published: number;
  revised: number;
}

/** SQL behind the aggregation runs and what they published (P2P-AG3, AG4, AG6). */
export const outputStore = {
  async lastRun(db: Queryable): Promise<RunRow | undefined> {
    const { rows } = await db.query<RunRow>(
      `select run_no::int as "runNo", as_of::float8 as "asOf", published, revised
         from aggregation_runs order by run_no desc limit 1`,
    );
    return rows[0];
  },

  async saveRun(db: Queryable, run: RunRow, outputs: ProducerOutputValue[], at: number): Promise<void> {
    await db.query(
      `insert into aggregation_runs (run_no, as_of, published, revised, ran_at) values ($1, $2, $3, $4, $5)`,
      [run.runNo, run.asOf, run.published, run.revised, at],
    );
    if (outputs.length === 0) return;
    await db.query(
      `insert into outputs (interval_start, revision, run_no, output_wh, complete, value, published_at)
       select (x->>'intervalStart')::bigint, (x->'value'->>'revision')::int, $1, (x->'value'->>'outputWh')::bigint,
              (x->'value'->>'complete')::boolean, x->'value', (x->'value'->>'publishedAt')::bigint
         from jsonb_array_elements($2::jsonb) as x`,
      [
        run.runNo,
        JSON.stringify(
          outputs.map((value) => ({
            intervalStart: readSpan(value.startTime, value.endTime, value.bounds).start,
            value,
          })),
        ),
      ],
    );
  },

  /** §14.1 `GET /outputs?from=&to=`: every revision of the intervals starting in [from, to), in order. */
  async list(db: Queryable, from: number, to: number, limit: number): Promise<ProducerOutputValue[]> {
    const { rows } = await db.query<{ value: ProducerOutputValue }>(
      `select value from outputs where interval_start >= $1 and interval_start < $2
        order by interval_start, revision limit $3`,
      [from, to, limit],
    );
    return rows.map((row) => row.value);
  },
};
