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

/*
 * A frame that would make one session's analysis throw could not be found: @flexgrid/protocol-s2 answers deeply
 * nested objects and arrays (parsed without recursion), __proto__ keys and oversized frames with findings, not
 * exceptions. What remains testable through the wire is that such frames do not disturb forwarding or analysis.
 */
describe('pathological but valid JSON on the wire', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer();
  });
  afterAll(() => analyzer.app.stop());

  // 150,000 levels of nesting (900 KB, under S2_MAX_FRAME_BYTES), inside a Handshake and on its own.
  const deepObject = `${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}`;
  const deepHandshake = `{"message_type":"Handshake","message_id":"c012c44e-0099-4d20-870a-ee0452f63647","role":"RM","supported_protocol_versions":["0.0.2-beta"],"x":${deepObject}}`;
  const deepArray = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;

  it('deeply nested frames are forwarded byte-exact and analysed; that session and another keep forwarding', async () => {
    const deep = await openPair(analyzer.wsUrl, 'deep-rm', 'deep-cem');
    const other = await openPair(analyzer.wsUrl, 'plain-rm', 'plain-cem');
    const sessionId = async (rmId: string) =>
      eventually(async () => {
        const { sessions } = (await (await analyzer.app.fetch(`/api/sessions?rm=${rmId}`)).json()) as {
          sessions: Array<{ id: string }>;
        };
        return sessions[0]?.id;
      });

    const sent = [deepHandshake, deepArray, deepObject];
    for (const frame of sent) deep.rm.socket.send(frame);
    for (let i = 1; i <= 3; i++) other.rm.socket.send(`{"plain":${i}}`);
    await deep.cem.until(3);
    await other.cem.until(3);
    expect(deep.cem.received.map((r) => r.data.toString())).toEqual(sent);

    // Both sessions keep forwarding, both ways, after the pathological frames.
    deep.rm.socket.send(lines[0] ?? '');
    await deep.cem.until(4);
    deep.cem.socket.send('{"after":"deep"}');
    other.rm.socket.send('{"plain":4}');
    await deep.rm.until(1);
    await other.cem.until(4);
    expect(deep.cem.received[3]?.data.toString()).toBe(lines[0]);
    expect(deep.rm.received[0]?.data.toString()).toBe('{"after":"deep"}');
    expect(other.cem.received.map((r) => r.data.toString())).toEqual([1, 2, 3, 4].map((i) => `{"plain":${i}}`));

    // The analysis of the deep session went on: each pathological frame got its finding, and later frames theirs.
    const id = await sessionId('deep-rm');
    const findings = await eventually(async () => {
      const { findings: all } = (await (await analyzer.app.fetch(`/api/sessions/${id}/findings`)).json()) as {
        findings: Array<{ seq: number; rule: string; path?: string }>;
      };
      return all.some((f) => f.seq === 5) ? all : undefined;
    });
    expect(findings.filter((f) => f.seq <= 3).map((f) => [f.seq, f.rule, f.path])).toEqual([
      [1, 'S2-SCHEMA', '/x'],
      [2, 'S2-JSON', undefined],
      [3, 'S2-SCHEMA', '/message_type'],
    ]);
    const frames = await eventually(async () => {
      const response = await analyzer.app.fetch(`/api/sessions/${id}/frames`);
      const body = (await response.json()) as { frames: Array<{ seq: number }> };
      return body.frames.length === 5 ? body.frames : undefined;
    });
    expect(frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    const exported = await (await analyzer.app.fetch(`/api/sessions/${id}/export.jsonl?raw=always`)).text();
    expect(exported.trim().split('\n')).toHaveLength(5);
    await deep.rm.close();
    await other.rm.close();
  });
});
