import { type Catalog, catalog as flexgridCatalog, ContractValidator } from '@flexgrid/contracts';
import type { Bus, BusLogger, OutboxCheckpoint, OutgoingEvent, TopicBatch } from '@flexgrid/platform-kafka';
import { checkExtensionNames, ContractViolation, silentLogger } from '@flexgrid/platform-kafka';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { Database } from './database';
import type { Migration } from './migrations';
import { OutboxMetrics, type RewindEvidence } from './outbox-metrics';

/**
 * The transactional outbox: a service writes the events of a change in the same transaction as the change
 * (enqueue), and the relay publishes them. Migration set `platform`, applied before an app's own.
 *
 * Rows are claimed in numbered batches (a database sequence) and published in batch order. The Kafka
 * transaction that publishes a batch also records the outbox checkpoint `{ epoch, batch }`
 * (Bus.publishAtomically): every batch up to `batch` of the database history `epoch` is in the log. After a
 * crash the relay marks sent the claimed rows the checkpoint covers and publishes the others again.
 *
 * What holds: each row is written to the Kafka log exactly once as read_committed readers see it, except
 * after a detected rewind or checkpoint loss (see OutboxRelay), when rows claimed at that moment may be
 * written twice. Handlers still see a record at least once: a consumer that crashes before committing gets
 * it again. So every effect must be idempotent (natural keys, ON CONFLICT).
 *
 * Batch numbers mean something only within one database history. A database restored from a backup or
 * failed over to an asynchronous replica numbers again from an earlier value, so migration 2 gives the
 * history an `epoch` that the checkpoint carries, and that the relay replaces when it finds the database
 * behind its checkpoint.
 */
export const outboxMigrations: Migration[] = [
  {
    version: 1,
    name: 'outbox',
    sql: `
      create sequence flexgrid_outbox_batch;
      create table flexgrid_outbox (
        id bigserial primary key,
        topic text not null,
        event_key text not null,
        event_type text not null,
        event_id text not null,
        event_source text,
        event_time timestamptz not null default now(),
        subject text,
        data jsonb not null,
        created_at timestamptz not null default now(),
        batch bigint,
        sent_at timestamptz,
        failed_reason text
      );
      create index flexgrid_outbox_pending on flexgrid_outbox (batch, id) where sent_at is null and failed_reason is null;
      create index flexgrid_outbox_sent on flexgrid_outbox (sent_at) where sent_at is not null;
    `,
  },
  {
    version: 2,
    name: 'outbox_history',
    // One row. last_sent_batch tells a checkpoint that was never recorded from one that was lost; an install
    // that relayed before this migration starts from its highest sent batch.
    sql: `
      create table flexgrid_outbox_history (
        only_row boolean primary key default true check (only_row),
        epoch uuid not null default gen_random_uuid(),
        last_sent_batch bigint
      );
      insert into flexgrid_outbox_history (last_sent_batch) select max(batch) from flexgrid_outbox where sent_at is not null;
    `,
  },
  {
    version: 3,
    name: 'outbox_extensions',
    // CloudEvents extension attributes, and the value's exact text when its bytes are signed (jsonb's text
    // differs from what was signed); such a row keeps only the text, which is the data's JSON.
    sql: `
      alter table flexgrid_outbox add column extensions jsonb, add column value text, alter column data drop not null,
        add constraint flexgrid_outbox_data_or_value check (data is not null or value is not null);
    `,
  },
  {
    version: 4,
    name: 'outbox_value_lz4',
    // A stored value can be megabytes (a P2P settlement record); lz4 compresses it several times faster than the
    // default pglz. PGlite is built without lz4 and keeps pglz.
    sql: `
      do $$
      begin
        alter table flexgrid_outbox alter column value set compression lz4;
      exception when feature_not_supported then null;
      end $$;
    `,
  },
];

export interface OutboxEntry {
  topic: string;
  event: OutgoingEvent;
}

