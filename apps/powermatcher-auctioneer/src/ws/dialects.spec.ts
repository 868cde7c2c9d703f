import {
  type AuctioneerUnderTest,
  EXAMPLE_BASIS,
  endpoint19,
  endpoint21,
  eventually,
  RawAgent,
  startAuctioneer,
} from '../auctioneer.test-util';

// SPEC §7.3's examples, byte for byte.
const CLUSTERINFO = `{"payloadType":"CLUSTERINFO","payload":{"marketBasis":${EXAMPLE_BASIS},"clusterId":"demo"}}`;
const BID = `{"payloadType":"BID","payload":{"marketBasis":${EXAMPLE_BASIS},"demand":[2500.0,1.2E-4,-120.5],"bidNumber":12}}`;
const PRICE_UPDATE = `{"payloadType":"PRICE_UPDATE","payload":{"marketBasis":${EXAMPLE_BASIS},"bidNumber":12,"priceValue":5.000004979248153}}`;

describe('both websocket dialects on a real socket (PM-WS-1, PM-WS-4, PM-WS-5)', () => {
  let pm: AuctioneerUnderTest;
  beforeAll(async () => {
    pm = await startAuctioneer();
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  it('PM-WS-5: a v2.1-shaped client gets the CLUSTERINFO and PRICE_UPDATE of §7.3 byte for byte', async () => {
    const client = await RawAgent.connect(`${endpoint21(pm.wsUrl, 'v21-client')}&connectionId=ignored`);
    expect(await client.message(0)).toBe(CLUSTERINFO);
    client.send(BID);
    expect(await client.message(1)).toBe(PRICE_UPDATE);
    client.close();
    await client.closed;
  });

  it('PM-WS-5: a 1.9-shaped client naming its parent gets the same bytes; its bid number is echoed (§9 D11)', async () => {
    const client = await RawAgent.connect(endpoint19(pm.wsUrl, 'client-19'));
    expect(await client.message(0)).toBe(CLUSTERINFO);
    client.send(BID);
    expect(await client.message(1)).toBe(PRICE_UPDATE);
    client.close();
    await client.closed;
  });

  it('PM-WS-4: a point bid (1.9 pricePoints) is converted as v2.1 does and priced with its own number', async () => {
    const a = await RawAgent.connect(endpoint19(pm.wsUrl, 'points-a'));
    const b = await RawAgent.connect(endpoint21(pm.wsUrl, 'array-b'));
    await a.message(0);
    await b.message(0);
    // Points (0, 1000), (10, -1000) on 0, 5, 10 → [1000, 0, -1000]; b bids flat -500 → aggregate [500, -500, -1500].
    a.send(
      `{"payloadType":"BID","payload":{"marketBasis":${EXAMPLE_BASIS},"pricePoints":[{"price":0,"demand":1000},{"price":10,"demand":-1000}],"bidNumber":-7}}`,
    );
    b.send(`{"payloadType":"BID","payload":{"marketBasis":${EXAMPLE_BASIS},"demand":[-500,-500,-500],"bidNumber":3}}`);
    // The round holding both bids crosses between 0 (500) and 5 (-500): 2.5, each with its own number.
    const both = (agent: RawAgent) =>
      eventually(() => agent.messages.map((m) => JSON.parse(m)).find((m) => m.payload.priceValue === 2.5));
    expect((await both(a)).payload.bidNumber).toBe(-7);
    expect((await both(b)).payload.bidNumber).toBe(3);
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
  });
});
