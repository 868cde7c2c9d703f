import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import {
  type AppProcess,
  createTestDatabase,
  startAppProcess,
  type TestDatabase,
  testKafkaBrokers,
  uniqueTopicPrefix,
} from '@flexgrid/testing';
import { Pool } from 'pg';
import { OPERATOR_TOKEN } from './test-producer.test-util';

// `main.js migrate` as a Kubernetes Job runs it: main.ts in processes of their own, on a real PostgreSQL.
const mainTs = join(__dirname, 'main.ts');
const tsconfig = join(__dirname, '../tsconfig.lib.json');

/** `main.ts migrate` with only DATABASE_URL (a Job carries none of the app's secrets): its exit code and output. */
async function runMigrate(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@flexgrid/source', '-r', 'ts-node/register/transpile-only', mainTs, 'migrate'],
    {
      env: { PATH: process.env.PATH, TS_NODE_PROJECT: tsconfig, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('p2p-producer migrate', () => {
  let database: TestDatabase;
  let pool: Pool;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('p2p-producer-migrate');
    pool = new Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await app?.kill();
    await pool.end();
    await database.drop();
  });

  it('migrates once from two concurrent runs, both exit 0, and the app then starts on that schema', async () => {
    const runs = await Promise.all([runMigrate(database.url), runMigrate(database.url)]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const [applier, waiter] = runs[0].output.includes('"applied":["platform/') ? runs : [runs[1], runs[0]];
    expect(applier.output).toMatch(/applied \d+ migrations/);
    expect(waiter.output).toContain('the database was up to date');

    const migrated = await pool.query('select app, version, applied_at from flexgrid_migrations order by 1, 2');
    expect(new Set(migrated.rows.map((r: { app: string }) => r.app))).toEqual(new Set(['platform', 'p2p-producer']));

    app = await startAppProcess({
      mainTs,
      tsconfig,
      env: {
        DATABASE_URL: database.url,
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('p2p-producer-migrate'),
        P2P_PRODUCER_ID: 'SUNFARM01',
        P2P_PRODUCER_SIDE_KEY: 'sunfarm01-secret-0001',
        P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
      },
    });
    // The start found every migration applied: the same rows, applied when the command ran.
    const afterStart = await pool.query('select app, version, applied_at from flexgrid_migrations order by 1, 2');
    expect(afterStart.rows).toEqual(migrated.rows);
  });

  it('exits 1 and names DATABASE_URL when it is not set', async () => {
    const run = await runMigrate('');
    expect(run.code).toBe(1);
    expect(run.output).toContain('DATABASE_URL is not set');
  });
});
