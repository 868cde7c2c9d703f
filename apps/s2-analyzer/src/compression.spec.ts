import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  type AnalyzerUnderTest,
  cemPath,
  eventually,
  Peer,
  type Received,
  rmPath,
  startAnalyzer,
} from './analyzer.test-util';

/*
 * permessage-deflate (RFC 7692, RULES §2.1) on every hop and in both modes: the relay (RM and CEM connect in) and
 * dial mode (the analyzer dials a listening RM). Each hop negotiates on its own: without context takeover in either
 * direction when the peer offers or accepts it, so frames under 1 KiB travel uncompressed and larger ones
 * compressed; nothing when the peer or the analyzer (S2_PERMESSAGE_DEFLATE=false) does not take part. Whatever
 * each hop negotiated, every frame arrives as it was sent, including the frames that waited in the analyzer for a
 * side and reach it together with its upgrade response (the case that lost a dialled RM's Handshake).
 */

const frames: Received[] = [
  {
    data: Buffer.from(
      '{"message_type":"PowerMeasurement","message_id":"0f5e6a8e-7d0a-4a8e-9a55-3f1c7d2b9e01","measurement_timestamp":"2030-04-01T08:00:00Z","values":[{"commodity_quantity":"ELECTRIC.POWER.L1","value":1200.5}]}',
    ),
    binary: false,
  },
  { data: Buffer.from(`{"message_type":"PowerForecast","filler":"${'0123456789'.repeat(300)}"}`), binary: false },
  { data: Buffer.from('not json {'), binary: false },
  { data: Buffer.from([0, 1, 2, 0xfe, 0xff]), binary: true },
  { data: Buffer.alloc(4096, 7), binary: true },
];
const THRESHOLD = 1024;

/** The data frames (text, binary, continuation) arriving on a raw connection, and whether each was compressed (RSV1). */
function tapFrames(socket: Duplex): boolean[] {
  const compressed: boolean[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const [first = 0, second = 0] = pending;
      let length = second & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (second & 0x80) offset += 4; // masked: client to server
      if (pending.length < offset + length) return;
      if ((first & 0x0f) <= 2) compressed.push((first & 0x40) !== 0);
      pending = pending.subarray(offset + length);
    }
  });
  return compressed;
}

const texts = (received: Received[]) => received.map(({ data, binary }) => [data.toString('base64'), binary]);
const deflateExpected = (negotiated: boolean) => frames.map(({ data }) => negotiated && data.length >= THRESHOLD);
const NO_CONTEXT_TAKEOVER = /^permessage-deflate(?=.*; server_no_context_takeover)(?=.*; client_no_context_takeover)/;

/** A drop-in client that records the raw frames it receives and the extensions the analyzer answered. */
async function dropIn(url: string, offer: boolean) {
  const socket = new WebSocket(url, { perMessageDeflate: offer });
  const peer = new Peer(socket);
  // Tapped in the 'open' event itself, once ws listens to the connection (a listener before it would take the
  // frames that came with the upgrade response from ws) and before either reads a byte of the websocket stream.
  let upgrade: IncomingMessage | undefined;
  socket.once('upgrade', (response: IncomingMessage) => (upgrade = response));
  const opened = await new Promise<{ wire: boolean[]; extensions: string }>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        wire: tapFrames(upgrade?.socket as Duplex),
        extensions: upgrade?.headers['sec-websocket-extensions'] ?? '',
      }),
    );
  });
  return { peer, ...opened };
}

