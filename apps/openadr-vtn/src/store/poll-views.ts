/**
 * DB-3: the poll path's view of each VEN (its record and when its queue next has something due) kept in
 * memory, so that an empty poll needs no round trip. It stays correct across replicas because every change
 * that matters notifies all of them once it commits (migration 0002, LISTEN oadr_ven), and this replica's own
 * writes invalidate at once. While the notifications cannot be received the view is not used at all, and no
 * entry is trusted for longer than `maxAgeMs`, the staleness DB-1 allows for provisioning data.
 */
import type { Logger } from '@flexgrid/platform-service';
import type pg from 'pg';
import type { FullStateRow, VenRecord } from './store';

export interface VenView {
  readonly ven: VenRecord;
  /** When the first open item is due (a pending one: 0); null with an empty queue. */
  readonly nextDueAt: number | null;
  readonly openDistribute: boolean;
}

/** What is kept per VEN: its poll view, and the rows of its full state (EV-12) for oadrRequestEvent. */
export interface VenViews {
  readonly poll?: VenView;
  readonly fullState?: readonly FullStateRow[];
}

const CHANNEL = 'oadr_ven';

export class PollViews {
  private readonly views = new Map<string, { views: VenViews; at: number }>();
  /** Bumped by every invalidation: a read that overlapped one may be outdated and is not kept. */
  private generation = 0;
  private live = false;

  constructor(private readonly maxAgeMs = 1000) {}

  get(venId: string): VenViews | undefined {
    if (!this.live) return undefined;
    const entry = this.views.get(venId);
    if (!entry) return undefined;
    if (performance.now() - entry.at > this.maxAgeMs) {
      this.views.delete(venId);
      return undefined;
    }
    return entry.views;
  }

  /** Taken before reading the database; `keep` stores the result only if nothing changed meanwhile. */
  mark(): number {
    return this.generation;
  }

  /** Adds to what is kept for the VEN; the entry ages from its first part. */
  keep(venId: string, views: VenViews, mark: number): void {
    if (!this.live || mark !== this.generation) return;
    const entry = this.views.get(venId);
    if (entry) entry.views = { ...entry.views, ...views };
    else this.views.set(venId, { views, at: performance.now() });
  }

  invalidate(venIds: Iterable<string>): void {
    this.generation++;
    for (const venId of venIds) this.views.delete(venId);
  }

  /** Notifications flow (true) or may have been missed (false): either way nothing cached so far is trusted. */
  setLive(live: boolean): void {
    this.generation++;
    this.views.clear();
    this.live = live;
  }
}

/** Holds one connection that LISTENs for VEN changes and feeds them to the views; reconnects when it drops. */
export class VenChangeListener {
  private client: pg.PoolClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly views: PollViews,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  async start(): Promise<void> {
    await this.connect().catch((error: unknown) => this.lost(this.client, error));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = await this.pool.connect();
    if (this.stopped) return this.discard(client, true);
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload !== undefined) this.views.invalidate([message.payload]);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the LISTEN connection ended')));
    await client.query(`listen ${CHANNEL}`);
    this.views.setLive(true);
  }

  private lost(client: pg.PoolClient | undefined, error: unknown): void {
    if (client !== this.client) return; // a late event of a connection already given up
    this.client = undefined;
    this.views.setLive(false);
    if (client) this.discard(client, error);
    if (this.stopped) return;
    this.logger.warn({ err: error }, 'VEN change notifications lost; polls read PostgreSQL until they are back');
    this.retry = setTimeout(() => void this.start(), this.retryMs);
    this.retry.unref();
  }

  private discard(client: pg.PoolClient, error: unknown): void {
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.release(error instanceof Error ? error : true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.views.setLive(false);
    const client = this.client;
    this.client = undefined;
    if (client) this.discard(client, true);
  }
}
