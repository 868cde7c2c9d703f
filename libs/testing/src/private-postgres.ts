import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);

/** A PostgreSQL server of the test's own, which it may crash and restart without disturbing the shared one. */
export interface PrivatePostgres {
  /** Connection string of its `postgres` database. */
  url: string;
  /** `pg_ctl stop -m immediate`: every backend dies at once and the next start runs crash recovery. */
  crash(): Promise<void>;
  /** Starts it again on the same port and data, and waits until it accepts connections. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/** The server binaries: PG_BIN_DIR, else the newest Debian/Ubuntu install under /usr/lib/postgresql. */
function serverBinDir(): string {
  if (process.env['PG_BIN_DIR']) return process.env['PG_BIN_DIR'];
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      'a private PostgreSQL needs the server binaries (initdb, pg_ctl): install postgresql or set PG_BIN_DIR',
    );
  }
  return join(base, newest, 'bin');
}

/**
 * Starts a throw-away PostgreSQL cluster in a temporary directory, with the local server binaries. Restart
 * tests need to crash a database server, which the shared test server must never be. PostgreSQL refuses to
 * run as root, so as root the cluster belongs to the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'flexgrid-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout: 60_000 })
      : run(join(bin, tool), args, { timeout: 60_000 });
  const data = join(dir, 'data');
  const port = await freePort();
  const start = () =>
    pg('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: async () => void (await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])),
    restart: async () => void (await start()),
    destroy: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
