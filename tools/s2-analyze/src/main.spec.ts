import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { main } from './main';

const fixture = (name: string) => join(__dirname, '../fixtures', name);
const VALID = fixture('valid.jsonl');
const WARNINGS = fixture('warnings.jsonl');
const ERRORS = fixture('errors.jsonl');
const NOT_A_TRANSCRIPT = fixture('not-a-transcript.jsonl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output; `open` gives a file's bytes (`-` is stdin). */
async function runWith(argv: string[], open: (path: string) => NodeJS.ReadableStream): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), open });
  return { code, stdout, stderr };
}

/** Files from disk; stdin is `stdin` when given. */
const runOn = (stdin: string | Buffer | undefined, ...argv: string[]) =>
  runWith(argv, (path) => (path === '-' ? Readable.from([stdin ?? '']) : createReadStream(path)));
const run = (...argv: string[]) => runOn(undefined, ...argv);
/** The CLI on one in-memory file. */
const runText = (text: string | Buffer, ...flags: string[]) => runOn(text, ...flags, '-');

/** The finding lines of a text report, as columns (file, seq, rule, level, severity, path, detail). */
const findingRows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => line.split('\t'));

describe('s2-analyze text output', () => {
  it('prints the verdict line of a valid file and no finding lines; exit 0', async () => {
    expect(await run(VALID)).toEqual({
      code: 0,
      stdout: `${VALID}: valid (14 frames, 0 errors, 0 warnings, schema valid)\n`,
      stderr: '',
    });
  });

  it('prints one tab-separated line per finding: file, seq, rule, level, severity, path, detail; warnings only: exit 0', async () => {
    const { code, stdout } = await run(WARNINGS);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`${WARNINGS}: valid (14 frames, 0 errors, 2 warnings, schema valid)`);
    const rows = findingRows(stdout);
    expect(rows.map((row) => row.slice(0, 6))).toEqual([
      [WARNINGS, '11', 'S2-UUID', 'strict', 'warning', '/message_id'],
      [WARNINGS, '14', 'S2-RS-LATE', 'state', 'warning', '/subject_message_id'],
    ]);
    expect(rows.every((row) => row.length === 7 && (row[6] ?? '').length > 0)).toBe(true);
  });

  it('marks a finding without a path with "-"; an error finding gives exit 1', async () => {
    const { code, stdout } = await run(ERRORS);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(`${ERRORS}: invalid (15 frames, 3 errors, 0 warnings, schema invalid)`);
    expect(findingRows(stdout).map((row) => row.slice(1, 6))).toEqual([
      ['11', 'S2-JSON', 'schema', 'error', '-'],
      ['13', 'S2-SEM-MEASUREMENT', 'semantic', 'error', '/values/0/commodity_quantity'],
      ['15', 'S2-RS-MISSING', 'state', 'error', '/message_id'],
    ]);
  });

  it('reports several files in the order given; exit 1 when any has an error', async () => {
    const { code, stdout } = await run(VALID, ERRORS, WARNINGS);
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
  it('escapes backslash, tab, CR and LF inside a column, so a line is always one finding of seven columns', async () => {
    const message = {
      message_type: 'PowerMeasurement',
      message_id: '4b9f3d07-1a2b-4c3d-8e4f-001122334455',
      measurement_timestamp: '2030-04-01T08:00:00Z',
      values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1 }],
      'odd\tkey\\': 1,
    };
    const { code, stdout } = await runWith(['in-memory.jsonl'], () =>
      Readable.from([`${JSON.stringify({ t: 0, direction: 'rm->cem', message })}\n`]),
    );
    expect(code).toBe(1);
    const rows = findingRows(stdout);
    expect(rows.every((row) => row.length === 7)).toBe(true);
    expect(rows.find((row) => row[2] === 'S2-SCHEMA')?.[5]).toBe('/odd\\tkey\\\\');
  });
});

