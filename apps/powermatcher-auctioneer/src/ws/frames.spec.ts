import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { loadConfig } from '@flexgrid/platform-service';
import { type RunningAuctioneer, startPowerMatcherAuctioneer } from '../app';
import {
  type AuctioneerUnderTest,
  bidFrame,
  EXAMPLE_BASIS,
  endpoint19,
  endpoint21,
  eventually,
  RawAgent,
  startAuctioneer,
  TEST_ENV,
} from '../auctioneer.test-util';
import { auctioneerEnv, auctioneerSettings } from '../config';

const bid = (rest: string, bidNumber = 5) =>
  `{"payloadType":"BID","payload":{"marketBasis":${EXAMPLE_BASIS},${rest},"bidNumber":${bidNumber}}}`;

describe('inbound frames: ordered checks, ERROR replies and limits (PM-ERR-1, PM-ERR-2, PM-WS-7)', () => {
  let pm: AuctioneerUnderTest;
  let counter = 0;
  // The market's clock stands still unless a test moves it: token refills happen exactly when a test says.
  let now = Date.parse('2026-01-05T10:00:00Z');
  beforeAll(async () => {
    pm = await startAuctioneer(
      {
        PM_AGENT_BIDS_PER_SECOND: '2',
        PM_AGENT_BID_BURST: '3',
        PM_MAX_ERRORS_PER_MINUTE: '5',
        PM_MAX_FRAME_BYTES: '4096',
      },
      { clock: () => now },
    );
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  /** A fresh connected agent (its CLUSTERINFO read), so budgets never carry over between cases. */
  async function agent(): Promise<RawAgent> {
    const connected = await RawAgent.connect(endpoint21(pm.wsUrl, `agent-${++counter}`));
    await connected.message(0);
    return connected;
  }

  async function errorFor(frame: string | Buffer, binary = false): Promise<unknown> {
    const sender = await agent();
    sender.send(frame, binary);
    const reply = JSON.parse(await sender.message(1));
    sender.close();
    await sender.closed;
    return reply;
  }

  it.each<[string, string | Buffer, boolean, object]>([
    [
      '1: binary',
      Buffer.from(bidFrame(1, [1, 0, 0])),
      true,
      { code: 'INVALID_MESSAGE', message: 'Binary frames are not supported' },
    ],
    ['3: no payloadType', '{}', false, { code: 'INVALID_MESSAGE', message: 'payloadType is required' }],
    ['3: an array', '[1]', false, { code: 'INVALID_MESSAGE', message: 'payloadType is required' }],
    [
      '3: unknown type',
      '{"payloadType":"HELLO"}',
      false,
      { code: 'INVALID_MESSAGE', message: 'Unknown payloadType [HELLO]' },
    ],
    [
      '4: a server message',
      '{"payloadType":"PRICE_UPDATE","payload":{}}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payloadType [PRICE_UPDATE] is not accepted from an agent' },
    ],
    [
      '5: payload not an object',
      '{"payloadType":"BID","payload":[]}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payload must be an object' },
    ],
    [
      '5: bid number not an int32',
      '{"payloadType":"BID","payload":{"bidNumber":2147483648}}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.bidNumber must be an integer' },
    ],
    [
      '8: basis not an object',
      '{"payloadType":"BID","payload":{"marketBasis":"EUR","demand":[1,0,0],"bidNumber":5}}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.marketBasis must be an object', bidNumber: 5 },
    ],
    [
      '5: no bid number',
      '{"payloadType":"BID","payload":{"marketBasis":{},"demand":[1,0,0]}}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.bidNumber must be an integer' },
    ],
    [
      '8: a basis field of the wrong type',
      '{"payloadType":"BID","payload":{"marketBasis":{"commodity":"electricity","currency":"EUR","priceSteps":"3","minimumPrice":0,"maximumPrice":10},"demand":[1,0,0],"bidNumber":5}}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.marketBasis.priceSteps must be an integer', bidNumber: 5 },
    ],
    [
      '8: a basis without its currency',
      '{"payloadType":"BID","payload":{"marketBasis":{"commodity":"electricity","priceSteps":3,"minimumPrice":0,"maximumPrice":10},"demand":[1,0,0],"bidNumber":5}}',
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.marketBasis.currency must be a string', bidNumber: 5 },
    ],
    [
      '8: another basis',
      '{"payloadType":"BID","payload":{"marketBasis":{"commodity":"electricity","currency":"EUR","priceSteps":4,"minimumPrice":0,"maximumPrice":10},"demand":[1,0,0,0],"bidNumber":5}}',
      false,
      {
        code: 'MARKET_BASIS_MISMATCH',
        message: 'Marketbasis new bid differs from marketbasis auctioneer',
        bidNumber: 5,
      },
    ],
    [
      '9: both demand and pricePoints',
      bid('"demand":[1,0,0],"pricePoints":[{"price":1,"demand":1}]'),
      false,
      { code: 'INVALID_MESSAGE', message: 'A bid carries either demand or pricePoints, not both', bidNumber: 5 },
    ],
    [
      '9: neither (an empty pricePoints counts as absent)',
      bid('"pricePoints":[]'),
      false,
      {
        code: 'INVALID_MESSAGE',
        message: 'A bid carries either demand or pricePoints, neither was given',
        bidNumber: 5,
      },
    ],
    [
      '9: demand of strings',
      bid('"demand":["1","0","0"]'),
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.demand must be an array of numbers', bidNumber: 5 },
    ],
    [
      '9: price points that are not {price, demand}',
      bid('"pricePoints":[{"price":"1","demand":100}]'),
      false,
      { code: 'INVALID_MESSAGE', message: 'payload.pricePoints must be an array of {price, demand}', bidNumber: 5 },
    ],
    [
      '10: ascending',
      bid('"demand":[9,9,10]'),
      false,
      { code: 'INVALID_BID', message: 'The demand can not be ascending', bidNumber: 5 },
    ],
    [
      '10: wrong length',
      bid('"demand":[9,9]'),
      false,
      {
        code: 'INVALID_BID',
        message: 'Length of the demandArray is not equal to the number of price steps',
        bidNumber: 5,
      },
    ],
    [
      '10: a number overflowing to infinity',
      bid('"demand":[1e400,0,0]'),
      false,
      { code: 'INVALID_BID', message: 'Demand at index 0 is not a finite number', bidNumber: 5 },
    ],
    [
      '10: a price point out of the basis',
      bid('"pricePoints":[{"price":12.5,"demand":100}]'),
      false,
      { code: 'INVALID_BID', message: 'Price 12.5 is out of bounds [0.0, 10.0]', bidNumber: 5 },
    ],
  ])('PM-ERR-1 check %s gets one ERROR and the connection stays open', async (_, frame, binary, payload) => {
    expect(await errorFor(frame, binary)).toEqual({ payloadType: 'ERROR', payload });
  });

  it('PM-ERR-1 check 2: malformed JSON is MALFORMED_JSON with the parser position', async () => {
    const reply = (await errorFor('{"payloadType":')) as { payload: { code: string; message: string } };
    expect(reply.payload.code).toBe('MALFORMED_JSON');
    expect(reply.payload.message.length).toBeGreaterThan(0);
  });

  it('PM-ERR-1: a rejected bid changes nothing (the previous bid stays in force) and never touches another agent', async () => {
    const steady = await agent();
    const faulty = await agent();
    steady.send(bidFrame(1, [100, 0, -100]));
    faulty.send(bidFrame(1, [300, 0, -300]));
    await steady.find('PRICE_UPDATE', 1);
    faulty.send(bidFrame(2, [1, 2, 3]));
    expect((await faulty.find('ERROR', 1)).payload.bidNumber).toBe(2);
    const agents = (await (await pm.app.fetch('/api/agents')).json()) as {
      agentId: string;
      lastBid: { bidNumber: number };
    }[];
    expect(agents.find((a) => a.agentId === `agent-${counter}`)?.lastBid.bidNumber).toBe(1);
    steady.send(bidFrame(2, [50, 0, -50]));
    const priced = await eventually(() =>
      steady.messages.map((m) => JSON.parse(m)).find((m) => m.payload.bidNumber === 2),
    );
    expect(priced.payloadType).toBe('PRICE_UPDATE');
    expect(steady.socket.readyState).toBe(steady.socket.OPEN);
    steady.close();
    faulty.close();
  });

  it('PM-ERR-1 check 6: a flood is rate limited (burst 3, then 2/s), with the bid number; tokens refill', async () => {
    const flooder = await agent();
    for (let n = 1; n <= 5; n++) flooder.send(bidFrame(n, [10, 0, -10]));
    const limited = await eventually(() => {
      const errors = flooder.messages.map((m) => JSON.parse(m)).filter((m) => m.payloadType === 'ERROR');
      return errors.length >= 2 ? errors : undefined;
    });
    expect(limited.map((e) => e.payload)).toEqual([
      { code: 'RATE_LIMITED', message: 'Bid rate exceeded (2/s, burst 3)', bidNumber: 4 },
      { code: 'RATE_LIMITED', message: 'Bid rate exceeded (2/s, burst 3)', bidNumber: 5 },
    ]);
    // 2/s: half a second gives back exactly one token, so bid 6 passes and bid 7 is limited again.
    now += 500;
    flooder.send(bidFrame(6, [10, 0, -10]));
    flooder.send(bidFrame(7, [10, 0, -10]));
    const priced = await eventually(() =>
      flooder.messages
        .map((m) => JSON.parse(m))
        .find((m) => m.payloadType === 'PRICE_UPDATE' && m.payload.bidNumber === 6),
    );
    expect(priced).toBeDefined();
    const limitedAgain = await eventually(() =>
      flooder.messages.map((m) => JSON.parse(m)).find((m) => m.payloadType === 'ERROR' && m.payload.bidNumber === 7),
    );
    expect(limitedAgain.payload.code).toBe('RATE_LIMITED');
    flooder.close();
  });

  it('PM-ERR-1: more than PM_MAX_ERRORS_PER_MINUTE ERRORs close the connection 1008 right after the last', async () => {
    const noisy = await agent();
    for (let i = 0; i < 6; i++) noisy.send('{}');
    expect(await noisy.closed).toEqual({ code: 1008, reason: 'Too many errors' });
    expect(noisy.messages.slice(1).every((m) => JSON.parse(m).payload.code === 'INVALID_MESSAGE')).toBe(true);
    expect(noisy.messages).toHaveLength(7);
  });

  it('PM-ERR-2: a frame above PM_MAX_FRAME_BYTES closes 1009 and invalid UTF-8 closes 1007; the service lives on', async () => {
    const big = await agent();
    big.send(bidFrame(1, [1, 0, 0]) + ' '.repeat(5000));
    expect((await big.closed).code).toBe(1009);
    const garbled = await agent();
    garbled.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
    expect((await garbled.closed).code).toBe(1007);
    expect((await pm.app.fetch('/livez')).status).toBe(200);
    const after = await RawAgent.connect(endpoint19(pm.wsUrl, 'after-abuse'));
    expect(JSON.parse(await after.message(0)).payloadType).toBe('CLUSTERINFO');
    after.close();
  });

  it('PM-WS-2 check 5: a websocket agent cannot take the id of a local component', async () => {
    const local = await RawAgent.connect(endpoint21(pm.wsUrl, 'auctioneer'));
    expect(JSON.parse(await local.message(0)).payload.code).toBe('DUPLICATE_AGENT');
    expect((await local.closed).code).toBe(4409);
  });
});

