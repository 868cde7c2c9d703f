import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { AnalyzerStore, StoredBatch } from './analyzer-store';

/*
 * The storage backlog that PostgreSQL did not take before a shutdown (down, or slower than the backlog within the
 * shutdown budget), kept on disk and stored at the next start, so that a shutdown loses no frame. One JSON line
 * per row, written in the order a batch is stored (sessions before their frames, progress and ends last), to a
 * temporary name that is renamed once the file is complete and synced: a file under its final name is whole.
 * Storing it again is harmless (every insert is idempotent), so a crash while restoring only restores again. A file
 * the database refuses (spilled by an analyzer on another database, say) is renamed `.refused` and left for the
 * operator rather than stopping every start.
 */

type SpilledRow =
  | { session: StoredBatch['sessions'][number] }
  | { frame: Omit<StoredBatch['frames'][number], 'payload'> & { payload: string } }
  | { reading: StoredBatch['readings'][number] }
  | { sample: StoredBatch['samples'][number] }
  | { progress: StoredBatch['progress'][number] }
  | { end: StoredBatch['ends'][number] };

const SUFFIX = '.backlog.jsonl';
/** Frames per transaction when a spilled backlog is stored again. */
const RESTORE_FRAMES = 5000;

function* rowsOf(batch: StoredBatch): Generator<SpilledRow> {
  for (const session of batch.sessions) yield { session };
  for (const frame of batch.frames) yield { frame: { ...frame, payload: frame.payload.toString('base64') } };
  for (const reading of batch.readings) yield { reading };
  for (const sample of batch.samples) yield { sample };
  for (const progress of batch.progress) yield { progress };
  for (const end of batch.ends) yield { end };
}

export interface SpillLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const emptyBatch = (): StoredBatch => ({ sessions: [], frames: [], readings: [], samples: [], progress: [], ends: [] });

export class BacklogSpill {
  constructor(private readonly directory: string) {}

  /** Writes the batch to a new file in the directory; resolves once it is complete and on disk. */
  async write(batch: StoredBatch): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const name = `${new Date().toISOString().replaceAll(':', '-')}-${randomUUID()}${SUFFIX}`;
    const partial = join(this.directory, `${name}.partial`);
    const out = createWriteStream(partial);
    for (const row of rowsOf(batch)) {
      if (!out.write(`${JSON.stringify(row)}\n`))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
    const handle = await open(partial, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const complete = join(this.directory, name);
    await rename(partial, complete);
    return complete;
  }

  /** Stores every complete spilled backlog, oldest first, and deletes each once stored. */
  async restore(store: AnalyzerStore, log: SpillLog): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.directory)).filter((name) => name.endsWith(SUFFIX)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const file = join(this.directory, name);
      try {
        const frames = await this.restoreFile(file, store);
        await unlink(file);
        log.info({ file, frames }, 'backlog spilled at the last shutdown stored');
      } catch (error) {
        await rename(file, `${file}.refused`);
        log.error(
          { err: error, file: `${file}.refused` },
          'a spilled backlog could not be stored; left for the operator',
        );
      }
    }
  }

  private async restoreFile(file: string, store: AnalyzerStore): Promise<number> {
    let frames = 0;
    let batch = emptyBatch();
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      const row = JSON.parse(line) as SpilledRow;
      if ('session' in row) batch.sessions.push(row.session);
      else if ('frame' in row) batch.frames.push({ ...row.frame, payload: Buffer.from(row.frame.payload, 'base64') });
      else if ('reading' in row) batch.readings.push(row.reading);
      else if ('sample' in row) batch.samples.push(row.sample);
      else if ('progress' in row) batch.progress.push(row.progress);
      else batch.ends.push(row.end);
      if (batch.frames.length >= RESTORE_FRAMES) {
        await store.save(batch);
        frames += batch.frames.length;
        batch = emptyBatch();
      }
    }
    await store.save(batch);
    return frames + batch.frames.length;
  }
}