describe('s2-analyze flags', () => {
  it('--no-strict-uuid drops S2-UUID warnings', async () => {
    expect(findingRows((await run('--no-strict-uuid', WARNINGS)).stdout).map((row) => row[2])).toEqual(['S2-RS-LATE']);
  });

  it('--no-semantic drops S2-SEM-* findings', async () => {
    expect(findingRows((await run(ERRORS, '--no-semantic')).stdout).map((row) => row[2])).toEqual([
      'S2-JSON',
      'S2-RS-MISSING',
    ]);
  });

  it('--json prints one JSON document with every file, its verdict, counts and findings', async () => {
    const { code, stdout } = await run('--json', VALID, ERRORS, fixture('missing.jsonl'));
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

  it('--help prints the usage; exit 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^usage: s2-analyze \[--json\] \[--no-strict-uuid\] \[--no-semantic\] \[--rs-timeout <ms>\] <file.jsonl\|file.jsonl.gz\|->/,
    );
  });
});

describe('s2-analyze exit status 2', () => {
  it('a file that cannot be read: message on stderr, the other files still reported', async () => {
    const { code, stdout, stderr } = await run(fixture('missing.jsonl'), VALID);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^s2-analyze: ${fixture('missing.jsonl')}: cannot read: ENOENT`));
    expect(stdout).toBe(`${VALID}: valid (14 frames, 0 errors, 0 warnings, schema valid)\n`);
  });

  it('a transcript the import rejects, with its line number; 2 wins over 1', async () => {
    const { code, stdout, stderr } = await run(NOT_A_TRANSCRIPT, ERRORS);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `s2-analyze: ${NOT_A_TRANSCRIPT}: transcript line 2: t 4 is smaller than the previous line's t 5\n`,
    );
    expect(stdout.split('\n')[0]).toBe(`${ERRORS}: invalid (15 frames, 3 errors, 0 warnings, schema invalid)`);
  });

  it('a wrong command line: no file, or an unknown flag', async () => {
    expect(await run()).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^s2-analyze: no transcript file given\nusage:/),
    });
    expect(await run('--strict', VALID)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^s2-analyze: Unknown option '--strict'/),
    });
  });
});

describe('s2-analyze empty transcripts (exit status 3)', () => {
  it('an empty or blank file is its own outcome: "empty" on stdout, a warning on stderr, exit 3', async () => {
    for (const blank of ['', '\n', ' \r\n\n\t\n', '\ufeff']) {
      expect(await runText(blank)).toEqual({
        code: 3,
        stdout: '(stdin): empty (0 frames, nothing checked)\n',
        stderr: 's2-analyze: (stdin): warning: no frames (empty or blank transcript), nothing was checked\n',
      });
    }
  });

  it('--json gives verdict "empty"; an error finding elsewhere (1) and an unreadable file (2) win over 3', async () => {
    const { code, stdout } = await runOn('', '--json', '-', VALID);
    expect(code).toBe(3);
    const { files } = JSON.parse(stdout) as { files: Array<Record<string, unknown>> };
    expect(files.map((file) => [file['verdict'], file['frames']])).toEqual([
      ['empty', 0],
      ['valid', 14],
    ]);
    expect((await runOn('', '-', ERRORS)).code).toBe(1);
    expect((await runOn('', '-', fixture('missing.jsonl'))).code).toBe(2);
  });
});

describe('s2-analyze input: streamed line by line, stdin, gzip', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 's2-analyze-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('- reads stdin, reported as (stdin), with the same findings as the file', async () => {
    const fromFile = await run(ERRORS);
    const fromStdin = await runText(readFileSync(ERRORS));
    expect(fromStdin.code).toBe(1);
    expect(fromStdin.stdout).toBe(fromFile.stdout.split(ERRORS).join('(stdin)'));
  });

  it('a .gz file is gunzipped; a corrupt one cannot be read (exit 2)', async () => {
    const gz = join(dir, 'errors.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(ERRORS)));
    const plain = await run(ERRORS);
    expect(await run(gz)).toEqual({ ...plain, stdout: plain.stdout.split(ERRORS).join(gz) });
    const corrupt = join(dir, 'corrupt.jsonl.gz');
    writeFileSync(corrupt, readFileSync(ERRORS));
    expect(await run(corrupt)).toMatchObject({
      code: 2,
      stderr: `s2-analyze: ${corrupt}: cannot read: incorrect header check\n`,
    });
  });

  it('reads lazily: a bad line 2 ends the analysis without reading the rest of an endless input', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<string> {
      yield `${JSON.stringify({ t: 5, direction: 'rm->cem', raw: 'x' })}\n`;
      yield `${JSON.stringify({ t: 4, direction: 'rm->cem', raw: 'x' })}\n`;
      for (;;) {
        produced += 1;
        yield `${JSON.stringify({ t: 9, direction: 'rm->cem', raw: 'x' })}\n`;
      }
    }
    const result = await runWith(['-'], () => Readable.from(endless()));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("s2-analyze: (stdin): transcript line 2: t 4 is smaller than the previous line's t 5\n");
    expect(produced).toBeLessThan(100);
  });

  it('a line split across chunks, and UTF-8 split inside a character, read as one line', async () => {
    const line = JSON.stringify({ t: 0, direction: 'rm->cem', raw: 'ü€' });
    const bytes = Buffer.from(`${line}\n`);
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    const result = await runWith(['-'], () => Readable.from(chunks));
    expect(result.stdout).toMatch(/^\(stdin\): invalid \(1 frame, 1 error/);
    expect(findingRows(result.stdout)[0]?.[6]).toMatch(/not JSON/);
  });
});

