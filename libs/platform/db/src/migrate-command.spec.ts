import { createTestDatabase, type TestDatabase } from '@flexgrid/testing';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { type AppMigrations, runMigrateCommand } from './migrate-command';

/** The command's log lines, parsed. */
function logSink(): { stream: PassThrough; lines: () => { msg: string; level: string }[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { msg: string; level: string }),
  };
}

async function appWith(files: Record<string, string>, outbox: boolean): Promise<AppMigrations> {
  const directory = await mkdtemp(join(tmpdir(), 'migrate-command-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(directory, name), sql);
  return { app: 'svc', directory, outbox };
}

describe('the migrate command on PostgreSQL', () => {
  let testDb: TestDatabase;
  let pool: pg.Pool;

  beforeEach(async () => {
    testDb = await createTestDatabase('migrate_command');
    pool = new pg.Pool({ connectionString: testDb.url, max: 1 });
  });
  afterEach(async () => {
    await pool.end();
    await testDb.drop();
  });

  it('applies the outbox and the app migrations once from two concurrent runs, both answering 0', async () => {
    const app = await appWith({ '0001_meters.sql': 'create table meters (id text primary key);' }, true);
    const logs = [logSink(), logSink()];
    const codes = await Promise.all(
      logs.map((log) => runMigrateCommand(app, { DATABASE_URL: testDb.url }, log.stream)),
    );
    expect(codes).toEqual([0, 0]);
    const messages = logs.map((log) => log.lines()[0].msg).sort();
    expect(messages[0]).toMatch(/^applied \d+ migrations$/);
    expect(messages[1]).toBe('the database was up to date');
    const { rows } = await pool.query<{ app: string; n: string }>(
      'select app, count(*) as n from flexgrid_migrations group by app order by app',
    );
    expect(rows.map((r) => r.app)).toEqual(['platform', 'svc']);
  });

  it('leaves out the outbox tables for an app without an outbox', async () => {
    const app = await appWith({ '0001_meters.sql': 'create table meters (id text primary key);' }, false);
    expect(await runMigrateCommand(app, { DATABASE_URL: testDb.url }, logSink().stream)).toBe(0);
    const { rows } = await pool.query('select distinct app from flexgrid_migrations');
    expect(rows).toEqual([{ app: 'svc' }]);
  });

  it('answers 1 and logs which migration failed', async () => {
    const app = await appWith({ '0001_broken.sql': 'create tabel meters ();' }, false);
    const log = logSink();
    expect(await runMigrateCommand(app, { DATABASE_URL: testDb.url }, log.stream)).toBe(1);
    const [line] = log.lines();
    expect(line.level).toBe('error');
    expect(line.msg).toContain('svc migration 1_broken failed');
  });
});
