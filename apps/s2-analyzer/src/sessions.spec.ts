import { once } from 'node:events';
import { WebSocket } from 'ws';
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

/*
 * Sessions as the man in the middle keeps them (RULES §1, §7 P7, P8, §12): buffering until the peer connects,
 * the end at the first close, a reconnect or a second connection as a new session.
 */

const [frbc] = corpus('valid-frbc');
const firstLines = (count: number) => (frbc?.text ?? '').split('\n').slice(0, count).join('\n');

describe('sessions of the man in the middle', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer({ peerBufferBytes: 64 * 1024 });
  });
  afterAll(() => analyzer.app.stop());

  const sessionsOf = async (rmId: string) => {
    const response = await analyzer.app.fetch(`/api/sessions?rm=${rmId}`);
    return (
      (await response.json()) as {
        sessions: Array<{ id: string; frames: number; endedAt: string | null; endReason: string | null }>;
      }
    ).sessions;
  };

  it('holds frames for a side that has not connected yet and delivers them in order when it does', async () => {
    const rm = await Peer.open(`${analyzer.wsUrl}${rmPath('early-rm', 'late-cem')}`);
    const frames = ['{"a":1}', 'not json', '{"a":3}'];
    for (const frame of frames) rm.socket.send(frame);
    await eventually(async () => ((await sessionsOf('early-rm'))[0]?.frames === 3 ? true : undefined));
    const cem = await Peer.open(`${analyzer.wsUrl}${cemPath('late-cem', 'early-rm')}`);
    await cem.until(3);
    expect(cem.received.map((frame) => frame.data.toString())).toEqual(frames);
    await rm.close();
    await cem.close();
  });

  it('past the buffer bound, the waiting side is closed with 1013 and a reason naming the missing peer', async () => {
    const rm = await Peer.open(`${analyzer.wsUrl}${rmPath('flooding-rm', 'absent-cem')}`);
    const closed = once(rm.socket, 'close');
    for (let i = 0; i < 10; i++) rm.socket.send('x'.repeat(10_000));
    const [code, reason] = (await closed) as [number, Buffer];
    expect(code).toBe(1013);
    expect(reason.toString()).toMatch(/^the CEM did not connect/);
    const [session] = await eventually(async () => {
      const sessions = await sessionsOf('flooding-rm');
      return sessions[0]?.endedAt ? sessions : undefined;
    });
    expect(session?.endReason).toMatch(/the CEM did not connect/);
  });

  it('closing a flooding RM whose CEM never came (1013, S2_PEER_BUFFER_BYTES) disturbs no other pair', async () => {
    const other = await openPair(analyzer.wsUrl, 'steady-rm', 'steady-cem');
    const rm = await Peer.open(`${analyzer.wsUrl}${rmPath('flood2-rm', 'flood2-cem')}`);
    const closed = once(rm.socket, 'close');
    let sent = 0;
    // Both pairs send interleaved; the flooding RM passes 64 KiB after 7 frames of 10,000 bytes.
    for (let i = 0; i < 10; i++) {
      rm.socket.send('y'.repeat(10_000));
      other.rm.socket.send(`{"rm":${i}}`);
      other.cem.socket.send(`{"cem":${i}}`);
      sent += 1;
    }
    const [code, reason] = (await closed) as [number, Buffer];
    expect(code).toBe(1013);
    expect(reason.toString()).toMatch(/^the CEM did not connect: \d+ bytes from the RM exceed the buffer of 65536$/);

    // The other pair got everything, in order, and keeps forwarding after the close.
    other.rm.socket.send('{"rm":"after"}');
    other.cem.socket.send('{"cem":"after"}');
    await other.cem.until(sent + 1);
    await other.rm.until(sent + 1);
    expect(other.cem.received.map((r) => r.data.toString())).toEqual([
      ...Array.from({ length: sent }, (_, i) => `{"rm":${i}}`),
      '{"rm":"after"}',
    ]);
    expect(other.rm.received.map((r) => r.data.toString())).toEqual([
      ...Array.from({ length: sent }, (_, i) => `{"cem":${i}}`),
      '{"cem":"after"}',
    ]);
    expect(other.rm.socket.readyState).toBe(WebSocket.OPEN);
    expect(other.cem.socket.readyState).toBe(WebSocket.OPEN);
    const [steady] = await eventually(async () => {
      const sessions = await sessionsOf('steady-rm');
      return sessions[0]?.frames === 2 * sent + 2 ? sessions : undefined;
    });
    expect(steady?.endedAt).toBeNull();
    const [flooded] = await eventually(async () => {
      const sessions = await sessionsOf('flood2-rm');
      return sessions[0]?.endedAt ? sessions : undefined;
    });
    expect(flooded?.endReason).toMatch(/the CEM did not connect/);

    // The flooded pair's ids work again: a new session that forwards.
    const again = await openPair(analyzer.wsUrl, 'flood2-rm', 'flood2-cem');
    again.rm.socket.send('{"again":1}');
    await again.cem.until(1);
    expect(again.cem.received[0]?.data.toString()).toBe('{"again":1}');
    await again.rm.close();
    await other.rm.close();
  });

  it('a SessionRequest does not close the sockets; the session ends at the first close and closes the other side', async () => {
    const pair = await openPair(analyzer.wsUrl, 'terminating-rm', 'terminating-cem');
    await replay(pair, frbc?.text ?? ''); // ends with the CEM's SessionRequest TERMINATE and its answer
    pair.rm.socket.send('{"after":"terminate"}');
    await pair.cem.until(pair.cem.received.length + 1);
    const cemClosed = once(pair.cem.socket, 'close');
    await pair.rm.close();
    expect(((await cemClosed) as [number])[0]).toBe(1000);
  });

  it('a reconnect is a new session with seq from 1; a second connection for a connected side ends the old session on the record', async () => {
    const first = await openPair(analyzer.wsUrl, 'again-rm', 'again-cem');
    await replay(first, firstLines(4));
    const cemClosed = once(first.cem.socket, 'close');
    const rmClosed = once(first.rm.socket, 'close');
    const second = await openPair(analyzer.wsUrl, 'again-rm', 'again-cem');
    await Promise.all([cemClosed, rmClosed]);
    await replay(second, firstLines(2));
    await second.rm.close();
    const sessions = await eventually(async () => {
      const all = await sessionsOf('again-rm');
      return all.length === 2 && all.every((s) => s.endedAt) ? all : undefined;
    });
    const [newer, older] = sessions;
    expect(older?.endReason).toMatch(/the RM connected again/);
    expect(older?.frames).toBe(4);
    expect(newer?.frames).toBe(2);
    const frames = await (await analyzer.app.fetch(`/api/sessions/${newer?.id}/frames`)).json();
    expect((frames as { frames: Array<{ seq: number }> }).frames.map((f) => f.seq)).toEqual([1, 2]);
  });

  it('refuses ids that are not printable (400) and unknown paths (404) before the upgrade', async () => {
    const status = (path: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${analyzer.wsUrl}${path}`);
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => resolve(101));
      });
    expect(await status('/backend/rm/a%00b/cem/c/ws')).toBe(400);
    expect(await status('/backend/rm/a/ws')).toBe(404);
  });
});