/** A listening RM for dial mode; its connection is tapped in the 'connection' event, as on the client's 'open'. */
async function listeningRm(perMessageDeflate: boolean) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  await once(server, 'listening');
  const connected = new Promise<{ peer: Peer; socket: WebSocket; wire: boolean[]; offer: string }>((resolve) =>
    server.once('connection', (socket: WebSocket, request: IncomingMessage) =>
      resolve({
        peer: new Peer(socket),
        socket,
        wire: tapFrames(request.socket),
        offer: request.headers['sec-websocket-extensions'] ?? '',
      }),
    ),
  );
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/s2`,
    connected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends every frame from one side, then the other, and waits for all of them on the far side of each. */
async function exchange(rm: Peer, cem: Peer): Promise<void> {
  const [rmHad, cemHad] = [rm.received.length, cem.received.length];
  for (const { data, binary } of frames) rm.socket.send(data, { binary });
  await cem.until(cemHad + frames.length);
  for (const { data, binary } of frames) cem.socket.send(data, { binary });
  await rm.until(rmHad + frames.length);
  expect(texts(cem.received.slice(cemHad))).toEqual(texts(frames));
  expect(texts(rm.received.slice(rmHad))).toEqual(texts(frames));
}

describe.each([
  ['on (the default)', true],
  ['off (S2_PERMESSAGE_DEFLATE=false)', false],
])('permessage-deflate %s', (_, analyzerDeflates) => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer({ perMessageDeflate: analyzerDeflates });
  });
  afterAll(() => analyzer.app.stop());

  /** Waits until the analyzer has every frame the RM sent (stored, so certainly received). */
  const allReceived = (rmId: string) =>
    eventually(async () => {
      const response = await analyzer.app.fetch(`/api/sessions?rm=${rmId}`);
      const { sessions } = (await response.json()) as { sessions: Array<{ frames: number }> };
      return sessions[0]?.frames === frames.length ? true : undefined;
    });

  it.each([
    ['both sides offer it', true, true],
    ['only the RM offers it', true, false],
  ])(
    'relay, %s: each hop negotiates alone, and every frame, early or late, arrives as sent',
    async (_, rmOffers, cemOffers) => {
      const [rmId, cemId] = [`relay-rm-${rmOffers}-${cemOffers}`, `relay-cem-${rmOffers}-${cemOffers}`];
      const rm = await dropIn(`${analyzer.wsUrl}${rmPath(rmId, cemId)}`, rmOffers);
      // These wait in the analyzer and reach the CEM with its upgrade response.
      for (const { data, binary } of frames) rm.peer.socket.send(data, { binary });
      await allReceived(rmId);
      const cem = await dropIn(`${analyzer.wsUrl}${cemPath(cemId, rmId)}`, cemOffers);
      await cem.peer.until(frames.length);
      expect(texts(cem.peer.received)).toEqual(texts(frames));

      for (const [side, offered] of [
        [rm, rmOffers],
        [cem, cemOffers],
      ] as const) {
        if (analyzerDeflates && offered) expect(side.extensions).toMatch(NO_CONTEXT_TAKEOVER);
        else expect(side.extensions).toBe('');
        side.wire.length = 0;
      }
      await exchange(rm.peer, cem.peer);
      expect(cem.wire).toEqual(deflateExpected(analyzerDeflates && cemOffers));
      expect(rm.wire).toEqual(deflateExpected(analyzerDeflates && rmOffers));
      await rm.peer.close();
      await eventually(async () => (cem.peer.socket.readyState === WebSocket.CLOSED ? true : undefined));
    },
  );

  it.each([
    ['the dialled RM accepts it', true, false],
    ['the dialled RM refuses it', false, true],
  ])('dial mode, %s: each hop negotiates alone, and every frame arrives as sent', async (_, rmAccepts, cemOffers) => {
    const [rmId, cemId] = [`dialled-rm-${rmAccepts}`, `dialled-cem-${rmAccepts}`];
    const rm = await listeningRm(rmAccepts);
    const response = await analyzer.app.fetch('/api/connections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ side: 'RM', url: rm.url, rmId, cemId }),
    });
    expect(response.status).toBe(201);
    const connection = (await response.json()) as { id: string };
    const dialled = await rm.connected;
    // The RM speaks first; its frames wait in the analyzer until the CEM connects.
    for (const { data, binary } of frames) dialled.socket.send(data, { binary });
    await allReceived(rmId);
    if (analyzerDeflates) expect(dialled.offer).toMatch(NO_CONTEXT_TAKEOVER);
    else expect(dialled.offer).toBe('');
    expect(dialled.socket.extensions).toBe(analyzerDeflates && rmAccepts ? 'permessage-deflate' : '');

    const cem = await dropIn(`${analyzer.wsUrl}${cemPath(cemId, rmId)}`, cemOffers);
    await cem.peer.until(frames.length);
    expect(texts(cem.peer.received)).toEqual(texts(frames));
    if (analyzerDeflates && cemOffers) expect(cem.extensions).toMatch(NO_CONTEXT_TAKEOVER);
    else expect(cem.extensions).toBe('');

    dialled.wire.length = 0;
    cem.wire.length = 0;
    await exchange(dialled.peer, cem.peer);
    expect(dialled.wire).toEqual(deflateExpected(analyzerDeflates && rmAccepts));
    expect(cem.wire).toEqual(deflateExpected(analyzerDeflates && cemOffers));

    expect((await analyzer.app.fetch(`/api/connections/${connection.id}`, { method: 'DELETE' })).status).toBe(204);
    await eventually(async () => (cem.peer.socket.readyState === WebSocket.CLOSED ? true : undefined));
    await rm.close();
  });
});
