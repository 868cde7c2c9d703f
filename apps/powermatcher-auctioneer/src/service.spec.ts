import type { OpenadrEvent } from '@flexgrid/contracts';
import { KafkaBus } from '@flexgrid/platform-kafka';
import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import {
  type AuctioneerUnderTest,
  bidFrame,
  endpoint19,
  endpoint21,
  eventually,
  OPERATOR_TOKEN,
  RawAgent,
  startAuctioneer,
} from './auctioneer.test-util';

interface PriceMessage {
  payloadType: string;
  payload: { bidNumber: number; priceValue: number };
}

const prices = (agent: RawAgent): PriceMessage[] =>
  agent.messages.map((m) => JSON.parse(m) as PriceMessage).filter((m) => m.payloadType === 'PRICE_UPDATE');

/** The latest price an agent received, once it equals `value`. */
const priceReaches = (agent: RawAgent, value: number) =>
  eventually(() => (prices(agent).at(-1)?.payload.priceValue === value ? value : undefined));

function drEvent(modificationNumber: number, cancelled: boolean, level: number): OpenadrEvent {
  const start = new Date(Date.now() - 1_000).toISOString();
  return {
    eventId: 'dr-event-1',
    modificationNumber,
    modificationDateTime: start,
    createdDateTime: start,
    marketContext: 'http://flexgrid.example/market',
    priority: 1,
    testEvent: false,
    responseRequired: 'always',
    cancelled,
    activePeriod: {
      start,
      durationSeconds: 3600,
      rampUpSeconds: 0,
      recoverySeconds: 0,
      notificationSeconds: 0,
      startAfterSeconds: 0,
    },
    signals: [
      {
        signalId: 'signal-1',
        name: 'SIMPLE',
        type: 'level',
        intervals: [{ uid: 0, start, durationSeconds: 3600, value: level }],
      },
    ],
    targets: { all: true },
  } as OpenadrEvent;
}

