import { inTransaction } from '@flexgrid/platform-db';
import {
  type ChannelCommand,
  Grid,
  type GridOptions,
  type PaymentEvent,
  type StreamRecord,
  type StreamRegistration,
} from '@flexgrid/protocol-p2p';
import type { Pool, PoolClient } from 'pg';

/** One fact that changes the settlement domain, as journaled (JSON: spans and records are plain data). */
export type JournalEntry =
  | {
      kind: 'register';
      id: string;
      role: 'producer' | 'consumer';
      at: number;
      streamKey: string;
      binding: StreamRegistration;
    }
  | { kind: 'deregister'; id: string; at: number }
  | { kind: 'channel'; command: ChannelCommand }
  | { kind: 'reading'; record: StreamRecord; now: number }
  | { kind: 'output'; record: StreamRecord; now: number }
  | { kind: 'payment'; event: PaymentEvent }
  | { kind: 'allocate'; paymentId: string; consumerId: string }
  | { kind: 'payout-confirmed'; paymentId: string }
  | { kind: 'run'; asOf: number };

/** Applies one fact to the Grid; what it returns is the caller's to store (a run's records, an ingestion's outcome). */
function apply(grid: Grid, entry: JournalEntry) {
  switch (entry.kind) {
    case 'register':
      return grid.register(entry.id, entry.role, entry.at, entry.streamKey, entry.binding);
    case 'deregister':
      return grid.deregister(entry.id, entry.at);
    case 'channel':
      return grid.channel(entry.command);
    case 'reading':
      return grid.ingestReading(entry.record, entry.now);
    case 'output':
      return grid.ingestOutput(entry.record, entry.now);
    case 'payment':
      return grid.recordPayment(entry.event);
    case 'allocate':
      return grid.payments.allocate(entry.paymentId, entry.consumerId);
    case 'payout-confirmed':
      return grid.recordPayoutConfirmed(entry.paymentId);
    case 'run':
      return grid.run(entry.asOf);
  }
}

type Applied<K extends JournalEntry['kind']> = ReturnType<
  {
    register: Grid['register'];
    deregister: Grid['deregister'];
    channel: Grid['channel'];
    reading: Grid['ingestReading'];
    output: Grid['ingestOutput'];
    payment: Grid['recordPayment'];
    allocate: Grid['payments']['allocate'];
    'payout-confirmed': Grid['recordPayoutConfirmed'];
    run: Grid['run'];
  }[K]
>;

/** What a unit of work sees: the Grid to read, and `record` to change it inside the work's transaction. */
export interface GridTransaction {
  client: PoolClient;
  grid: Grid;
  /** Applies the fact to the Grid and journals it in this transaction. */
  record<E extends JournalEntry>(entry: E): Applied<E['kind']>;
  /** Applies the fact and journals it only if `keep` says its outcome changed the domain. */
  recordIf<E extends JournalEntry>(entry: E, keep: (outcome: Applied<E['kind']>) => boolean): Applied<E['kind']>;
}

const BIGINT_TAG = '__bigint';

/** The journal is JSON; bigints (none today in the facts, but records may grow them) round-trip tagged. */
function toJson(entry: JournalEntry): string {
  return JSON.stringify(entry, (_key, value: unknown) =>
    typeof value === 'bigint' ? { [BIGINT_TAG]: value.toString() } : value,
  );
}

/**
 * The grid's settlement domain: the lib's `Grid`, kept in memory and made durable by journaling every fact that
 * changes it in the same transaction as the fact's effects. Work runs one unit at a time, so the journal's order
 * is the order the Grid saw; a failed transaction rebuilds the Grid from the journal, so memory never runs ahead
 * of the database. A crash loses nothing committed and leaves no trace of what was not (P2P-S10).
 */
export class JournaledGrid {
  private grid: Grid;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: Pool,
    private readonly options: GridOptions,
  ) {
    this.grid = new Grid(options);
  }

  /** The Grid as the journal left it. */
  static async open(pool: Pool, options: GridOptions): Promise<JournaledGrid> {
    const journaled = new JournaledGrid(pool, options);
    await journaled.replay();
    return journaled;
  }

  /** For reads between units of work (operator API); never change it outside `transact`. */
  get current(): Grid {
    return this.grid;
  }

  /** Runs `work` alone, in one transaction; the facts it records commit with it or not at all. */
  transact<T>(work: (tx: GridTransaction) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.unit(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async unit<T>(work: (tx: GridTransaction) => Promise<T>): Promise<T> {
    let touched = false;
    try {
      return await inTransaction(this.pool, async (client) => {
        const facts: JournalEntry[] = [];
        const applied = <E extends JournalEntry>(entry: E) => {
          touched = true;
          return apply(this.grid, entry) as Applied<E['kind']>;
        };
        const tx: GridTransaction = {
          client,
          grid: this.grid,
          record: (entry) => {
            const outcome = applied(entry);
            facts.push(entry);
            return outcome;
          },
          recordIf: (entry, keep) => {
            const outcome = applied(entry);
            if (keep(outcome)) facts.push(entry);
            return outcome;
          },
        };
        const result = await work(tx);
        if (facts.length > 0)
          await client.query(
            `insert into journal (kind, payload) select x->>'kind', x from jsonb_array_elements($1::jsonb) as x`,
            [`[${facts.map(toJson).join(',')}]`],
          );
        return result;
      });
    } catch (error) {
      // The Grid may have applied facts that did not commit: back to what the journal holds.
      if (touched) await this.replay();
      throw error;
    }
  }

  private async replay(): Promise<void> {
    const grid = new Grid(this.options);
    const batch = 10_000;
    for (let after = 0; ;) {
      const { rows } = await this.pool.query<{ seq: string; payload: JournalEntry }>(
        `select seq, payload from journal where seq > $1 order by seq limit $2`,
        [after, batch],
      );
      for (const row of rows) apply(grid, revive(row.payload));
      if (rows.length < batch) break;
      after = Number(rows[rows.length - 1].seq);
    }
    this.grid = grid;
  }
}

function revive(entry: JournalEntry): JournalEntry {
  return JSON.parse(JSON.stringify(entry), (_key, value: unknown) =>
    value !== null && typeof value === 'object' && BIGINT_TAG in value
      ? BigInt((value as Record<string, string>)[BIGINT_TAG])
      : value,
  ) as JournalEntry;
}
