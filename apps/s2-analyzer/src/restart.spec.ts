import { startTestApp, type TestApp } from '@flexgrid/testing';
import { corpus, openPair, replay } from './analyzer.test-util';
import { type RunningS2Analyzer, startS2Analyzer } from './app';

/*
 * A restart loses no stored frame and resumes serving history: a session that a crash interrupted (stored
 * frames, no end) is analysed again from its frames when the analyzer starts, and ended on the record with its
 * S2-RS-MISSING findings and final state. Here a second analyzer on the same database plays the restarted one
 * while the first still holds the session open, as if it had died.
 */

const [frbc] = corpus('valid-frbc');
const lines = (frbc?.text ?? '').trim().split('\n');

describe('restart', () => {
  let app: TestApp;
  let first: RunningS2Analyzer;
  let environment: { databaseUrl: string; kafkaBrokers: string[]; topicPrefix: string };
  beforeAll(async () => {
    app = await startTestApp({
      name: 's2-restart',
      start: async (given) => {
        environment = given;
        first = await startS2Analyzer({ ...given, logLevel: 'fatal' });
        return first;
      },
    });
  });
  afterAll(() => app.stop());

  it('ends an interrupted session from its stored frames and keeps serving its history', async () => {
    const pair = await openPair(first.url.replace(/^http/, 'ws'), 'restart-rm', 'restart-cem');
    // Up to a message that is still unanswered when the "crash" happens.
    const upTo = lines.findIndex(
      (line, i) => i > 10 && line.includes('"rm->cem"') && !line.includes('ReceptionStatus'),
    );
    await replay(pair, lines.slice(0, upTo + 1).join('\n'));
    await first.settled();
    const listed = (await (await app.fetch('/api/sessions?rm=restart-rm')).json()) as {
      sessions: Array<{ id: string }>;
    };
    const [session] = listed.sessions;

    const restarted = await startS2Analyzer({ ...environment, logLevel: 'fatal' });
    try {
      const response = await fetch(`${restarted.url}/api/sessions/${session?.id}`);
      const stored = (await response.json()) as {
        endedAt: string | null;
        endReason: string;
        frames: number;
        state: { phase: string };
      };
      expect(stored).toMatchObject({ frames: upTo + 1, endReason: 'the analyzer stopped before the session ended' });
      expect(stored.endedAt).not.toBeNull();
      expect(stored.state.phase).toBe('ended');
      const { findings } = (await (await fetch(`${restarted.url}/api/sessions/${session?.id}/findings`)).json()) as {
        findings: Array<{ rule: string; seq: number }>;
      };
      expect(findings).toEqual([expect.objectContaining({ rule: 'S2-RS-MISSING', seq: upTo + 1 })]);
      const exported = await (await fetch(`${restarted.url}/api/sessions/${session?.id}/export.jsonl`)).text();
      expect(exported.trim().split('\n')).toHaveLength(upTo + 1);
    } finally {
      await restarted.stop();
      await pair.rm.close();
    }
  });
});
