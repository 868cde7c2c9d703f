import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PrivatePostgres, startPrivatePostgres, testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import { corpus, openPair, replay } from './analyzer.test-util';
import { type S2AnalyzerOptions, startS2Analyzer } from './app';

/*
 * A shutdown loses no frame (issue 22): the storage backlog that PostgreSQL does not take within the shutdown
 * budget (here: none of it, the database is down) is spilled to disk, and the next start stores it before
 * anything else, so the session is complete and ended as it really ended.
 */

const [frbc] = corpus('valid-frbc');
const lines = (frbc?.text ?? '').trim().split('\n');

describe('shutdown with a backlog the database does not take', () => {
  let postgres: PrivatePostgres;
  let spillDir: string;
  let options: S2AnalyzerOptions;
  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    spillDir = await mkdtemp(join(tmpdir(), 's2-backlog-'));
    options = {
      databaseUrl: postgres.url,
      kafkaBrokers: testKafkaBrokers(),
      topicPrefix: uniqueTopicPrefix('s2-backlog'),
      logLevel: 'fatal',
      spillDir,
      storeShutdownMs: 300,
    };
  });
  afterAll(async () => {
    await postgres.destroy();
    await rm(spillDir, { recursive: true, force: true });
  });

  it('spills the backlog to disk, and the next start stores every frame and the real end of the session', async () => {
    const first = await startS2Analyzer(options);
    const pair = await openPair(first.url.replace(/^http/, 'ws'), 'backlog-rm', 'backlog-cem');
    await replay(pair, lines.slice(0, 3).join('\n'));
    await first.settled();
    const listed = (await (await fetch(`${first.url}/api/sessions?rm=backlog-rm`)).json()) as {
      sessions: Array<{ id: string }>;
    };
    const id = listed.sessions[0]?.id as string;

    await postgres.crash();
    const { delivered } = await replay(pair, lines.slice(3).join('\n'));
    expect(delivered).toHaveLength(lines.length - 3);
    await pair.rm.close();
    await first.stop();
    const spilled = await readdir(spillDir);
    expect(spilled).toEqual([expect.stringMatching(/\.backlog\.jsonl$/)]);

    await postgres.restart();
    const second = await startS2Analyzer(options);
    try {
      expect(await readdir(spillDir)).toEqual([]);
      const session = (await (await fetch(`${second.url}/api/sessions/${id}`)).json()) as {
        frames: number;
        endReason: string;
        verdict: string;
        framesLost: number;
      };
      expect(session).toMatchObject({ frames: lines.length, verdict: 'valid', framesLost: 0 });
      expect(session.endReason).toMatch(/^RM closed/);
      const frames = (await (await fetch(`${second.url}/api/sessions/${id}/frames?limit=1000`)).json()) as {
        frames: Array<{ seq: number }>;
      };
      expect(frames.frames.map((f) => f.seq)).toEqual(lines.map((_, i) => i + 1));
    } finally {
      await second.stop();
    }
  });
});
