import { analyzeTranscript, TranscriptImportError } from '@flexgrid/protocol-s2';
import { readFileSync } from 'node:fs';
import { type Invocation, parseInvocation, USAGE } from './options';
import { exitCode, type FileReport, jsonReport, textReport } from './report';

/** What the command reads files with and writes its output to: the real process by default, a capture in tests. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): string;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
};

function analyse(file: string, invocation: Invocation, io: CommandIo): FileReport {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (error) {
    return { file, error: `cannot read: ${(error as Error).message}` };
  }
  try {
    return {
      file,
      analysis: analyzeTranscript(text, { strictUuid: invocation.strictUuid, semantic: invocation.semantic }),
    };
  } catch (error) {
    if (error instanceof TranscriptImportError) return { file, error: error.message };
    throw error;
  }
}

/** Runs `s2-analyze` with the given arguments (without node and script) and returns the exit status. */
export function main(argv: readonly string[], io: CommandIo = processIo): number {
  const invocation = parseInvocation(argv);
  if (invocation === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if ('usageError' in invocation) {
    io.stderr(`s2-analyze: ${invocation.usageError}\n${USAGE}`);
    return 2;
  }
  const reports = invocation.files.map((file) => analyse(file, invocation, io));
  for (const report of reports) if ('error' in report) io.stderr(`s2-analyze: ${report.file}: ${report.error}\n`);
  io.stdout(invocation.json ? jsonReport(reports) : textReport(reports));
  return exitCode(reports);
}
