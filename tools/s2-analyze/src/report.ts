import type { Finding, FindingCounts, TranscriptAnalysis, Verdict } from '@flexgrid/protocol-s2';

/*
 * The stable output of s2-analyze (README.md "Output"): what device makers' CI parses. Change it only together
 * with the README.
 */

/** One analysed file, or one that could not be read or imported. */
export type FileReport = { file: string; analysis: TranscriptAnalysis } | { file: string; error: string };

/** A text field on one line: backslash, tab, CR and LF are escaped so columns and lines stay intact. */
function field(text: string): string {
  return text.replace(/[\\\t\r\n]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' })[c] as string);
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
  verdict?: Verdict;
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
      verdict,
      schemaValid,
      frames: state.summary.frames,
      counts: state.summary.counts,
      findings,
    };
  });
  return `${JSON.stringify({ files }, null, 2)}\n`;
}

/** 2 when a file could not be analysed, else 1 when a file has an error finding, else 0. */
export function exitCode(reports: readonly FileReport[]): 0 | 1 | 2 {
  if (reports.some((report) => 'error' in report)) return 2;
  return reports.some((report) => 'analysis' in report && report.analysis.verdict === 'invalid') ? 1 : 0;
}
