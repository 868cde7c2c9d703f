import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** `npm start` as a process: the dev host on embedded backends, so that it can get a real signal and exit. */
function startMain(environment: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--conditions=@flexgrid/source', '-r', 'ts-node/register/transpile-only', require.resolve('./main')],
    { env: { ...process.env, KAFKA_BROKERS: '', DATABASE_URL: '', DEV_PORT: '0', ...environment } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C stops everything.')) resolve(stdout);
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before its banner; stderr: ${stderr}`)));
  });
  return { child, banner, exited };
}

describe('dev host main', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('stops and exits with 0 on %s', async (signal) => {
    const main = startMain({});
    expect(await main.banner).toMatch(/host: +http:\/\/127\.0\.0\.1:\d+ /);
    main.child.kill(signal);
    expect(await main.exited).toBe(0);
  });
});
