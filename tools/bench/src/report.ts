/** What every benchmark shares: where it runs, where its figures go, and how it fails. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export const workspaceRoot = join(__dirname, '../../..');

/** The machine line each result carries, so figures are never read without their hardware. */
export function machine(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
}

/** Writes `result` to tmp/bench/<name>.json, where the closing notes take their figures from. */
export function writeResult(name: string, result: object): void {
  const out = join(workspaceRoot, 'tmp/bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
}

/** Runs a benchmark's main; any failure ends the process with status 1, so CI and scripts see it. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
