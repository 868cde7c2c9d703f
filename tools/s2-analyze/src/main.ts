import {
  TranscriptAnalyzer,
  TranscriptImportError,
  TranscriptLines,
  TranscriptLineTooLong,
} from '@flexgrid/protocol-s2';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { type Invocation, parseInvocation, USAGE } from './options';
import { exitCode, type FileReport, jsonReport, printable, textReport } from './report';

/** Where the command reads files and writes its output: the real process by default, a capture in tests. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The bytes of a file; `-` is stdin. Errors (ENOENT, …) may come from the stream. */
  open(path: string): NodeJS.ReadableStream;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  open: (path) => (path === '-' ? process.stdin : createReadStream(path)),
};

/** The file's bytes, gunzipped when its name ends in .gz; the pipe passes errors of either stream on. */
function bytesOf(file: string, io: CommandIo): AsyncIterable<Buffer | string> {
  const raw = io.open(file);
  if (!file.endsWith('.gz')) return raw as AsyncIterable<Buffer | string>;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

async function analyse(file: string, invocation: Invocation, io: CommandIo): Promise<FileReport> {
  const { strictUuid, semantic, rsTimeoutMs } = invocation;
  const analyzer = new TranscriptAnalyzer({ strictUuid, semantic, rsTimeoutMs });
  const name = file === '-' ? '(stdin)' : file;
  try {
    // Line by line: one line and one conversation in memory, never the file.
    const lines = new TranscriptLines();
    for await (const chunk of bytesOf(file, io)) for (const line of lines.push(chunk)) analyzer.text(line);
    for (const line of lines.end()) analyzer.text(line);
  } catch (error) {
    if (error instanceof TranscriptImportError || error instanceof TranscriptLineTooLong)
      return { file: name, error: error.message };
    // fs and zlib errors carry a code (ENOENT, EISDIR, Z_DATA_ERROR …); anything else is our bug.
    if (typeof (error as NodeJS.ErrnoException).code === 'string')
      return { file: name, error: `cannot read: ${(error as Error).message}` };
    throw error;
  }
  return { file: name, analysis: analyzer.finish() };
}

/** Runs `s2-analyze` with the given arguments (without node and script); resolves to the exit status. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const invocation = parseInvocation(argv);
  if (invocation === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if ('usageError' in invocation) {
    io.stderr(`s2-analyze: ${printable(invocation.usageError)}\n${USAGE}`);
    return 2;
  }
  const reports: FileReport[] = [];
  // One file at a time: each is streamed, so memory stays flat whatever the number and size of the files.
  for (const file of invocation.files) {
    const report = await analyse(file, invocation, io);
    if ('error' in report) io.stderr(`s2-analyze: ${printable(report.file)}: ${printable(report.error)}\n`);
    else if (report.analysis.state.summary.frames === 0)
      io.stderr(
        `s2-analyze: ${printable(report.file)}: warning: no frames (empty or blank transcript), nothing was checked\n`,
      );
    reports.push(report);
  }
  io.stdout(invocation.json ? jsonReport(reports) : textReport(reports));
  return exitCode(reports);
}
