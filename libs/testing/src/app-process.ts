import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** An app running as its container runs it: its main.ts in a process of its own, for tests that kill it. */
export interface AppProcess {
  child: ChildProcess;
  /** Its HTTP base URL, read from its 'started' log line. */
  url: string;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** SIGKILL: no shutdown hook runs, as in a crash; resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `mainTs` from source (ts-node, transpile only) with `env` added to this process's, and resolves once it
 * logs its URL (`"url":"http://…"`, the platform's started line). `tsconfig` is the app's tsconfig.lib.json.
 */
export async function startAppProcess(options: {
  mainTs: string;
  tsconfig: string;
  env: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<AppProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@flexgrid/source', '-r', 'ts-node/register/transpile-only', options.mainTs],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: '--disable-warning=TimeoutNegativeWarning',
        TS_NODE_PROJECT: options.tsconfig,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.mainTs} did not start:\n${output}`)),
      options.startTimeoutMs ?? 60_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.mainTs} exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
