import { join } from 'node:path';
import { loadMigrations, migrate } from '@flexgrid/platform-db';
import { loadConfig } from '@flexgrid/platform-service';
import { createTestDatabase, type TestDatabase } from '@flexgrid/testing';
import { Client, Pool } from 'pg';
import { gridConfigOf, gridEnv } from '../config';
import { P2PError } from '@flexgrid/protocol-p2p';
import { JournaledGrid } from './journaled-grid';
import { Statements } from './statements';

const registerFact = (id: string) =>
  ({
    kind: 'register',
    id,
    role: 'consumer',
    at: 0,
    streamKey: id,
    binding: { binding: 'operator', sideKeyHash: null },
  }) as const;

describe('JournaledGrid: memory never ahead of the journal', () => {
  let database: TestDatabase;
  let pool: Pool;
  let journaled: JournaledGrid;

  beforeAll(async () => {
    database = await createTestDatabase('journaled-grid');
    // A short statement timeout, so that a blocked rebuild fails within the test.
    pool = new Pool({ connectionString: database.url, max: 4, statement_timeout: 500 });
    await migrate(pool, 'p2p-grid', await loadMigrations(join(__dirname, '../../migrations')));
    const { rules } = gridConfigOf(loadConfig(gridEnv, { P2P_GRID_ID: 'GRID00001' }));
    journaled = await JournaledGrid.open(pool, { config: rules, gridId: 'GRID00001', epoch: 0 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('a reader waits for the unit in progress and never sees its uncommitted facts', async () => {
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const unit = journaled.transact(async ({ record }) => {
      record(registerFact('FLAT00001'));
      await held;
      throw new Error('the unit fails after changing the Grid');
    });
    let seen: boolean | undefined;
    const reading = journaled.read().then((grid) => (seen = grid.registry.get('FLAT00001') !== undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toBeUndefined();
    finish();
    await expect(unit).rejects.toThrow('the unit fails');
    await reading;
    expect(seen).toBe(false);
  });

  it('a fact the Grid refused half-way, caught by a unit that then commits, is not in memory after the commit', async () => {
    await journaled.transact(async ({ grid, record }) => {
      // The Grid takes the registration, then throws (as a rule past 2^53 might, after changing something).
      const register = grid.register.bind(grid);
      grid.register = (...args: Parameters<typeof register>) => {
        register(...args);
        throw new P2PError('UNSAFE_INTEGER', 'refused after a change');
      };
      try {
        expect(() => record(registerFact('FLAT00010'))).toThrow('refused after a change');
      } finally {
        grid.register = register;
      }
      record(registerFact('FLAT00011'));
    });
    const grid = await journaled.read();
    expect([grid.registry.get('FLAT00010'), grid.registry.get('FLAT00011')].map((m) => m !== undefined)).toEqual([
      false,
      true,
    ]);
  });

  it('a failed unit whose rebuild also fails stays dirty, and the next use rebuilds from the journal', async () => {
    await journaled.transact(async ({ record }) => void record(registerFact('FLAT00002')));
    // Another session holds the journal, so the rebuild after the failure cannot read it (statement timeout).
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table journal in access exclusive mode');
    const failed = journaled.transact(async ({ record }) => {
      record(registerFact('FLAT00003'));
      throw new Error('the unit fails after changing the Grid');
    });
    await expect(failed).rejects.toThrow('the unit fails');
    // While the journal is unreadable, a read cannot rebuild: it fails rather than answer from dirty memory.
    await expect(journaled.read()).rejects.toThrow();
    await blocker.query('rollback');
    await blocker.end();
    const grid = await journaled.read();
    expect(grid.registry.get('FLAT00002')).toBeDefined();
    expect(grid.registry.get('FLAT00003')).toBeUndefined();
    // And a unit after it works on the rebuilt Grid.
    await journaled.transact(async ({ record }) => void record(registerFact('FLAT00004')));
    const after = await journaled.read();
    expect(['FLAT00002', 'FLAT00003', 'FLAT00004'].map((id) => after.registry.get(id) !== undefined)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('a statement is made from committed state only: not from a member of a unit that then fails', async () => {
    const { rules } = gridConfigOf(loadConfig(gridEnv, { P2P_GRID_ID: 'GRID00001' }));
    const statements = new Statements({ pool, rules, epoch: 0, prefix: 'ST', journaled });
    let finish: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const unit = journaled.transact(async ({ record }) => {
      record(registerFact('FLAT00009'));
      await held;
      throw new Error('the registration fails after changing the Grid');
    });
    const request = { memberId: 'FLAT00009', periodStart: 0, periodEnd: rules.intervalMs, final: false };
    const preview = statements.preview(request);
    finish();
    await expect(unit).rejects.toThrow('the registration fails');
    await expect(preview).rejects.toThrow("The parameter 'memberId' has an invalid value.");
  });

  it('a fenced grid runs no unit and answers no read', async () => {
    const fenced = await JournaledGrid.open(pool, {
      config: gridConfigOf(loadConfig(gridEnv, { P2P_GRID_ID: 'GRID00001' })).rules,
      gridId: 'GRID00001',
      epoch: 0,
    });
    fenced.fence(new Error('leadership lost'));
    await expect(fenced.transact(async ({ record }) => void record(registerFact('FLAT00005')))).rejects.toThrow(
      'leadership lost',
    );
    await expect(fenced.read()).rejects.toThrow('leadership lost');
    const [{ n }] = (
      await pool.query<{ n: number }>(`select count(*)::int as n from journal where payload->>'id' = 'FLAT00005'`)
    ).rows;
    expect(n).toBe(0);
  });
});
