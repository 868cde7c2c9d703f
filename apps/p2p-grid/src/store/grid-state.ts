import { intervalStartOf } from '@flexgrid/protocol-p2p';
import { type Queryable } from './queryable';

export interface GridState {
  /** P2P-T9: the start of the interval containing the first start. */
  epoch: number;
  signingSeed: string | null;
}

/** SQL behind the facts fixed at the grid's first start. */
export const gridStateStore = {
  /** The stored state; at first start, the given one (the epoch aligned to its interval). */
  async open(
    db: Queryable,
    first: { epoch: number; intervalMs: number; generatedSeed: string | null },
  ): Promise<GridState> {
    await db.query(`insert into grid_state (epoch, signing_seed) values ($1, $2) on conflict (singleton) do nothing`, [
      intervalStartOf(first.epoch, first.intervalMs),
      first.generatedSeed,
    ]);
    const { rows } = await db.query<{ epoch: string; signingSeed: string | null }>(
      `select epoch, signing_seed as "signingSeed" from grid_state`,
    );
    return { epoch: Number(rows[0].epoch), signingSeed: rows[0].signingSeed };
  },
};
