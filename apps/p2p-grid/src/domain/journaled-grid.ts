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
import { journalStore, P2PHttpError } from '@flexgrid/p2p-service';

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
  | { kind: 'run'; asOf: number; finalise?: number[] };

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
      return grid.run(entry.asOf, entry.finalise);
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

/**
 * The grid's settlement domain: the lib's `Grid`, kept in memory and made durable by journaling every fact that
 * changes it in the same transaction as the fact's effects. Work runs one unit at a time, so the journal's order
 * is the order the Grid saw. A unit that fails may leave memory ahead of the database: the Grid is then dirty and
 * is rebuilt from the journal before anything uses it again (a failed rebuild, say with the database away, leaves
 * it dirty for the next use). Readers get the Grid between units only, so they never see uncommitted facts. A
 * crash loses nothing committed and leaves no trace of what was not (P2P-S10).
 */
export class JournaledGrid {
  private grid: Grid;
  private dirty = false;
  private fenced: Error | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: Pool,
    private readonly options: GridOptions,
    private readonly fencing?: { term: number; lost: (reason: Error) => void },
  ) {
    this.grid = new Grid(options);
  }

  /**
   * The Grid as the journal left it. `fencing`: the leadership term this instance holds; a unit that finds another
   * term fences the grid and calls `lost`.
   */
  static async open(
    pool: Pool,
    options: GridOptions,
    fencing?: { term: number; lost: (reason: Error) => void },
  ): Promise<JournaledGrid> {
    const journaled = new JournaledGrid(pool, options, fencing);
    await journaled.replay();
    return journaled;
  }

  /**
   * The committed Grid, once the units queued before have ended. Use it before the next await: a unit may
   * change it after.
   */
  read(): Promise<Grid> {
    return this.enqueue(async () => {
      await this.clean();
      return this.grid;
    });
  }

  /** Runs `work` alone, in one transaction; the facts it records commit with it or not at all. */
  transact<T>(work: (tx: GridTransaction) => Promise<T>): Promise<T> {
    return this.enqueue(() => this.unit(work));
  }

  /** No unit runs after this (the instance lost its leadership: another may be changing the journal). */
  fence(reason: Error): void {
    this.fenced = reason;
  }

  private enqueue<T>(next: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.fenced) throw this.fenced;
      return next();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async clean(): Promise<void> {
    if (!this.dirty) return;
    await this.replay();
    this.dirty = false;
  }

  private async unit<T>(work: (tx: GridTransaction) => Promise<T>): Promise<T> {
    await this.clean();
    // A fact the Grid refused by throwing may have changed it part way; the unit can still catch that and commit
    // (a reading kept as rejected), so the Grid is then rebuilt from the journal before its next use.
    let halfApplied = false;
    const outcome = await inTransaction(this.pool, async (client) => {
      if (this.fencing) await this.checkTerm(client, this.fencing);
      const facts: JournalEntry[] = [];
      const applied = <E extends JournalEntry>(entry: E) => {
        this.dirty = true;
        try {
          return apply(this.grid, entry) as Applied<E['kind']>;
        } catch (error) {
          halfApplied = true;
          throw error;
        }
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
      if (facts.length > 0) await journalStore.append(client, facts);
      return result;
    });
    // Committed (or nothing applied): memory and journal agree, but for a fact applied half. On failure `dirty`
    // stays as `applied` left it.
    this.dirty = halfApplied;
    return outcome;
  }

  /** Share-locks the term until the commit: a new leader raising it waits for this unit, and stops later ones. */
  private async checkTerm(client: PoolClient, fencing: { term: number; lost: (reason: Error) => void }) {
    const { rows } = await client.query(`select 1 from leader where term = $1 for share`, [fencing.term]);
    if (rows.length > 0) return;
    const reason = new P2PHttpError(503, 'This grid instance is no longer the active one.');
    this.fence(reason);
    fencing.lost(reason);
    throw reason;
  }

  private async replay(): Promise<void> {
    const grid = new Grid(this.options);
    const batch = 10_000;
    for (let after = 0; ;) {
      const facts = await journalStore.read<JournalEntry>(this.pool, after, batch);
      for (const { fact } of facts) apply(grid, fact);
      if (facts.length < batch) break;
      after = facts[facts.length - 1].seq;
    }
    this.grid = grid;
  }
}
