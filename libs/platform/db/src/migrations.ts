import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { withClient } from './database';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_NAME = /^(\d+)_([a-z0-9_-]+)\.sql$/i;

/** Reads `<dir>/NNNN_name.sql` files, ordered by number. */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql'));
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`migration file ${file} is not named NNNN_name.sql`);
    migrations.push({ version: Number(match[1]), name: match[2], sql: await readFile(join(dir, file), 'utf8') });
  }
  return orderedMigrations(migrations);
}

function orderedMigrations(migrations: Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].version === sorted[i - 1].version) {
      throw new MigrationError(
        `two migrations have version ${sorted[i].version}: ${sorted[i - 1].name} and ${sorted[i].name}`,
      );
    }
  }
  return sorted;
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * Applies the migrations of `app` that are not applied yet, each in its own transaction with its record.
 * A session advisory lock per app makes concurrent runners (two replicas starting at once) take turns:
 * the second waits, then finds everything applied. A migration changed after it was applied is an error,
 * since the database no longer matches the files.
 */
export async function migrate(pool: pg.Pool, app: string, migrations: readonly Migration[]): Promise<MigrationResult> {
  const ordered = orderedMigrations([...migrations]);
  return withClient(pool, async (client) => {
    await client.query('select pg_advisory_lock(hashtext($1))', [`flexgrid_migrations:${app}`]);
    try {
      await client.query(`create table if not exists flexgrid_migrations (
        app text not null,
        version integer not null,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now(),
        primary key (app, version)
      )`);
      const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
        'select version, name, checksum from flexgrid_migrations where app = $1',
        [app],
      );
      const done = new Map(rows.map((r) => [r.version, r]));
      const result: MigrationResult = { applied: [], alreadyApplied: 0 };
      for (const m of ordered) {
        const sum = checksum(m.sql);
        const previous = done.get(m.version);
        if (previous) {
          if (previous.checksum !== sum) {
            throw new MigrationError(
              `${app} migration ${m.version}_${m.name} was changed after it was applied (checksum ${previous.checksum.slice(0, 12)} → ${sum.slice(0, 12)})`,
            );
          }
          result.alreadyApplied += 1;
          continue;
        }
        try {
          await client.query('begin');
          await client.query(m.sql);
          await client.query('insert into flexgrid_migrations (app, version, name, checksum) values ($1, $2, $3, $4)', [
            app,
            m.version,
            m.name,
            sum,
          ]);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw new MigrationError(`${app} migration ${m.version}_${m.name} failed: ${(error as Error).message}`);
        }
        result.applied.push(`${m.version}_${m.name}`);
      }
      return result;
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [`flexgrid_migrations:${app}`]);
    }
  });
}
