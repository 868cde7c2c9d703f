import { type Queryable } from '@flexgrid/p2p-service';
import { intervalStartOf } from '@flexgrid/protocol-p2p';

export interface ProducerState {
  /** P2P-T9: the start of the interval containing the first start. */
  epoch: number;
  /** The hash of the secret of the stream's latest hello; null before the first. */
  helloSideKeyHash: string | null;
  /** Closed down (P2P-AG8): no runs until the next start. */
  closed: boolean;
}

/** SQL behind the facts fixed at the producer's first start and its channel's state (P2P-AG8). */
export const producerStateStore = {
  async open(db: Queryable, first: { epoch: number; intervalMs: number }): Promise<ProducerState> {
    await db.query(`insert into producer_state (epoch) values ($1) on conflict (singleton) do nothing`, [
      intervalStartOf(first.epoch, first.intervalMs),
    ]);
    return this.read(db, false);
  },

  async read(db: Queryable, lock: boolean): Promise<ProducerState> {
    const { rows } = await db.query<{ epoch: string; helloSideKeyHash: string | null; closed: boolean }>(
      `select epoch, hello_side_key_hash as "helloSideKeyHash", closed from producer_state${lock ? ' for update' : ''}`,
    );
    return { epoch: Number(rows[0].epoch), helloSideKeyHash: rows[0].helloSideKeyHash, closed: rows[0].closed };
  },

  async setChannel(db: Queryable, channel: { helloSideKeyHash: string | null; closed: boolean }): Promise<void> {
    await db.query(`update producer_state set hello_side_key_hash = $1, closed = $2`, [
      channel.helloSideKeyHash,
      channel.closed,
    ]);
  },
};
