import { createTestDatabase, type TestDatabase } from '@flexgrid/testing';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from './database';
import { loadMigrations, migrate, type Migration, MigrationError } from './migrations';

const migrations: Migration[] = [
  // Not idempotent on purpose: applying it twice would fail.
  { version: 1, name: 'meters', sql: 'create table meters (id text primary key); select pg_sleep(0.3);' },
  {
    version: 2,
    name: 'readings',
    sql: 'create table readings (meter text references meters(id), wh bigint not null);',
  },
];

describe('migrations on PostgreSQL', () => {
  let testDb: TestDatabase;
  const opened: Database[] = [];
  const open = async () => {
    const db = await openDatabase({ url: testDb.url });
    opened.push(db);
    return db;
  };

  beforeEach(async () => {
    testDb = await createTestDatabase('migrations');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
    await testDb.drop();
  });

  it('applies pending migrations once; running them again is a no-op', async () => {
    const db = await open();
    expect(await migrate(db.pool, 'svc', migrations)).toEqual({
      applied: ['1_meters', '2_readings'],
      alreadyApplied: 0,
    });
    expect(await migrate(db.pool, 'svc', migrations)).toEqual({ applied: [], alreadyApplied: 2 });
    const { rows } = await db.pool.query('select app, version, name from flexgrid_migrations order by version');
    expect(rows).toEqual([
      { app: 'svc', version: 1, name: 'meters' },
      { app: 'svc', version: 2, name: 'readings' },
    ]);
  });

  it('lets one of two concurrent runners apply while the other waits, then finds nothing to do', async () => {
    const [a, b] = [await open(), await open()];
    const results = await Promise.all([migrate(a.pool, 'svc', migrations), migrate(b.pool, 'svc', migrations)]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    expect(appliedCounts).toEqual([0, 2]);
    expect(results.find((r) => r.applied.length === 0)!.alreadyApplied).toBe(2);
  });

  it('keeps the migrations of different apps apart', async () => {
    const db = await open();
    await migrate(db.pool, 'svc', migrations);
    const other = await migrate(db.pool, 'other', [
      { version: 1, name: 'other', sql: 'create table other_things (x int)' },
    ]);
    expect(other.applied).toEqual(['1_other']);
  });

  it('refuses a migration that was changed after it was applied', async () => {
    const db = await open();
    await migrate(db.pool, 'svc', migrations);
    const changed = [{ ...migrations[0], sql: 'create table meters (id text primary key, name text);' }, migrations[1]];
    await expect(migrate(db.pool, 'svc', changed)).rejects.toThrow(
      /svc migration 1_meters was changed after it was applied/,
    );
  });

  it('rolls a failing migration back whole and keeps the ones before it', async () => {
    const db = await open();
    const broken = [
      ...migrations,
      { version: 3, name: 'broken', sql: 'create table t3 (x int); select * from no_such_table;' },
    ];
    await expect(migrate(db.pool, 'svc', broken)).rejects.toThrow(
      /svc migration 3_broken failed: relation "no_such_table" does not exist/,
    );
    const { rows } = await db.pool.query(
      "select to_regclass('t3') as t3, (select count(*)::int from flexgrid_migrations) as applied",
    );
    expect(rows[0]).toEqual({ t3: null, applied: 2 });
  });
});

describe('migrations on embedded PGlite', () => {
  it('applies once and is a no-op the second time', async () => {
    const db = await openDatabase({});
    try {
      expect(db.embedded).toBe(true);
      expect((await migrate(db.pool, 'svc', migrations)).applied).toEqual(['1_meters', '2_readings']);
      expect(await migrate(db.pool, 'svc', migrations)).toEqual({ applied: [], alreadyApplied: 2 });
      await db.pool.query("insert into meters values ('m1')");
      expect((await db.pool.query('select id from meters')).rows).toEqual([{ id: 'm1' }]);
    } finally {
      await db.close();
    }
  });
});

describe('loadMigrations', () => {
  it('reads NNNN_name.sql files in numeric order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(dir, '0010_second.sql'), 'select 2');
    await writeFile(join(dir, '0002_first.sql'), 'select 1');
    await writeFile(join(dir, 'README.md'), 'not a migration');
    expect(await loadMigrations(dir)).toEqual([
      { version: 2, name: 'first', sql: 'select 1' },
      { version: 10, name: 'second', sql: 'select 2' },
    ]);
  });

  it('refuses badly named files and duplicate versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(dir, 'first.sql'), 'select 1');
    await expect(loadMigrations(dir)).rejects.toThrow(
      new MigrationError('migration file first.sql is not named NNNN_name.sql'),
    );
    const dup = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(dup, '1_a.sql'), 'select 1');
    await writeFile(join(dup, '001_b.sql'), 'select 1');
    await expect(loadMigrations(dup)).rejects.toThrow(/two migrations have version 1/);
  });
});
