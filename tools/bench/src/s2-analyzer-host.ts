/**
 * The S2 analyzer under benchmark, in a process of its own (forked by s2-analyzer.ts), so that the load the
 * simulated RMs and CEMs make is not counted against it. It answers its parent over IPC: `heap` (after a full
 * garbage collection once everything received is analysed and stored: heap used plus array buffers), `snapshot`
 * (a heap snapshot in tmp/bench/profile/), `stored` (frames in PostgreSQL) and `stop`.
 */
import { startS2Analyzer } from '@flexgrid/s2-analyzer';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Request {
  id: number;
  ask: 'heap' | 'stored' | 'snapshot' | 'stop';
}

async function main(): Promise<void> {
  const [databaseUrl, brokers, topicPrefix] = process.argv.slice(2) as [string, string, string];
  const analyzer = await startS2Analyzer({
    databaseUrl,
    kafkaBrokers: brokers.split(','),
    topicPrefix,
    logLevel: 'error',
  });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  process.on('message', (request: Request) => {
    const answer = async (): Promise<unknown> => {
      if (request.ask === 'heap') {
        // What the session keeps, not what is in transit: everything received is analysed and stored first.
        await analyzer.settled();
        collectGarbage();
        const { heapUsed, arrayBuffers } = process.memoryUsage();
        return heapUsed + arrayBuffers;
      }
      if (request.ask === 'snapshot') {
        await analyzer.settled();
        collectGarbage();
        const directory = join(__dirname, '../../../tmp/bench/profile');
        mkdirSync(directory, { recursive: true });
        writeHeapSnapshot(join(directory, `s2-analyzer-${Date.now()}.heapsnapshot`));
        return true;
      }
      if (request.ask === 'stored') {
        const { rows } = await pool.query<{ n: string }>('select count(*) as n from frames');
        return Number(rows[0]?.n ?? 0);
      }
      await pool.end();
      await analyzer.stop();
      return true;
    };
    void answer().then(
      (value) => {
        process.send?.({ id: request.id, value });
        // Exit once stopped (the IPC channel would keep the process alive); a CPU profile is written on exit.
        if (request.ask === 'stop') process.disconnect();
      },
      (error: unknown) => process.send?.({ id: request.id, error: String(error) }),
    );
  });
  process.send?.({ ready: analyzer.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
