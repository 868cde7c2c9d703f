import { parseArgs } from 'node:util';

/** What the command line asks for. */
export interface Invocation {
  /** Paths; `-` is stdin. A name ending in `.gz` is gunzipped. */
  files: string[];
  json: boolean;
  strictUuid: boolean;
  semantic: boolean;
  rsTimeoutMs: number;
}

export const USAGE = `usage: s2-analyze [--json] [--no-strict-uuid] [--no-semantic] [--rs-timeout <ms>] <file.jsonl|file.jsonl.gz|->...

Analyses S2 transcripts (JSON Lines, one frame per line) against the S2 analyzer rules. Files are read line by
line (any size, flat memory); a name ending in .gz is gunzipped; - reads stdin.
  --json             one JSON document on stdout instead of text
  --no-strict-uuid   no S2-UUID warnings for ids that are not UUIDs
  --no-semantic      no S2-SEM-* findings (unknown references, unannounced measurements)
  --rs-timeout <ms>  S2-RS-LATE threshold: a ReceptionStatus later than this is late (default 5000)
  --help             this text

Exit status: 0 every file was analysed and none has an error finding; 1 some file has one; 2 a file could not be
read or imported (or the command line is wrong); 3 none of that, but some file has no frames at all (empty or
blank: nothing was checked). 2 wins over 1, 1 over 3.
`;

/** The invocation, `'help'`, or why the command line is wrong. */
export function parseInvocation(argv: readonly string[]): Invocation | 'help' | { usageError: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        'no-strict-uuid': { type: 'boolean' },
        'no-semantic': { type: 'boolean' },
        'rs-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { usageError: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  let rsTimeoutMs = 5000;
  const rsTimeout = values['rs-timeout'];
  if (rsTimeout !== undefined) {
    if (!/^\d+$/.test(rsTimeout) || !Number.isSafeInteger(Number(rsTimeout)))
      return { usageError: `--rs-timeout '${rsTimeout}' is not a whole number of milliseconds ≥ 0` };
    rsTimeoutMs = Number(rsTimeout);
  }
  if (positionals.length === 0) return { usageError: 'no transcript file given' };
  return {
    files: positionals,
    json: values.json === true,
    strictUuid: values['no-strict-uuid'] !== true,
    semantic: values['no-semantic'] !== true,
    rsTimeoutMs,
  };
}
