import { type Queryable } from '@flexgrid/p2p-service';

export interface Rejection {
  channel: 'kafka' | 'http';
  streamKey: string;
  reason: string;
  value: unknown;
  at: number;
}

/** SQL behind P2P-IN8: rejected records with their reason, for the operator. */
export const rejectionStore = {
  async add(db: Queryable, rejection: Rejection): Promise<void> {
    await db.query(
      `insert into rejected_records (channel, stream_key, reason, value, rejected_at) values ($1, $2, $3, $4, $5)`,
      // jsonb refuses \u0000, which a string of a rejected record may carry: kept as its escape's text.
      [rejection.channel, rejection.streamKey, rejection.reason, storableJson(rejection.value), rejection.at],
    );
  },

  async list(db: Queryable, limit: number): Promise<Rejection[]> {
    const { rows } = await db.query<Rejection>(
      `select channel, stream_key as "streamKey", reason, value, rejected_at::float8 as at
         from rejected_records order by id desc limit $1`,
      [limit],
    );
    return rows;
  },
};

/** The value as jsonb can store it: a NUL character in a string becomes the text `\u0000`. */
function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(/\0/g, '\\u0000') : v));
}
