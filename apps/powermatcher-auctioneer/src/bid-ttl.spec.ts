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
  // The market's clock moves only when the test says: expiry is decided by it, not by how fast the machine is.
  let now = Date.parse('2026-01-05T10:00:00Z');
  beforeAll(async () => {
    pm = await startAuctioneer({ PM_BID_TTL_MS: '1500' }, { clock: () => now });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  it('PM-WS-7: a bid not refreshed within the TTL leaves the aggregate, the cluster re-prices, the session stays', async () => {
    const stale = await RawAgent.connect(endpoint21(pm.wsUrl, 'stale'));
    const fresh = await RawAgent.connect(endpoint21(pm.wsUrl, 'fresh'));
    await Promise.all([stale.message(0), fresh.message(0)]);
    stale.send(bidFrame(1, [500, 500, 500]));
    fresh.send(bidFrame(1, [1000, 0, -1000]));
    const last = (agent: RawAgent) =>
      agent.messages.map((m) => JSON.parse(m) as { payload: { priceValue?: number; bidNumber?: number } }).at(-1);
    const lastPrice = (agent: RawAgent) => last(agent)?.payload.priceValue;
    const bidNumberOfLastPrice = (agent: RawAgent) => last(agent)?.payload.bidNumber;
    await eventually(() => (lastPrice(fresh) === 7.5 ? true : undefined));
    // The fresh agent re-bids a second later; the stale one does not. Within the TTL both bids stand.
    now += 1_000;
    fresh.send(bidFrame(2, [1000, 0, -1000]));
    await eventually(() => (bidNumberOfLastPrice(fresh) === 2 ? true : undefined));
    expect(lastPrice(fresh)).toBe(7.5);
    // Two seconds after its bid the stale one has expired (1.5 s); the fresh one, re-bid a second ago, has not.
    now += 1_000;
    fresh.send(bidFrame(3, [1000, 0, -1000]));
    await eventually(() => (bidNumberOfLastPrice(fresh) === 3 ? true : undefined));
    expect(lastPrice(fresh)).toBe(5);
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
