import { inTransaction } from '@flexgrid/platform-db';
import {
  type ChannelCommand,
  Producer,
  type ProducerOffer,
  type ProducerOptions,
  type PayoutConfirmedValue,
  type StreamRecord,
  type StreamRegistration,
} from '@flexgrid/protocol-p2p';
import { journalStore } from '@flexgrid/p2p-service';
import type { Pool, PoolClient } from 'pg';

/** One fact that changes the aggregation domain, as journaled (plain JSON). */
export type JournalEntry =
  | { kind: 'register'; id: string; at: number; streamKey: string; binding: StreamRegistration }
  | { kind: 'deregister'; id: string; at: number }
  | { kind: 'channel'; command: ChannelCommand }
  | { kind: 'reading'; record: StreamRecord; now: number }
  | { kind: 'run'; asOf: number; offer: ProducerOffer }
  | { kind: 'payout'; payout: PayoutConfirmedValue };

function apply(producer: Producer, entry: JournalEntry) {
  switch (entry.kind) {
    case 'register':
      return producer.sources.register(entry.id, 'source', entry.at, entry.streamKey, entry.binding);
    case 'deregister':
      return producer.sources.deregister(entry.id, entry.at);
    case 'channel':
      return producer.channel(entry.command);
    case 'reading':
      return producer.ingest(entry.record, entry.now);
    case 'run':
      return producer.run(entry.asOf, entry.offer);
    case 'payout':
      return producer.recordPayoutConfirmed(entry.payout);
  }
}

type Applied<K extends JournalEntry['kind']> = ReturnType<
  {
    register: Producer['sources']['register'];
    deregister: Producer['sources']['deregister'];
    channel: Producer['channel'];
    reading: Producer['ingest'];
    run: Producer['run'];
    payout: Producer['recordPayoutConfirmed'];
  }[K]
>;

/** What a unit of work sees: the Producer to read, and `record` to change it inside the work's transaction. */
export interface ProducerTransaction {
  client: PoolClient;
  producer: Producer;
  /** Applies the fact to the Producer and journals it in this transaction. */
  record<E extends JournalEntry>(entry: E): Applied<E['kind']>;
  /** Applies the fact and journals it only if `keep` says its outcome changed the domain. */
  recordIf<E extends JournalEntry>(entry: E, keep: (outcome: Applied<E['kind']>) => boolean): Applied<E['kind']>;
}

/**
 * The producer's aggregation domain: the lib's `Producer` in memory, made durable by journaling every fact that
 * changes it in the same transaction as the fact's effects (P2P-IN9, AG6).
 *
 * Replicas share one journal. Every unit of work takes the producer's advisory transaction lock, first applies
 * what other replicas journaled since (so each sees every source's readings, whichever replica consumed them),
 * then works and journals. So work runs one unit at a time across replicas, the journal's order is the order
 * every replica's Producer sees, and one aggregation run at a time publishes each interval once. A failed
 * transaction rebuilds the Producer from the journal: memory never runs ahead of the database.
 */
export class JournaledProducer {
  private producer: Producer;
  private appliedSeq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly options: ProducerOptions,
  ) {
    this.producer = new Producer(options);
  }

  /** Runs `work` alone across replicas, in one transaction; the facts it records commit with it or not at all. */
  transact<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.unit(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads the Producer as the journal stands now (other replicas' facts included). */
  read<T>(read: (producer: Producer) => T): Promise<T> {
    return this.transact(async ({ producer }) => read(producer));
  }

  private async unit<T>(work: (tx: ProducerTransaction) => Promise<T>): Promise<T> {
    let touched = false;
    // A fact the Producer refused by throwing may have changed it part way, and the unit can still catch that and
    // commit (a reading kept as rejected): then it starts again from the journal at the next unit too.
    let halfApplied = false;
    const startAgain = () => {
      this.producer = new Producer(this.options);
      this.appliedSeq = 0;
    };
    try {
      const result = await inTransaction(this.pool, async (client) => {
        await client.query('select pg_advisory_xact_lock(hashtext($1))', [`p2p-producer:${this.options.producerId}`]);
        await this.catchUp(client);
        const facts: JournalEntry[] = [];
        const applied = <E extends JournalEntry>(entry: E) => {
          touched = true;
          try {
            return apply(this.producer, entry) as Applied<E['kind']>;
          } catch (error) {
            halfApplied = true;
            throw error;
          }
        };
        const tx: ProducerTransaction = {
          client,
          producer: this.producer,
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
        const outcome = await work(tx);
        if (facts.length > 0) this.appliedSeq = await journalStore.append(client, facts);
        return outcome;
      });
      if (halfApplied) startAgain();
      return result;
    } catch (error) {
      // The Producer may hold facts that did not commit: start again from the journal at the next unit.
      if (touched) startAgain();
      throw error;
    }
  }

  /** Applies the facts journaled after the last one this replica applied (its own or another replica's). */
  private async catchUp(client: PoolClient): Promise<void> {
    const batch = 10_000;
    for (;;) {
      const facts = await journalStore.read<JournalEntry>(client, this.appliedSeq, batch);
      for (const { seq, fact } of facts) {
        apply(this.producer, fact);
        this.appliedSeq = seq;
      }
      if (facts.length < batch) return;
    }
  }
}