describe('a bid before the session has cluster info (PM-ERR-1 check 7, PM-CL-2 item 6)', () => {
  let concentrator: RunningAuctioneer;
  beforeAll(async () => {
    // A remote concentrator whose parent never answers: its children are accepted but stay pending (§6.2 item 1).
    const parent = await unusedPort();
    const settings = auctioneerSettings(
      loadConfig(auctioneerEnv, {
        ...TEST_ENV,
        PM_ROLE: 'concentrator',
        PM_PARENT_URL: `ws://127.0.0.1:${parent}/powermatcher/websocket?agentId=lonely-station`,
      }),
    );
    concentrator = await startPowerMatcherAuctioneer({ settings, host: '127.0.0.1', port: 0, logLevel: 'fatal' });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => concentrator.stop());

  it('is NOT_CONNECTED with its bid number; the connection stays open and gets CLUSTERINFO never', async () => {
    const wsUrl = concentrator.url.replace(/^http/, 'ws');
    const pending = await RawAgent.connect(endpoint19(wsUrl, 'early-bird', 'lonely-station'));
    pending.send(bidFrame(9, [1, 0, 0]));
    expect(JSON.parse(await pending.message(0))).toEqual({
      payloadType: 'ERROR',
      payload: { code: 'NOT_CONNECTED', message: 'Not connected to the cluster', bidNumber: 9 },
    });
    pending.send('{}');
    expect(JSON.parse(await pending.message(1)).payload.code).toBe('INVALID_MESSAGE');
    expect(pending.messages.some((m) => m.includes('CLUSTERINFO'))).toBe(false);
    expect(pending.socket.readyState).toBe(pending.socket.OPEN);
  });
});

/** A port nothing listens on: taken from the OS and released. */
async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
