import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './main';

const fixture = (name: string) => join(__dirname, '../fixtures', name);
const VALID = fixture('valid.jsonl');
const WARNINGS = fixture('warnings.jsonl');
const ERRORS = fixture('errors.jsonl');
const NOT_A_TRANSCRIPT = fixture('not-a-transcript.jsonl');

/** Runs the CLI in-process with captured output, reading files from disk unless told otherwise. */
function runWith(argv: string[], readFile: (path: string) => string): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), readFile });
  return { code, stdout, stderr };
}

const run = (...argv: string[]) => runWith(argv, (path) => readFileSync(path, 'utf8'));

/** The finding lines of a text report, as columns (file, seq, rule, level, severity, path, detail). */
const findingRows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => line.split('\t'));

describe('s2-analyze text output', () => {
  it('prints the verdict line of a valid file and no finding lines; exit 0', () => {
    expect(run(VALID)).toEqual({
      code: 0,
      stdout: `${VALID}: valid (14 frames, 0 errors, 0 warnings, schema valid)\n`,
      stderr: '',
    });
  });

  it('prints one tab-separated line per finding: file, seq, rule, level, severity, path, detail; warnings only: exit 0', () => {
    const { code, stdout } = run(WARNINGS);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`${WARNINGS}: valid (14 frames, 0 errors, 2 warnings, schema valid)`);
    const rows = findingRows(stdout);
    expect(rows.map((row) => row.slice(0, 6))).toEqual([
      [WARNINGS, '11', 'S2-UUID', 'strict', 'warning', '/message_id'],
      [WARNINGS, '14', 'S2-RS-LATE', 'state', 'warning', '/subject_message_id'],
    ]);
    expect(rows.every((row) => row.length === 7 && (row[6] ?? '').length > 0)).toBe(true);
  });

  it('marks a finding without a path with "-"; an error finding gives exit 1', () => {
    const { code, stdout } = run(ERRORS);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(`${ERRORS}: invalid (15 frames, 3 errors, 0 warnings, schema invalid)`);
    expect(findingRows(stdout).map((row) => row.slice(1, 6))).toEqual([
      ['11', 'S2-JSON', 'schema', 'error', '-'],
      ['13', 'S2-SEM-MEASUREMENT', 'semantic', 'error', '/values/0/commodity_quantity'],
      ['15', 'S2-RS-MISSING', 'state', 'error', '/message_id'],
    ]);
  });

  it('reports several files in the order given; exit 1 when any has an error', () => {
    const { code, stdout } = run(VALID, ERRORS, WARNINGS);
    expect(code).toBe(1);
    expect(stdout.split('\n').filter((line) => !line.includes('\t'))).toEqual([
      `${VALID}: valid (14 frames, 0 errors, 0 warnings, schema valid)`,
      `${ERRORS}: invalid (15 frames, 3 errors, 0 warnings, schema invalid)`,
      `${WARNINGS}: valid (14 frames, 0 errors, 2 warnings, schema valid)`,
      '',
    ]);
  });
});

describe('s2-analyze columns', () => {
  it('escapes backslash, tab, CR and LF inside a column, so a line is always one finding of seven columns', () => {
    const message = {
      message_type: 'PowerMeasurement',
      message_id: '4b9f3d07-1a2b-4c3d-8e4f-001122334455',
      measurement_timestamp: '2030-04-01T08:00:00Z',
      values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1 }],
      'odd\tkey\\': 1,
    };
    const { code, stdout } = runWith(
      ['in-memory.jsonl'],
      () => `${JSON.stringify({ t: 0, direction: 'rm->cem', message })}\n`,
    );
    expect(code).toBe(1);
    const rows = findingRows(stdout);
    expect(rows.every((row) => row.length === 7)).toBe(true);
    expect(rows.find((row) => row[2] === 'S2-SCHEMA')?.[5]).toBe('/odd\\tkey\\\\');
  });
});

describe('s2-analyze flags', () => {
  it('--no-strict-uuid drops S2-UUID warnings', () => {
    expect(findingRows(run('--no-strict-uuid', WARNINGS).stdout).map((row) => row[2])).toEqual(['S2-RS-LATE']);
  });

  it('--no-semantic drops S2-SEM-* findings', () => {
    expect(findingRows(run(ERRORS, '--no-semantic').stdout).map((row) => row[2])).toEqual(['S2-JSON', 'S2-RS-MISSING']);
  });

  it('--json prints one JSON document with every file, its verdict, counts and findings', () => {
    const { code, stdout } = run('--json', VALID, ERRORS, fixture('missing.jsonl'));
    expect(code).toBe(2);
    const { files } = JSON.parse(stdout) as { files: Array<Record<string, unknown>> };
    expect(files.map((file) => [file['file'], file['verdict'], file['schemaValid'], file['frames']])).toEqual([
      [VALID, 'valid', true, 14],
      [ERRORS, 'invalid', false, 15],
      [fixture('missing.jsonl'), undefined, undefined, undefined],
    ]);
    expect(files[1]?.['counts']).toEqual({ error: 3, warning: 0, schema: 1, state: 1, semantic: 1, strict: 0 });
    expect(files[1]?.['findings']).toEqual([
      expect.objectContaining({ seq: 11, rule: 'S2-JSON', level: 'schema', severity: 'error' }),
      expect.objectContaining({ seq: 13, rule: 'S2-SEM-MEASUREMENT', path: '/values/0/commodity_quantity' }),
      expect.objectContaining({ seq: 15, rule: 'S2-RS-MISSING', path: '/message_id' }),
    ]);
    expect(files[2]?.['error']).toMatch(/^cannot read: ENOENT/);
  });

  it('--help prints the usage; exit 0', () => {
    const { code, stdout } = run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: s2-analyze \[--json\] \[--no-strict-uuid\] \[--no-semantic\] <file.jsonl>/);
  });
});

describe('s2-analyze exit status 2', () => {
  it('a file that cannot be read: message on stderr, the other files still reported', () => {
    const { code, stdout, stderr } = run(fixture('missing.jsonl'), VALID);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^s2-analyze: ${fixture('missing.jsonl')}: cannot read: ENOENT`));
    expect(stdout).toBe(`${VALID}: valid (14 frames, 0 errors, 0 warnings, schema valid)\n`);
  });

  it('a transcript the import rejects, with its line number; 2 wins over 1', () => {
    const { code, stdout, stderr } = run(NOT_A_TRANSCRIPT, ERRORS);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `s2-analyze: ${NOT_A_TRANSCRIPT}: transcript line 2: t 4 is smaller than the previous line's t 5\n`,
    );
    expect(stdout.split('\n')[0]).toBe(`${ERRORS}: invalid (15 frames, 3 errors, 0 warnings, schema invalid)`);
  });

  it('a wrong command line: no file, or an unknown flag', () => {
    expect(run()).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^s2-analyze: no transcript file given\nusage:/),
    });
    expect(run('--strict', VALID)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^s2-analyze: Unknown option '--strict'/),
    });
  });
});

describe('s2-analyze bin', () => {
  const root = join(__dirname, '../../..');

  beforeAll(() => {
    // The bin runs the compiled CLI and the compiled lib; build both (incremental, quick when up to date).
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-b', join(__dirname, '../tsconfig.lib.json')],
      { cwd: root, stdio: 'pipe' },
    );
  });

  it('runs as a process with the same output and exit status', () => {
    const result = spawnSync(process.execPath, [join(__dirname, '../bin/s2-analyze.js'), ERRORS, WARNINGS], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(run(ERRORS, WARNINGS).stdout);
    expect(result.stderr).toBe('');
  });
});
