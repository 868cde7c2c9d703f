import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** main.ts as its container runs it, with the environment given (and nothing of the test's own). */
function runMain(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@flexgrid/source', '-r', 'ts-node/register/transpile-only', join(__dirname, 'main.ts')],
      {
        env: { PATH: process.env['PATH'], TS_NODE_PROJECT: join(__dirname, '../tsconfig.lib.json'), ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

describe('§16: a configuration the grid refuses stops the start with exit 1 and a message naming it', () => {
  it('names every bad variable at once, then a combination of rules the lib refuses; never a secret or a stack', async () => {
    // Both at once: each is a ts-node start of its own.
    const [variables, rules] = await Promise.all([
      runMain({ PORT: 'abc', P2P_GRID_ID: 'ab', P2P_PROFILE: 'gridless', P2P_OPERATOR_TOKEN: 'short' }),
      runMain({ P2P_GRID_ID: 'GRID00001', P2P_INTERVAL_MS: '7000' }),
    ]);
    expect(variables.status).toBe(1);
    expect(variables.stderr).toContain('Invalid configuration (4 problems):');
    for (const named of ['PORT="abc"', 'P2P_GRID_ID="ab"', 'P2P_PROFILE="gridless"', 'P2P_OPERATOR_TOKEN=(secret'])
      expect(variables.stderr).toContain(named);
    expect(variables.stderr).not.toContain('short');
    expect(variables.stderr).not.toMatch(/\n\s+at /);

    expect(rules.status).toBe(1);
    expect(rules.stderr).toContain('P2P_INTERVAL_MS: interval length 7000 ms must be an integer ≥ 1000 that divides');
    expect(rules.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
