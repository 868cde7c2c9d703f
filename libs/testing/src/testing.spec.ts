import { Client } from 'pg';
import { findInfrastructure } from './infrastructure';
import { createTestDatabase, testKafkaBrokers, uniqueTopicPrefix } from './isolation';

describe('test isolation', () => {
  it('gives every call a fresh topic prefix', () => {
    const prefixes = new Set(Array.from({ length: 100 }, () => uniqueTopicPrefix('x')));
    expect(prefixes.size).toBe(100);
    for (const p of prefixes) expect(p).toMatch(/^x-[0-9a-z]+-[0-9a-f]{6}\.$/);
  });

  it('creates an empty database of its own and drops it, even with a connection still open', async () => {
    const db = await createTestDatabase('Isolation Test');
    expect(db.name).toMatch(/^isolation_test_/);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      "select current_database() as name, count(*)::int as tables from information_schema.tables where table_schema = 'public'",
    );
    expect(rows[0]).toEqual({ name: db.name, tables: 0 });
    client.on('error', () => undefined);
    await db.drop();
    const admin = new Client({ connectionString: process.env['DATABASE_URL'] });
    await admin.connect();
    const left = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });

  it('exposes the brokers the global setup found', () => {
    expect(testKafkaBrokers().length).toBeGreaterThan(0);
  });
});

describe('findInfrastructure', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('fails, naming the variable, when a configured broker does not answer instead of falling back', async () => {
    process.env['KAFKA_BROKERS'] = '127.0.0.1:1';
    await expect(findInfrastructure()).rejects.toThrow(/^KAFKA_BROKERS=127.0.0.1:1 is set, but it does not answer/);
  });

  it('hides the password of a configured database URL in its error', async () => {
    process.env['DATABASE_URL'] = 'postgres://app:s3cret@127.0.0.1:1/db';
    const error = await findInfrastructure().catch((e: Error) => e);
    expect(String(error)).toMatch(
      /DATABASE_URL=postgres:\/\/app:\*\*\*@127.0.0.1:1\/db is set, but it does not answer/,
    );
    expect(String(error)).not.toContain('s3cret');
  });
});
