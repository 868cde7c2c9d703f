import { type Queryable } from './queryable';

/**
 * The journal each P2P service keeps its domain facts in (`journal (seq bigserial, kind text, payload json)`): the
 * facts in the order the service saw them, each kept as the JSON text it was written with. Facts are read whole
 * and in order (a replay); the few reads inside them (the grid's payment ids) touch one kind. Parsing every fact
 * into jsonb cost a third of ingest's time. Facts are plain JSON: a bigint in one throws.
 */
export const journalStore = {
  /**
   * Appends facts in their order, in one statement, and returns the seq of the last. They travel as lines of kind
   * and JSON (JSON.stringify writes no raw tab or newline), which PostgreSQL splits far faster than it parses a JSON
   * array.
   */
  async append(db: Queryable, facts: readonly { kind: string }[]): Promise<number> {
    const { rows } = await db.query<{ last: string }>(
      `with appended as (
         insert into journal (kind, payload)
         select split_part(line, E'\\t', 1), split_part(line, E'\\t', 2)::json
           from string_to_table($1, E'\\n') with ordinality as fact (line, n) order by n
         returning seq)
       select max(seq) as last from appended`,
      [facts.map((fact) => `${fact.kind}\t${JSON.stringify(fact)}`).join('\n')],
    );
    return Number(rows[0].last);
  },

  /** Up to `limit` facts after seq `after`, in their order. */
  async read<Fact>(db: Queryable, after: number, limit: number): Promise<{ seq: number; fact: Fact }[]> {
    const { rows } = await db.query<{ seq: string; fact: Fact }>(
      `select seq, payload as fact from journal where seq > $1 order by seq limit $2`,
      [after, limit],
    );
    return rows.map((row) => ({ seq: Number(row.seq), fact: row.fact }));
  },
};
