import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Finding } from '@flexgrid/protocol-s2';
import { type AnalyzerUnderTest, corpus, eventually, openPair, replay, startAnalyzer } from './analyzer.test-util';

/*
 * RULES §14 "Transcript and app": replaying transcripts through the man in the middle forwards every frame
 * unchanged (non-JSON and binary included) and gives the same findings as POST /api/analyze and the CLI.
 */

const root = join(__dirname, '../../..');
const cli = join(root, 'tools/s2-analyze/bin/s2-analyze.js');
const RS_LATE = 'S2-RS-LATE';
const timingFree = (findings: Finding[]) => findings.filter((finding) => finding.rule !== RS_LATE);

interface Analysis {
  verdict: string;
  findings: Finding[];
}

describe('man in the middle: replayed transcripts (RULES §14)', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer();
    // The CLI runs compiled, as device makers run it; build it (incremental, quick when up to date).
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-b', join(root, 'tools/s2-analyze/tsconfig.lib.json')],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
  });
  afterAll(() => analyzer.app.stop());

  const analyze = async (text: string): Promise<Analysis> => {
    const response = await analyzer.app.fetch('/api/analyze', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: text,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Analysis;
  };

  const sessionFindings = async (id: string): Promise<Finding[]> => {
    const response = await analyzer.app.fetch(`/api/sessions/${id}/findings`);
    return ((await response.json()) as { findings: Finding[] }).findings;
  };

  /** The id of the latest session of the pair once it has ended and been stored. */
  const endedSession = (rmId: string) =>
    eventually(async () => {
      const response = await analyzer.app.fetch(`/api/sessions?rm=${rmId}`);
      const { sessions } = (await response.json()) as { sessions: Array<{ id: string; endedAt: string | null }> };
      return sessions[0]?.endedAt ? sessions[0].id : undefined;
    });

  it.each(corpus().map(({ name, file, text }) => [name, file, text]))(
    '%s: forwarded byte-exact; live findings = POST /api/analyze = the CLI; the export reproduces them exactly',
    async (name, file, text) => {
      const pair = await openPair(analyzer.wsUrl, `rm-${name}`, `cem-${name}`);
      const { sent, delivered } = await replay(pair, text);
      expect(delivered).toEqual(sent);
      await pair.rm.close();
      const id = await endedSession(`rm-${name}`);
      await analyzer.analyzer.settled();

      const live = await sessionFindings(id);
      const offline = await analyze(text);
      expect(timingFree(live)).toEqual(timingFree(offline.findings));
      const byCli = spawnSync(process.execPath, [cli, '--json', file], { encoding: 'utf8' });
      const [report] = (JSON.parse(byCli.stdout) as { files: Analysis[] }).files;
      expect(report?.findings).toEqual(offline.findings);

      const exported = await (await analyzer.app.fetch(`/api/sessions/${id}/export.jsonl`)).text();
      expect((await analyze(exported)).findings).toEqual(live);
      if (name.startsWith('valid-')) expect(live).toEqual([]);
      if (name.startsWith('rule-'))
        expect(live.map((f) => f.rule).concat(offline.findings.map((f) => f.rule))).toContain(name.slice(5));
    },
  );
});
