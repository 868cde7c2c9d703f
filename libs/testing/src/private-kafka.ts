import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { workspaceRoot } from './infrastructure';

const run = promisify(execFile);

/** A broker of the test's own, which it may kill and restart without disturbing the shared one. */
export interface PrivateKafka {
  brokers: string[];
  /** SIGKILL: the broker dies mid-flight, keeping its data, as in a crash. */
  kill(): Promise<void>;
  /**
   * SIGSTOP: the broker keeps its connections open but answers nothing, like a host that hangs or a network
   * that drops packets. `thaw` lets it go on.
   */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Starts it again on the same ports and data, and waits until it serves. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/**
 * Starts a private single-node broker with tools/kafka-local (Java 17+ and Maven): restart tests need to
 * crash a broker, which the shared test broker must never be.
 */
export async function startPrivateKafka(): Promise<PrivateKafka> {
  const root = workspaceRoot();
  const script = join(root, 'tools/kafka-local/kafka-local.sh');
  const [port, controllerPort] = [await freePort(), await freePort()];
  const runDir = join(root, 'tmp', `kafka-private-${port}`);
  const env = {
    ...process.env,
    KAFKA_LOCAL_RUN_DIR: runDir,
    KAFKA_LOCAL_PORT: String(port),
    KAFKA_LOCAL_CONTROLLER_PORT: String(controllerPort),
    KAFKA_LOCAL_FRESH: '0',
  };
  const kafkaLocal = (command: string) => run('bash', [script, command], { env, timeout: 120_000 });
  await rm(runDir, { recursive: true, force: true });
  await kafkaLocal('start');
  return {
    brokers: [`127.0.0.1:${port}`],
    kill: async () => void (await kafkaLocal('kill')),
    freeze: async () => {
      const pid = await brokerPid(runDir);
      process.kill(pid, 'SIGSTOP');
      await everyThreadStopped(pid);
    },
    thaw: async () => void process.kill(await brokerPid(runDir), 'SIGCONT'),
    restart: async () => void (await kafkaLocal('start')),
    destroy: async () => {
      await kafkaLocal('stop');
      await rm(runDir, { recursive: true, force: true });
    },
  };
}

async function brokerPid(runDir: string): Promise<number> {
  return Number((await readFile(join(runDir, 'kafka.pid'), 'utf8')).trim());
}

/**
 * A stop signal takes effect on each thread as the kernel next schedules it: a broker thread running on another core
 * may still answer a request sent right after kill() returns. Waits until every thread of `pid` is stopped.
 */
async function everyThreadStopped(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const tasks = await readdir(`/proc/${pid}/task`);
    const states = await Promise.all(
      tasks.map(async (task) => {
        // The state follows the command name in parentheses, which may itself hold spaces or parentheses.
        const stat = await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8').catch(() => ') T');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      }),
    );
    if (states.every((state) => state === 'T' || state === 't')) return;
    if (Date.now() > deadline) throw new Error(`broker ${pid} did not stop: thread states ${states.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
