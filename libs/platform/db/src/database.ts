import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';

export interface Database {
  pool: pg.Pool;
  /** `postgresql <host/db>` or `embedded PGlite (<where>)`, for logs and the dev host's banner. */
  description: string;
  /** PGlite serves one query at a time: callers must not hold one connection while awaiting another. */
  embedded: boolean;
  /** Is the database reachable? For /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://... ; when absent, an embedded PGlite is started. */
  url?: string;
  /** Where the embedded PGlite keeps its files; in memory when absent. */
  dataDir?: string;
  /** Pool size for a real server. */
  maxConnections?: number;
  /** Timeout of every statement, so a stuck query cannot hang a request forever. */
  statementTimeoutMs?: number;
  applicationName?: string;
}

/**
 * A pg pool on DATABASE_URL, or on an embedded PGlite served over a loopback socket (pglite-socket), so
 * that apps use `pg` the same way in both cases.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url ? openServer(options.url, options) : openEmbedded(options);
}

/** Connections a pool opens at most unless the app says otherwise (k8s-validate sizes max_connections by it). */
export const DEFAULT_POOL_SIZE = 10;

async function openServer(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: options.applicationName,
  });
  // An idle client that loses its server (restart, failover) emits here; the pool replaces it on next use.
  pool.on('error', () => undefined);
  const target = new URL(url);
  return {
    pool,
    description: `postgresql ${target.hostname}:${target.port || 5432}${target.pathname}`,
    embedded: false,
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const address = server.getServerConn();
  const pool = new pg.Pool({
    connectionString: `postgres://postgres@${address}/postgres`,
    // One connection: pglite-socket multiplexes its connections onto PGlite's single session, and concurrent
    // extended-protocol queries then interleave ("unnamed prepared statement does not exist", wrong rows).
    max: 1,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
  });
  pool.on('error', () => undefined);
  return {
    pool,
    description: `embedded PGlite (${options.dataDir ?? 'in memory'}, ${address})`,
    embedded: true,
    ping: async () => void (await pool.query('select 1')),
    close: async () => {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Runs `work` on one client of the pool. A checked-out client whose server goes away emits 'error', which
 * would crash the process with no listener; `work` learns of it from its next query anyway, and the broken
 * client is destroyed instead of going back to the pool.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => void (lost = error);
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

/** Runs `work` in a transaction on one client: commit on success, rollback on any error. */
export function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('begin');
    try {
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
}
