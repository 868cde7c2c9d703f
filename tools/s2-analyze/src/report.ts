import type { Finding, FindingCounts, TranscriptAnalysis, Verdict } from '@flexgrid/protocol-s2';

/*
 * The stable output of s2-analyze (README.md "Output"): what device makers' CI parses. Change it only together
 * with the README.
 */

/** One analysed file, or one that could not be read or imported. An analysis of 0 frames is the outcome `empty`. */
export type FileReport = { file: string; analysis: TranscriptAnalysis } | { file: string; error: string };

const NAMED_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' };

function escape(c: string): string {
  return NAMED_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * Text for one line of a terminal or a log: control characters (C0, DEL, C1), which binary input puts into
 * details and error messages, are written as `\t`, `\r`, `\n` or `\xNN`, so they can neither break the line
 * nor drive the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, escape);
}

/** A column of a finding line: `printable`, and backslash as `\\`, so the escapes read back unambiguously. */
function field(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\\\x00-\x1f\x7f-\x9f]/g, escape);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Text: per analysed file a verdict line, then one tab-separated line per finding (unreadable files: stderr only). */
export function textReport(reports: readonly FileReport[]): string {
  return reports
    .map((report) => {
      if ('error' in report) return '';
      const { verdict, schemaValid, findings, state } = report.analysis;
      if (state.summary.frames === 0) return `${field(report.file)}: empty (0 frames, nothing checked)\n`;
      const { error, warning } = state.summary.counts;
      const head = `${report.file}: ${verdict} (${plural(state.summary.frames, 'frame')}, ${plural(error, 'error')}, ${plural(warning, 'warning')}, schema ${schemaValid ? 'valid' : 'invalid'})\n`;
      return (
        head +
        findings
          .map(
            (f) =>
              `${[report.file, f.seq, f.rule, f.level, f.severity, f.path ?? '-', f.detail].map((column) => field(String(column))).join('\t')}\n`,
          )
          .join('')
      );
    })
    .join('');
}

interface JsonFileReport {
  file: string;
  /** `empty` for a file without frames (exit status 3). */
  verdict?: Verdict | 'empty';
  schemaValid?: boolean;
  frames?: number;
  counts?: FindingCounts;
  findings?: Finding[];
  error?: string;
}

/** JSON: `{ "files": [...] }`, one entry per file in the order given. */
export function jsonReport(reports: readonly FileReport[]): string {
  const files = reports.map((report): JsonFileReport => {
    if ('error' in report) return { file: report.file, error: report.error };
    const { verdict, schemaValid, findings, state } = report.analysis;
    return {
      file: report.file,
      verdict: state.summary.frames === 0 ? 'empty' : verdict,
      schemaValid,
      frames: state.summary.frames,
      counts: state.summary.counts,
      findings,
    };
  });
  return `${JSON.stringify({ files }, null, 2)}\n`;
}

/** 2 when a file could not be analysed, else 1 when a file has an error finding, else 3 when one was empty, else 0. */
export function exitCode(reports: readonly FileReport[]): 0 | 1 | 2 | 3 {
  if (reports.some((report) => 'error' in report)) return 2;
  const analyses = reports.flatMap((report) => ('analysis' in report ? [report.analysis] : []));
  if (analyses.some((analysis) => analysis.verdict === 'invalid')) return 1;
  return analyses.some((analysis) => analysis.state.summary.frames === 0) ? 3 : 0;
}
