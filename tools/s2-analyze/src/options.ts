import { parseArgs } from 'node:util';

/** What the command line asks for. */
export interface Invocation {
  files: string[];
  json: boolean;
  strictUuid: boolean;
  semantic: boolean;
}

export const USAGE = `usage: s2-analyze [--json] [--no-strict-uuid] [--no-semantic] <file.jsonl>...

Analyses S2 transcripts (JSON Lines, one frame per line) against the S2 analyzer rules.
  --json            one JSON document on stdout instead of text
  --no-strict-uuid  no S2-UUID warnings for ids that are not UUIDs
  --no-semantic     no S2-SEM-* findings (unknown references, unannounced measurements)
  --help            this text

Exit status: 0 no file has an error finding, 1 some file has one, 2 a file could not be read or imported
(or the command line is wrong).
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { usageError: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) return { usageError: 'no transcript file given' };
  return {
    files: positionals,
    json: values.json === true,
    strictUuid: values['no-strict-uuid'] !== true,
    semantic: values['no-semantic'] !== true,
  };
}