describe('the auctioneer service on real Kafka and PostgreSQL (PM-SVC-1, PM-SVC-2, PM-SVC-3, PM-WS-7, PM-OBJ-1)', () => {
  let pm: AuctioneerUnderTest;
  beforeAll(async () => {
    pm = await startAuctioneer({
      PM_OBJECTIVE_ENABLED: 'true',
      PM_PING_INTERVAL_MS: '250',
      PM_LIVENESS_TIMEOUT_MS: '3000',
      PM_CONCENTRATORS: JSON.stringify([
        { id: 'street', parentId: 'auctioneer', minTimeBetweenBidUpdatesMs: 0 },
        { id: 'ps-north', parentId: 'auctioneer', minTimeBetweenBidUpdatesMs: 0, kind: 'peakShaving' },
      ]),
    });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  it('PM-SVC-1: accepted bids, runs and rounds are published with the §8.1 fields; each round has its history row', async () => {
    const a = await RawAgent.connect(endpoint19(pm.wsUrl, 'kafka-a', 'street'));
    const b = await RawAgent.connect(endpoint21(pm.wsUrl, 'kafka-b'));
    await Promise.all([a.message(0), b.message(0)]);
    a.send(bidFrame(41, [1000, 0, -1000]));
    await priceReaches(a, 5);
    b.send(bidFrame(7, [500, 500, 500]));
    // [1500, 500, -500]: crossing between 5 and 10 at a half: 7.5.
    await priceReaches(b, 7.5);
    const accepted = await eventually(async () =>
      (await pm.app.published('powermatcher.bids').waitFor(1)).find(
        (r) => r.type === 'powermatcher.bid.accepted' && r.key === 'kafka-a',
      ),
    );
    expect(accepted.data).toMatchObject({
      clusterId: 'demo',
      agentId: 'kafka-a',
      parentId: 'street',
      bidNumber: 41,
      marketBasis: { commodity: 'electricity', currency: 'EUR', priceSteps: 3, minimumPrice: 0, maximumPrice: 10 },
      demand: [1000, 0, -1000],
    });
    const streetRun = await eventually(async () =>
      (await pm.app.published('powermatcher.bids').waitFor(1)).find(
        (r) => r.type === 'powermatcher.bid.aggregated' && r.key === 'street',
      ),
    );
    expect(streetRun.data).toMatchObject({
      matcherId: 'street',
      agentBidReferences: { 'kafka-a': 41 },
      sentBidNumber: 1,
      sentDemand: [1000, 0, -1000],
    });
    const published = await eventually(async () =>
      (await pm.app.published('powermatcher.prices').waitFor(1)).find(
        (r) => (r.data as { price: number }).price === 7.5,
      ),
    );
    const round = (published.data as { round: number }).round;
    expect(published.headers['ce_id']).toBe(`demo:${round}`);
    expect(published.data).toMatchObject({
      clusterId: 'demo',
      price: 7.5,
      priceIndex: 2,
      bidNumbers: { street: 1, 'kafka-b': 7, objective: 1 },
    });
    const rows = await pm.app.query(
      'select price, price_index, aggregated_demand from price_history where round = $1',
      [round],
    );
    expect(rows).toEqual([{ price: 7.5, price_index: 2, aggregated_demand: [1500, 500, -500] }]);
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
  });

  it('PM-WS-7: a silent agent is closed 4408 after the liveness timeout and the cluster is re-priced without it', async () => {
    const steady = await RawAgent.connect(endpoint21(pm.wsUrl, 'steady'));
    const silent = await RawAgent.connect(endpoint21(pm.wsUrl, 'silent'), { autoPong: false });
    await Promise.all([steady.message(0), silent.message(0)]);
    steady.send(bidFrame(1, [1000, 0, -1000]));
    silent.send(bidFrame(1, [500, 500, 500]));
    await priceReaches(steady, 7.5);
    expect(await silent.closed).toEqual({ code: 4408, reason: 'Heartbeat timeout' });
    // Without the silent agent's 500 W the crossing is back at 5.
    await priceReaches(steady, 5);
    steady.close();
    await steady.closed;
  });

  it('PM-SVC-3: the REST API shapes, problem+json errors and the operator token', async () => {
    const agent = await RawAgent.connect(endpoint19(pm.wsUrl, 'rest-a'));
    await agent.message(0);
    agent.send(bidFrame(3, [200, 0, -200]));
    await priceReaches(agent, 5);
    const cluster = (await (await pm.app.fetch('/api/clusters/demo')).json()) as { matchers: unknown };
    expect(cluster).toMatchObject({
      clusterId: 'demo',
      auctioneerId: 'auctioneer',
      marketBasis: { priceSteps: 3, minimumPrice: 0, maximumPrice: 10 },
      minTimeBetweenPriceUpdatesMs: 0,
      lastPrice: { price: 5, priceIndex: 1 },
      // rest-a, the objective (flat 0) and street (an all-zero aggregate since its child left).
      aggregate: { demand: [200, 0, -200], agentCount: 3 },
    });
    expect(cluster.matchers).toEqual(
      expect.arrayContaining([
        {
          id: 'auctioneer',
          kind: 'auctioneer',
          parentId: null,
          connected: true,
          children: expect.arrayContaining(['street', 'objective', 'rest-a']),
        },
        { id: 'street', kind: 'concentrator', parentId: 'auctioneer', connected: true, children: [] },
      ]),
    );
    const unknown = await pm.app.fetch('/api/clusters/other');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const agents = (await (await pm.app.fetch('/api/agents')).json()) as Record<string, unknown>[];
    expect(agents.find((a) => a['agentId'] === 'rest-a')).toMatchObject({
      parentId: 'auctioneer',
      dialect: '1.9',
      connected: true,
      lastBid: { bidNumber: 3, demand: [200, 0, -200] },
      lastPrice: { price: 5, bidNumber: 3 },
    });
    const priceRows = (await (await pm.app.fetch('/api/prices')).json()) as { round: number; price: number }[];
    expect(priceRows.length).toBeGreaterThan(0);
    expect(priceRows.at(-1)).toMatchObject({ price: 5, priceIndex: 1 });
    const badRange = await pm.app.fetch('/api/prices?from=yesterday');
    expect(badRange.status).toBe(400);

    const put = (body: unknown, token?: string) =>
      pm.app.fetch('/api/objective', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await put({ mode: 'flat', demandW: 400 })).status).toBe(401);
    const invalid = await put({ mode: 'curve', demand: [1, 2, 3] }, OPERATOR_TOKEN);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ detail: 'The demand can not be ascending', code: 'INVALID_BID' });
    // +400 W asks the cluster for 400 W of production: [600, 400, 200] has no crossing, so the maximum.
    const until = new Date(Date.now() + 60_000).toISOString();
    const set = await put({ mode: 'flat', demandW: 400, until }, OPERATOR_TOKEN);
    expect(await set.json()).toEqual({ source: 'operator', mode: 'flat', demand: [400, 400, 400] });
    await priceReaches(agent, 10);
    expect(await (await put({ mode: 'none' }, OPERATOR_TOKEN)).json()).toMatchObject({ source: 'none' });
    await priceReaches(agent, 5);

    const shaving = await pm.app.fetch('/api/peakshaving', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` },
      body: JSON.stringify([
        { agentId: 'ps-north', measurement: -1250.5 },
        { agentId: 'street', measurement: 1 },
        { agentId: 'ps-north', measurement: 'x' },
      ]),
    });
    expect(await shaving.json()).toEqual([
      { agentId: 'ps-north', result: 'updated' },
      { agentId: 'street', result: 'unknown agent' },
      { agentId: 'ps-north', result: 'invalid measurement' },
    ]);
    agent.close();
    await agent.closed;
  });

  it('PM-OBJ-1: an OpenADR event on openadr.events moves the price agents receive; its cancellation moves it back', async () => {
    const agent = await RawAgent.connect(endpoint21(pm.wsUrl, 'dr-a'));
    await agent.message(0);
    agent.send(bidFrame(1, [1000, 0, -1000]));
    await priceReaches(agent, 5);
    const vtn = new KafkaBus({
      brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
      clientId: 'test-vtn',
      topicPrefix: pm.app.topicPrefix,
    });
    await vtn.connect();
    try {
      // SIMPLE level 2: the objective agent bids +2000 W; [3000, 2000, 1000] has no crossing: the maximum.
      await vtn.publish('openadr.events', [
        { type: 'openadr.event.created', key: 'dr-event-1', id: 'dr-event-1:0', data: drEvent(0, false, 2) },
      ]);
      await priceReaches(agent, 10);
      const stored = await pm.app.query('select modification_number::int as n from objective_events');
      expect(stored).toEqual([{ n: 0 }]);
      await vtn.publish('openadr.events', [
        { type: 'openadr.event.cancelled', key: 'dr-event-1', id: 'dr-event-1:1', data: drEvent(1, true, 2) },
      ]);
      await priceReaches(agent, 5);
    } finally {
      await vtn.stop();
    }
    agent.close();
    await agent.closed;
  });

  it('PM-SVC-2: after a restart agents reconnect and re-bid, rounds continue from the stored maximum', async () => {
    const received: { price: number; bidNumber: number }[] = [];
    const device = new PowerMatcherAgent({
      url: endpoint21(pm.wsUrl, 'restart-a'),
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
      onPrice: ({ price, bidNumber }) => received.push({ price, bidNumber }),
    }).start();
    try {
      await restartAndRebid(device, received);
    } finally {
      await device.stop();
    }
  });

  async function restartAndRebid(device: PowerMatcherAgent, received: { price: number; bidNumber: number }[]) {
    await eventually(() => (device.connected ? true : undefined));
    device.bid({ demand: [1000, 0, -1000] });
    await eventually(() => (received.length > 0 ? true : undefined));
    const before = await pm.app.query<{ max: number }>('select max(round)::int as max from price_history');
    await pm.restart();
    const disconnected = (await (await pm.app.fetch('/api/agents')).json()) as {
      agentId: string;
      connected: boolean;
    }[];
    expect(disconnected.find((a) => a.agentId === 'kafka-a')?.connected).toBe(false);
    const count = received.length;
    await eventually(() => (received.length > count ? true : undefined));
    expect(received.at(-1)).toEqual({ price: 5, bidNumber: 1 });
    const after = await pm.app.query<{ min: number }>(
      'select min(round)::int as min from price_history where round > $1',
      [before[0]!.max],
    );
    expect(after[0]!.min).toBe(before[0]!.max + 1);
    const agents = (await (await pm.app.fetch('/api/agents')).json()) as { agentId: string; connected: boolean }[];
    expect(agents.find((a) => a.agentId === 'restart-a')?.connected).toBe(true);
  }
});