/**
 * The relays' advisory lock. A database has one outbox table, so one relay at a time relays it whatever its name:
 * during a rolling upgrade that renames the outbox, the old pod and the new one take turns, not both.
 */
const RELAY_LOCK = 'flexgrid_outbox';

/** An outbox row as enqueue writes it; absent fields are null. */
interface NewRow {
  topic: string;
  event_key: string;
  event_type: string;
  event_id: string;
  event_source?: string;
  event_time?: Date;
  subject?: string;
  data?: unknown;
  extensions?: Readonly<Record<string, string>>;
}

/** The columns of NewRow, as a record definition for json_to_record(set). */
const NEW_ROW_COLUMNS = `topic text, event_key text, event_type text, event_id text, event_source text,
  event_time timestamptz, subject text, data jsonb, extensions jsonb`;

/** A stored value at least this long is inserted by a statement of its own (see enqueue). */
const LARGE_VALUE_CHARS = 64 * 1024;

/**
 * Rows the caller keeps in a table of its own as well: `sql` is an INSERT that reads `rows`, a relation with the
 * outbox's columns (topic, event_key, event_type, event_id, event_source, event_time (null unless the event gave
 * one), subject, data jsonb, extensions jsonb, value text), and takes `params` from `$first` on. Each statement
 * that writes outbox rows runs it over its own rows (an enqueue of large values makes several; of no events, none),
 * so each row travels to PostgreSQL once.
 */
export interface KeptRows {
  sql: (rows: string, first: number) => string;
  params: readonly unknown[];
}

export interface EnqueueOptions {
  keep?: KeptRows;
  validator?: ContractValidator;
}

/** One statement of an enqueue, ready to run. */
interface Statement {
  sql: string;
  params: unknown[];
}

/** Outbox rows validated and serialised, to be written inside the caller's transaction. */
export interface PreparedEnqueue {
  run(client: pg.ClientBase): Promise<void>;
}

/** Adds events to the outbox inside the caller's transaction: `prepareEnqueue` and its `run` in one. */
export async function enqueue(
  client: pg.ClientBase,
  entries: readonly OutboxEntry[],
  options: EnqueueOptions = {},
): Promise<void> {
  await prepareEnqueue(entries, options).run(client);
}

/**
 * Validates events and serialises their rows, touching no database: a caller can do it while a statement of its
 * own runs (node-pg runs one statement at a time on a client). Events are validated here, so a contract violation
 * fails the business transaction instead of blocking the relay later.
 *
 * Rows go in as JSON documents, one statement per run of rows, in id order: one statement whatever their number
 * (a VALUES list takes at most 65,535 parameters and is slow to plan when long), and JSON.stringify writes it far
 * faster than node-pg escapes the elements of text arrays. A stored value is spliced into the document unchecked
 * and unescaped (it must be one JSON object or array, as JSON.stringify writes it: see OutgoingEvent.value), and
 * read back as json, which keeps an object's or an array's text as given. A row whose value is megabytes
 * (a P2P settlement record) is a statement of its own with the value as a plain parameter: as part of the
 * document PostgreSQL would parse it twice.
 */
