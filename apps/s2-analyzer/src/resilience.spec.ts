import { once } from 'node:events';
import { type PrivatePostgres, startPrivatePostgres, testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import {
  type AnalyzerUnderTest,
  corpus,
  eventually,
  openPair,
  Peer,
  replay,
  rmPath,
  cemPath,
  startAnalyzer,
} from './analyzer.test-util';
import { type RunningS2Analyzer, startS2Analyzer } from './app';

/*
 * Forward first (RULES §7 P9, issue 22 "Tests"): the database going away during a session does not stop
 * forwarding, and every frame is stored once it is back; a CEM that stops reading slows down its own pair only.
 */

const [frbc] = corpus('valid-frbc');
const lines = (frbc?.text ?? '').trim().split('\n');

describe('the database connection killed during a session', () => {
  let postgres: PrivatePostgres;
  let analyzer: RunningS2Analyzer;
  let wsUrl: string;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    analyzer = await startS2Analyzer({
      databaseUrl: postgres.url,
      kafkaBrokers: testKafkaBrokers(),
      topicPrefix: uniqueTopicPrefix('s2-db-killed'),
      logLevel: 'fatal',
      storeFlushMs: 10,
    });
    wsUrl = analyzer.url.replace(/^http/, 'ws');
  });
  afterAll(async () => {
    await analyzer.stop();
    await postgres.destroy();
  });

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${analyzer.url}${path}`)).json()) as T;

  it('forwarding continues while it is down, and the frames are stored once it returns', async () => {
    const pair = await openPair(wsUrl, 'db-rm', 'db-cem');
    const half = Math.floor(lines.length / 2);
    await replay(pair, lines.slice(0, half).join('\n'));
    await analyzer.settled();
    const { sessions } = await api<{ sessions: Array<{ id: string }> }>('/api/sessions?rm=db-rm');
    const id = sessions[0]?.id as string;

    await postgres.crash();
    const { sent, delivered } = await replay(pair, lines.slice(half).join('\n'));
    expect(delivered).toEqual(sent);
    expect(delivered).toHaveLength(lines.length - half);
    await pair.rm.close();

    await postgres.restart();
    const stored = await eventually(async () => {
      const session = await api<{ endedAt: string | null; frames: number; verdict: string }>(
        `/api/sessions/${id}`,
      ).catch(() => undefined);
      return session?.endedAt ? session : undefined;
    }, 30_000);
    expect(stored).toMatchObject({ frames: lines.length, verdict: 'valid' });
    const frames = await api<{ frames: Array<{ seq: number }> }>(`/api/sessions/${id}/frames?limit=1000`);
    expect(frames.frames.map((f) => f.seq)).toEqual(lines.map((_, i) => i + 1));
    const exported = await (await fetch(`${analyzer.url}/api/sessions/${id}/export.jsonl`)).text();
    expect(exported.trim().split('\n')).toHaveLength(lines.length);
  });
});

describe('a stalled CEM', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer({ sendBufferBytes: 64 * 1024 });
  });
  afterAll(() => analyzer.app.stop());

  it('does not slow down another pair; its own RM is held back, and every frame arrives once the CEM reads again', async () => {
    const stalledRm = await Peer.open(`${analyzer.wsUrl}${rmPath('stalled-rm', 'stalled-cem')}`);
    const stalledCem = await Peer.open(`${analyzer.wsUrl}${cemPath('stalled-cem', 'stalled-rm')}`);
    stalledCem.socket.pause(); // the CEM stops reading: TCP backpressure towards the analyzer
    const frame = `{"filler":"${'x'.repeat(16 * 1024)}"}`;
    const flood = 2000; // 32 MiB, far beyond socket buffers and the analyzer's send bound
    for (let i = 0; i < flood; i++) stalledRm.socket.send(frame);
    // The analyzer stops reading from the RM of the stalled pair: what the RM sent piles up on its side.
    await eventually(async () => (stalledRm.socket.bufferedAmount > 8 * 1024 * 1024 ? true : undefined));

    const busy = await openPair(analyzer.wsUrl, 'busy-rm', 'busy-cem');
    for (let i = 1; i <= 500; i++) {
      busy.rm.socket.send(`{"n":${i}}`);
      await busy.cem.until(i);
      busy.cem.socket.send(`{"ack":${i}}`);
      await busy.rm.until(i);
    }
    expect(busy.cem.received.map((r) => r.data.toString())).toEqual(
      Array.from({ length: 500 }, (_, i) => `{"n":${i + 1}}`),
    );
    expect(stalledCem.received.length).toBeLessThan(flood);

    stalledCem.socket.resume();
    await stalledCem.until(flood);
    expect(stalledCem.received.every((r) => r.data.toString() === frame && !r.binary)).toBe(true);
    const closed = once(stalledCem.socket, 'close');
    await stalledRm.close();
    await closed;
    await busy.rm.close();
  });
});
