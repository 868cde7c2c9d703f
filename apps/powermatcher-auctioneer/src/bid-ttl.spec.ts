import {
  type AuctioneerUnderTest,
  bidFrame,
  endpoint21,
  eventually,
  RawAgent,
  startAuctioneer,
} from './auctioneer.test-util';

describe('bid expiry (PM-WS-7, PM_BID_TTL_MS)', () => {
  let pm: AuctioneerUnderTest;
  beforeAll(async () => {
    pm = await startAuctioneer({ PM_BID_TTL_MS: '1500' });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  it('PM-WS-7: a bid not refreshed within the TTL leaves the aggregate, the cluster re-prices, the session stays', async () => {
    const stale = await RawAgent.connect(endpoint21(pm.wsUrl, 'stale'));
    const fresh = await RawAgent.connect(endpoint21(pm.wsUrl, 'fresh'));
    await Promise.all([stale.message(0), fresh.message(0)]);
    stale.send(bidFrame(1, [500, 500, 500]));
    fresh.send(bidFrame(1, [1000, 0, -1000]));
    const lastPrice = (agent: RawAgent) =>
      agent.messages.map((m) => JSON.parse(m) as { payload: { priceValue?: number } }).at(-1)?.payload.priceValue;
    await eventually(() => (lastPrice(fresh) === 7.5 ? true : undefined));
    // The fresh agent keeps re-bidding; the stale one does not.
    let n = 1;
    const refresh = setInterval(() => fresh.send(bidFrame(++n, [1000, 0, -1000])), 400);
    try {
      await eventually(() => (lastPrice(fresh) === 5 ? true : undefined));
    } finally {
      clearInterval(refresh);
    }
    expect(stale.socket.readyState).toBe(stale.socket.OPEN);
    const agents = (await (await pm.app.fetch('/api/agents')).json()) as {
      agentId: string;
      lastBid: unknown;
      connected: boolean;
    }[];
    expect(agents.find((a) => a.agentId === 'stale')).toMatchObject({ connected: true, lastBid: null });
    // A new bid brings it back.
    stale.send(bidFrame(2, [500, 500, 500]));
    await eventually(() => (lastPrice(stale) === 7.5 ? true : undefined));
  });
});