/** Control characters other than tab and newline, which the output must never contain raw. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('s2-analyze transcript defects said plainly', () => {
  it('a JSON line that is not a transcript frame says so, naming the members it has', async () => {
    const { code, stderr } = await runText('{"message_type":"Handshake","message_id":"a"}\n');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^s2-analyze: \(stdin\): transcript line 1: not a transcript frame: a JSON object without 't' and 'direction' \(it has 'message_type', 'message_id'\)/,
    );
  });

  it('control bytes from binary input are escaped in stderr and in finding columns', async () => {
    const binary = Buffer.from([0x7b, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x0a]); // "{", NUL, ESC [2J, BEL
    const { code, stderr } = await runText(binary);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^s2-analyze: \(stdin\): transcript line 1: not a JSON object/);
    expect(stderr).not.toMatch(CONTROL);
    const raw = JSON.stringify({ t: 0, direction: 'rm->cem', raw: '\u0000\u001b[2J\u0085' });
    const frame = await runText(`${raw}\n`);
    expect(frame.stdout).not.toMatch(CONTROL);
    // JSON.parse writes C0 characters as \u escapes itself; the C1 NEL is ours to escape.
    expect(findingRows(frame.stdout)[0]?.[6]).toMatch(/\\x85/);
  });
});

describe('s2-analyze --rs-timeout', () => {
  it('sets the S2-RS-LATE threshold: the late answer of the fixture is on time with a larger one', async () => {
    const late = findingRows((await run('--rs-timeout', '5000', WARNINGS)).stdout).map((row) => row[2]);
    expect(late).toContain('S2-RS-LATE');
    const onTime = findingRows((await run('--rs-timeout', '600000', WARNINGS)).stdout).map((row) => row[2]);
    expect(onTime).toEqual(['S2-UUID']);
    expect(findingRows((await run('--rs-timeout=0', VALID)).stdout).map((row) => row[2])).toContain('S2-RS-LATE');
  });

  it('refuses a value that is not a whole number of milliseconds', async () => {
    for (const bad of ['-1', '1.5', 'soon', ''])
      expect(await run(`--rs-timeout=${bad}`, VALID)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^s2-analyze: --rs-timeout '.*' is not a whole number of milliseconds/),
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

  it('runs as a process with the same output and exit status', async () => {
    const result = spawnSync(process.execPath, [join(__dirname, '../bin/s2-analyze.js'), ERRORS, WARNINGS], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe((await run(ERRORS, WARNINGS)).stdout);
    expect(result.stderr).toBe('');
  });

  it('reads stdin for -, and exits 3 on an empty one', () => {
    const bin = join(__dirname, '../bin/s2-analyze.js');
    const fromStdin = spawnSync(process.execPath, [bin, '-'], {
      cwd: root,
      encoding: 'utf8',
      input: readFileSync(VALID),
    });
    expect(fromStdin).toMatchObject({
      status: 0,
      stdout: '(stdin): valid (14 frames, 0 errors, 0 warnings, schema valid)\n',
    });
    expect(spawnSync(process.execPath, [bin, '-'], { cwd: root, encoding: 'utf8', input: '' }).status).toBe(3);
  });
});