export function prepareEnqueue(
  entries: readonly OutboxEntry[],
  { keep, validator = defaultValidator() }: EnqueueOptions = {},
): PreparedEnqueue {
  const statements: Statement[] = [];
  let documentRows: string[] = [];
  const flushDocument = () => {
    if (documentRows.length > 0) statements.push(insertDocument(documentRows, keep));
    documentRows = [];
  };
  for (const { topic, event } of entries) {
    const check = validator.check(topic, event.type, event.key, event.data);
    if (!check.ok) throw new ContractViolation(topic, check.reason);
    checkExtensionNames(event.extensions);
    const time = event.time === undefined ? undefined : new Date(event.time);
    if (time !== undefined && Number.isNaN(time.getTime())) throw new TypeError(`event ${event.id}: invalid time`);
    // Absent fields are left out: the statement reads them as null (the time as the statement's).
    const row = JSON.stringify({
      topic,
      event_key: event.key,
      event_type: event.type,
      event_id: event.id ?? randomUUID(),
      event_source: event.source,
      event_time: time,
      subject: event.subject,
      data: event.value === undefined ? event.data : undefined,
      extensions: event.extensions,
    } satisfies NewRow);
    if (event.value === undefined) documentRows.push(row);
    else if (event.value.length < LARGE_VALUE_CHARS) documentRows.push(`${row.slice(0, -1)},"value":${event.value}}`);
    else {
      flushDocument();
      statements.push(insertLarge(row, event.value, keep));
    }
  }
  flushDocument();
  return {
    run: async (client) => {
      for (const { sql, params } of statements) await client.query(sql, params);
    },
  };
}

/** Inserts the relation `rows` (NewRow's columns, value text, n the order) into the outbox, and `keep`'s table. */
function insertRows(rows: string, params: unknown[], keep: KeptRows | undefined): Statement {
  const kept = keep ? `, kept as (${keep.sql('enqueued', params.length + 1)})` : '';
  return {
    sql: `with enqueued as (${rows})${kept}
     insert into flexgrid_outbox (topic, event_key, event_type, event_id, event_source, event_time, subject, data, extensions, value)
     select topic, event_key, event_type, event_id, event_source, coalesce(event_time, statement_timestamp()), subject,
            data, extensions, value
       from enqueued order by n`,
    params: keep ? [...params, ...keep.params] : params,
  };
}

function insertDocument(rows: readonly string[], keep: KeptRows | undefined): Statement {
  return insertRows(
    `select topic, event_key, event_type, event_id, event_source, event_time, subject, data, extensions,
            value::text as value, n
       from rows from (json_to_recordset($1::json) as (${NEW_ROW_COLUMNS}, value json)) with ordinality
         as row (topic, event_key, event_type, event_id, event_source, event_time, subject, data, extensions, value, n)`,
    [`[${rows.join(',')}]`],
    keep,
  );
}

function insertLarge(row: string, value: string, keep: KeptRows | undefined): Statement {
  return insertRows(
    `select m.*, $2::text as value, 1 as n from json_to_record($1::json) as m(${NEW_ROW_COLUMNS})`,
    [row, value],
    keep,
  );
}

let sharedValidator: ContractValidator | undefined;
function defaultValidator(): ContractValidator {
  return (sharedValidator ??= new ContractValidator(flexgridCatalog));
}

interface OutboxRow {
  id: string;
  topic: string;
  event_key: string;
  event_type: string;
  event_id: string;
  event_source: string | null;
  event_time: Date;
  subject: string | null;
  data: unknown;
  extensions: Record<string, string> | null;
  value: string | null;
  batch: string;
}

export interface OutboxRelayOptions {
  pool: pg.Pool;
  bus: Bus;
  /** One outbox per service: names the checkpoint and the Kafka transactional id. */
  name: string;
  catalog?: Catalog;
  logger?: BusLogger;
  batchSize?: number;
  /** How often to look for new rows when nobody calls wake(). */
  pollIntervalMs?: number;
  /** Sent rows are deleted after this long. */
  keepSentMs?: number;
  /**
   * Take a PostgreSQL advisory lock so that only one replica relays at a time (the others stand by).
   * Off for the embedded PGlite, which serves one connection at a time and one process anyway.
   */
  leaderLock?: boolean;
  /** The service's registry, for the outbox's counters (published rows, lost checkpoints, rewinds). */
  metrics?: Registry;
  /**
   * How often an idle relay records its checkpoint again. On Kafka the checkpoint is the offset of a consumer
   * group without members, which the broker deletes after `offsets.retention.minutes` (7 days by default)
   * without a commit; keep this well below that. Default 1 hour.
   */
  checkpointRefreshMs?: number;
  /** Test seam: runs after a batch is published and before it is marked sent. */
  afterPublish?: (batch: number) => Promise<void>;
  /**
   * CloudEvents extensions made as a row is published rather than in the transaction that stored it: a signature
   * over a row's stored `value` (P2P-CH5 `p2psig`) then costs that transaction nothing. Called for rows stored
   * with a `value`; undefined adds nothing. It must be deterministic, as a batch published again after a crash
   * must carry the same extensions.
   */
  publishExtensions?: (row: {
    topic: string;
    type: string;
    value: string;
  }) => Promise<Record<string, string>> | undefined;
}

