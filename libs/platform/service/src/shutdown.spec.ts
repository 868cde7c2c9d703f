import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

type LogLine = Record<string, unknown>;

/** The draining service in its own process, so that it can get a real SIGTERM and exit. */
class ServiceProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters: { matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  private stderr = '';

  constructor(environment: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', require.resolve('./draining-service.test-util')],
      {
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...environment },
      },
    );
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as LogLine;
      this.lines.push(line);
      for (const waiter of this.waiters.filter((w) => w.matches(line))) waiter.resolve(line);
    });
  }

  /** The first log line with this message, whenever it is written. */
  logged(msg: string): Promise<LogLine> {
    const earlier = this.lines.find((line) => line['msg'] === msg);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      this.waiters.push({ matches: (line) => line['msg'] === msg, resolve });
      void this.exited.then((code) =>
        reject(new Error(`exited with ${code} before logging "${msg}"; stderr: ${this.stderr}`)),
      );
    });
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  messages(): string[] {
    return this.lines.map((line) => (line['hook'] ? `${line['msg']}: ${line['hook']}` : String(line['msg'])));
  }
}

describe('shutdown on SIGTERM', () => {
  it('finishes in-flight requests, refuses new connections, runs the hooks in order and exits with 0', async () => {
    const service = new ServiceProcess({});
    const { url } = (await service.logged('listening')) as { url: string };

    const slow = fetch(`${url}/slow`);
    await service.logged('slow request started');
    service.signal('SIGTERM');
    await service.logged('stopped accepting connections');

    await expect(fetch(`${url}/livez`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await service.exited).toBe(0);
    expect(service.messages().slice(2)).toEqual([
      'shutting down: reporting not ready',
      'stopped accepting connections',
      'connections drained',
      'hook ran: consumers',
      'shutdown hook done: consumers',
      'hook ran: pool',
      'shutdown hook done: pool',
      'shutdown finished',
    ]);
  });

  it('exits with 1 once the shutdown timeout passes while a hook hangs', async () => {
    const service = new ServiceProcess({ HANG_IN_HOOK: 'true', SHUTDOWN_TIMEOUT_MS: '300' });
    await service.logged('listening');
    service.signal('SIGTERM');

    expect(await service.exited).toBe(1);
    expect(service.messages().slice(1)).toEqual([
      'shutting down: reporting not ready',
      'stopped accepting connections',
      'connections drained',
      'hook ran: consumers',
      'shutdown timed out: cutting remaining connections',
      'shutdown finished',
    ]);
  });
});