/**
 * Starts a service's relay on its database. On a PostgreSQL server the replicas elect one relay with an
 * advisory lock; the embedded PGlite is one process with one connection, which a held lock would take from
 * every other query (the dev host would hang), so there it takes none.
 */
export function startOutboxRelay(
  database: Database,
  bus: Bus,
  options: Omit<OutboxRelayOptions, 'pool' | 'bus' | 'leaderLock'>,
): OutboxRelay {
  const relay = new OutboxRelay({ ...options, pool: database.pool, bus, leaderLock: !database.embedded });
  relay.start();
  return relay;
}

/** The database history the outbox lives in, and how far its batch sequence got. */
interface OutboxHistory {
  epoch: string;
  last_sent_batch: string | null;
  /** The last batch number the sequence handed out (0 before the first). */
  last_batch: string;
  /** Rows claimed in a batch and neither marked sent nor set aside. */
  claimed_rows: number;
}

/**
 * Publishes outbox rows to the bus in claim order (see outboxMigrations for what is guaranteed).
 *
 * Recovery, when the relay starts or takes the lead again, trusts the bus's checkpoint only when it belongs
 * to this database's history: same epoch, and a batch the sequence has handed out. Otherwise it marks
 * nothing sent, and publishes every claimed row again:
 * - the checkpoint is ahead of the sequence: the database went back in time (a restore, a failover to an
 *   asynchronous replica) and would number new batches as ones already published. The relay starts a new
 *   epoch, so no checkpoint of the old history matches again.
 * - the checkpoint has another epoch: another history recorded it. This database keeps its epoch, which
 *   that history's checkpoints do not match.
 * - there is none on a durable bus although this database has published: it was deleted or expired.
 * Each is logged as an error and counted. An idle relay re-records its checkpoint every
 * `checkpointRefreshMs`, so that the last case does not happen by expiry.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly checkpointRefreshMs: number;
  private readonly logger: BusLogger;
  private readonly validator: ContractValidator;
  private readonly metrics?: OutboxMetrics;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  /** The connection holding the advisory lock; the lock lives and dies with it. */
  private leader?: { client: pg.PoolClient; onError: (error: Error) => void };
  private lastCleanup = 0;
  private recovered = false;
  /** This database's epoch, as of the last recovery. */
  private epoch = '';
  /** The checkpoint on the bus, when it is this history's; what an idle relay records again. */
  private checkpoint?: OutboxCheckpoint;
  private checkpointRecordedAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.checkpointRefreshMs = options.checkpointRefreshMs ?? 3_600_000;
    this.logger = options.logger ?? silentLogger;
    this.validator = options.catalog ? new ContractValidator(options.catalog) : defaultValidator();
    this.metrics = options.metrics && new OutboxMetrics(options.metrics);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Call after committing a transaction that enqueued events, to publish them without waiting for the poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops the loop after the batch in hand, then publishes what is still pending (bounded by `flushTimeoutMs`). */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    const deadline = Date.now() + flushTimeoutMs;
    try {
      if (this.recovered && (await this.holdsLead())) {
        while (Date.now() < deadline && (await this.relayOnce()) > 0);
      }
    } catch (error) {
      this.logger.warn(
        { err: error, outbox: this.options.name },
        'outbox flush on stop failed; the next start publishes the rest',
      );
    } finally {
      await this.releaseLead();
    }
  }

  /**
   * Publishes one batch: the rows claimed before a crash first, else up to batchSize new rows.
   * Returns the number of rows published.
   */
  async relayOnce(): Promise<number> {
    if (!this.recovered) await this.recover();
    const { pool } = this.options;
    let { rows } = await pool.query<OutboxRow>(
      `select * from flexgrid_outbox where batch = (select min(batch) from flexgrid_outbox where batch is not null and sent_at is null and failed_reason is null)
       and sent_at is null and failed_reason is null order by id`,
    );
    if (rows.length === 0) {
      // `sent_at is null` is implied by `batch is null`; saying it lets the planner use the pending index
      // rather than walk every sent row in id order, which grows with the table.
      ({ rows } = await pool.query<OutboxRow>(
        `update flexgrid_outbox set batch = (select nextval('flexgrid_outbox_batch'))
         where id in (select id from flexgrid_outbox where batch is null and sent_at is null and failed_reason is null
                      order by id limit $1 for update skip locked)
         returning *`,
        [this.batchSize],
      ));
      rows.sort((a, b) => Number(a.id) - Number(b.id));
    }
    if (rows.length === 0) return 0;
    for (const row of rows) row.data ??= JSON.parse(row.value as string);
    const batch = Number(rows[0].batch);
    const publishable = await this.setAsideInvalid(rows);
    await this.addPublishExtensions(publishable);
    await this.recordCheckpoint(toBatches(publishable), { epoch: this.epoch, batch });
    this.metrics?.published(this.options.name, publishable.length);
    await this.options.afterPublish?.(batch);
    // Every earlier batch is sent already: the relay publishes the lowest claimed batch first.
    await this.markSentThrough(batch);
    return publishable.length;
  }

  /** Marks sent what the checkpoint shows was published before a crash, if it is this history's (see the class). */
  private async recover(): Promise<void> {
    const { bus, pool, name } = this.options;
    const checkpoint = await bus.outboxCheckpoint(name);
    const {
      rows: [history],
    } = await pool.query<OutboxHistory>(
      `select epoch, last_sent_batch,
         (select case when is_called then last_value else last_value - 1 end from flexgrid_outbox_batch) as last_batch,
         (select count(*)::int from flexgrid_outbox where batch is not null and sent_at is null and failed_reason is null) as claimed_rows
       from flexgrid_outbox_history`,
    );
    this.epoch = history.epoch;
    this.checkpoint = undefined;
    const lastBatch = Number(history.last_batch);
    const facts = { outbox: name, checkpoint, epoch: history.epoch, lastBatch, claimedRows: history.claimed_rows };
    const republished = `the ${history.claimed_rows} claimed rows are published again (duplicates possible, no loss)`;
    if (checkpoint === undefined) {
      if (bus.durable && history.last_sent_batch !== null) {
        this.logger.error(
          { ...facts, lastSentBatch: Number(history.last_sent_batch) },
          `outbox ${name}: its checkpoint on ${bus.description} is gone although this database published through it up to batch ${history.last_sent_batch}: it was deleted, or expired (offsets.retention.minutes) while no relay refreshed it; ${republished}`,
        );
        this.metrics?.checkpointLost(name);
      }
    } else if (checkpoint.epoch !== history.epoch && !(checkpoint.epoch === '' && checkpoint.batch <= lastBatch)) {
      this.refuseCheckpoint(
        `the checkpoint (batch ${checkpoint.batch}) belongs to another database history (epoch ${checkpoint.epoch}; this database's is ${history.epoch})`,
        'checkpoint_of_other_epoch',
        facts,
        republished,
      );
    } else if (checkpoint.batch > lastBatch) {
      // Once the sequence passes the checkpoint, the old history's checkpoint would look like this one's.
      const { rows } = await pool.query<{ epoch: string }>(
        'update flexgrid_outbox_history set epoch = gen_random_uuid() returning epoch',
      );
      this.epoch = rows[0].epoch;
      this.refuseCheckpoint(
        `the database went back in time (restored from a backup or failed over to an asynchronous replica): the checkpoint says batch ${checkpoint.batch} was published, but this database has numbered batches only up to ${lastBatch}; it continues under the new epoch ${this.epoch}`,
        'checkpoint_ahead_of_sequence',
        facts,
        republished,
      );
    } else {
      // Safe even after a rewind that left the sequence at or above the checkpoint (PostgreSQL logs sequence
      // values up to 32 ahead, and a replica or a restore replays that): the claimed rows up to the checkpoint
      // are the old history's own and were published, and new batches are numbered above it.
      // A checkpoint without an epoch was recorded before epochs existed, by this database if it is not ahead.
      const marked = await this.markSentThrough(checkpoint.batch);
      if (marked > 0)
        this.logger.info({ ...facts, rows: marked }, 'outbox rows published before a restart marked sent');
      this.checkpoint = { epoch: this.epoch, batch: checkpoint.batch };
    }
    if (this.checkpoint === undefined && history.last_sent_batch !== null) {
      // A refused or lost checkpoint is replaced by this history's own: what it marked sent was published.
      // Otherwise every restart before the next publish would raise the same alarm again.
      this.checkpoint = { epoch: this.epoch, batch: Number(history.last_sent_batch) };
    }
    // How old the checkpoint is cannot be known: record it again at the first idle moment.
    this.checkpointRecordedAt = 0;
    this.recovered = true;
  }

  /** A checkpoint of another history says nothing about this database's rows: trust none of it. */
  private refuseCheckpoint(what: string, evidence: RewindEvidence, facts: object, republished: string): void {
    this.logger.error(
      { ...facts, epoch: this.epoch },
      `outbox ${this.options.name}: ${what}; nothing is marked sent from the checkpoint, ${republished}`,
    );
    this.metrics?.rewindDetected(this.options.name, evidence);
  }

  private async recordCheckpoint(batches: TopicBatch[], checkpoint: OutboxCheckpoint): Promise<void> {
    await this.options.bus.publishAtomically(this.options.name, batches, checkpoint);
    this.checkpoint = checkpoint;
    this.checkpointRecordedAt = Date.now();
  }

  /** Keeps the checkpoint from expiring while there is nothing to publish (see checkpointRefreshMs). */
  private async refreshCheckpoint(): Promise<void> {
    if (this.checkpoint && Date.now() - this.checkpointRecordedAt >= this.checkpointRefreshMs) {
      await this.recordCheckpoint([], this.checkpoint);
    }
  }

  /** Marks sent the claimed rows of the batches up to `batch`, and notes that this database has published. */
  private async markSentThrough(batch: number): Promise<number> {
    const { rows } = await this.options.pool.query<{ marked: number }>(
      `with marked as (
         update flexgrid_outbox set sent_at = now() where batch <= $1 and sent_at is null and failed_reason is null returning id
       ), noted as (
         update flexgrid_outbox_history set last_sent_batch = $1
       )
       select count(*)::int as marked from marked`,
      [batch],
    );
    return rows[0].marked;
  }

  /** A row the catalog no longer accepts would block the outbox forever: record why and skip it. */
  private async addPublishExtensions(rows: readonly OutboxRow[]): Promise<void> {
    const make = this.options.publishExtensions;
    if (!make) return;
    await Promise.all(
      rows.map(async (row) => {
        const made =
          row.value === null ? undefined : await make({ topic: row.topic, type: row.event_type, value: row.value });
        if (made === undefined) return;
        checkExtensionNames(made);
        row.extensions = { ...row.extensions, ...made };
      }),
    );
  }

  private async setAsideInvalid(rows: OutboxRow[]): Promise<OutboxRow[]> {
    const valid: OutboxRow[] = [];
    for (const row of rows) {
      const check = this.validator.check(row.topic, row.event_type, row.event_key, row.data);
      if (check.ok) {
        valid.push(row);
        continue;
      }
      this.logger.error(
        { outbox: this.options.name, id: row.id, topic: row.topic, reason: check.reason },
        'outbox row breaks its contract; set aside',
      );
      await this.options.pool.query('update flexgrid_outbox set failed_reason = $2 where id = $1', [
        row.id,
        check.reason,
      ]);
    }
    return valid;
  }

  private async run(): Promise<void> {
    let delay = 100;
    while (this.running) {
      try {
        if (!(await this.holdsLead())) {
          await this.idle(5_000);
          continue;
        }
        const published = await this.relayOnce();
        await this.cleanup();
        delay = 100;
        if (published === 0) {
          await this.refreshCheckpoint();
          await this.idle(this.pollIntervalMs);
        }
      } catch (error) {
        this.logger.warn({ err: error, outbox: this.options.name }, `outbox relay failed; retrying in ${delay} ms`);
        // A failed transaction or a lost connection may have left the published state unknown.
        this.recovered = false;
        await this.releaseLead();
        await this.idle(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async holdsLead(): Promise<boolean> {
    if (this.options.leaderLock === false || this.leader) return true;
    const client = await this.options.pool.connect();
    const onError = (error: Error) => this.loseLead(client, error);
    client.on('error', onError);
    try {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [
        RELAY_LOCK,
      ]);
      if (rows[0].locked) {
        this.leader = { client, onError };
        // Another replica may have relayed while this one stood by.
        this.recovered = false;
        return true;
      }
      client.off('error', onError);
      client.release();
      return false;
    } catch (error) {
      client.off('error', onError);
      client.release(error as Error);
      throw error;
    }
  }

  /**
   * The lock's connection died (a database restart, a network cut), and the lock with it: another replica
   * may lead now, so this one must take the lock again before it relays, and recover first.
   */
  private loseLead(client: pg.PoolClient, error: Error): void {
    if (this.leader?.client !== client) return;
    this.logger.warn({ err: error, outbox: this.options.name }, 'outbox relay lost its leader connection');
    this.leader = undefined;
    this.recovered = false;
    // The listener stays: a dying connection may report more than once, and now it only finds no lead.
    client.release(error);
  }

  private async releaseLead(): Promise<void> {
    const lead = this.leader;
    if (!lead) return;
    this.leader = undefined;
    let lost: Error | undefined;
    try {
      await lead.client.query('select pg_advisory_unlock(hashtext($1))', [RELAY_LOCK]);
    } catch (error) {
      // The connection is gone, and the lock with it.
      lost = error as Error;
    } finally {
      lead.client.off('error', lead.onError);
      lead.client.release(lost);
    }
  }

  private async cleanup(): Promise<void> {
    const keep = this.options.keepSentMs ?? 7 * 24 * 3600_000;
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.options.pool.query(`delete from flexgrid_outbox where sent_at < now() - make_interval(secs => $1)`, [
      keep / 1000,
    ]);
  }
}

function toBatches(rows: readonly OutboxRow[]): TopicBatch[] {
  const byTopic = new Map<string, OutgoingEvent[]>();
  for (const row of rows) {
    const events = byTopic.get(row.topic) ?? [];
    events.push({
      type: row.event_type,
      key: row.event_key,
      id: row.event_id,
      source: row.event_source ?? undefined,
      time: row.event_time,
      subject: row.subject ?? undefined,
      data: row.data,
      ...(row.extensions === null ? {} : { extensions: row.extensions }),
      ...(row.value === null ? {} : { value: row.value }),
    });
    byTopic.set(row.topic, events);
  }
  return [...byTopic].map(([topic, events]) => ({ topic, events }));
}
