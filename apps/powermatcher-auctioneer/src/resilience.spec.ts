import { KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import {
  createTestDatabase,
  type PrivateKafka,
  type PrivatePostgres,
  startPrivateKafka,
  startPrivatePostgres,
  type TestDatabase,
  testKafkaBrokers,
  uniqueTopicPrefix,
} from '@flexgrid/testing';
import pg from 'pg';
import { type RunningAuctioneer, startPowerMatcherAuctioneer } from './app';
import {
  type AuctioneerUnderTest,
  bidFrame,
  endpoint21,
  eventually,
  OPERATOR_TOKEN,
  RawAgent,
  startAuctioneer,
  TEST_ENV,
} from './auctioneer.test-util';
import { auctioneerEnv, auctioneerSettings } from './config';

/*
 * What the service keeps when something around it fails: a broker or database restart loses or doubles no price
 * round (§8.1 outbox), an agent that stops reading is cut off alone (§7.7), a stop says why (§7.6 close codes), and
 * an operator objective is in force only once it is stored (§8.3).
 */

const prices = (agent: RawAgent): { bidNumber: number; priceValue: number }[] =>
  agent.messages
    .map((m) => JSON.parse(m) as { payloadType: string; payload: { bidNumber: number; priceValue: number } })
    .filter((m) => m.payloadType === 'PRICE_UPDATE')
    .map(({ payload }) => ({ bidNumber: payload.bidNumber, priceValue: payload.priceValue }));

/** Waits until the agent holds the price for its bid `bidNumber`. */
const pricedBid = (agent: RawAgent, bidNumber: number) =>
  eventually(() => prices(agent).find((p) => p.bidNumber === bidNumber));

function auctioneerOn(options: { databaseUrl: string; kafkaBrokers: string[]; topicPrefix: string }) {
  const settings = auctioneerSettings(
    loadConfig(auctioneerEnv, { ...TEST_ENV, PM_AGENT_BIDS_PER_SECOND: '1000', PM_AGENT_BID_BURST: '1000' }),
  );
  return startPowerMatcherAuctioneer({ settings, ...options, host: '127.0.0.1', port: 0, logLevel: 'fatal' });
}

/** Every `powermatcher.prices` record on the broker, duplicates included, by ce_id. */
async function readPrices(brokers: string[], topicPrefix: string): Promise<{ ids: string[]; stop(): Promise<void> }> {
  const reader = new KafkaBus({
    brokers,
    clientId: `${topicPrefix}price-reader`,
    topicPrefix,
    retry: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  const ids: string[] = [];
  await reader.subscribe({
    group: `${topicPrefix}price-reader`,
    topics: ['powermatcher.prices'],
    fromBeginning: true,
    handler: async (event) => void ids.push(event.id),
  });
  return { ids, stop: () => reader.stop() };
}

/** Bids `count` times, each priced (one round each, cooling-off 0), from bid number `from` on. */
async function bidRounds(agent: RawAgent, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    agent.send(bidFrame(n, [100 * n, 0, -100 * n]));
    await pricedBid(agent, n);
  }
}

/** The round ids the price history holds: each must be on the topic exactly once. */
async function storedRoundIds(query: (sql: string) => Promise<{ round: number }[]>): Promise<string[]> {
  return (await query('select round::int as round from price_history order by round')).map((r) => `demo:${r.round}`);
}

describe('the price outbox across a Kafka broker restart (PM-SVC-1)', () => {
  let kafka: PrivateKafka;
  let database: TestDatabase;
  let pool: pg.Pool;
  let app: RunningAuctioneer;
  const topicPrefix = uniqueTopicPrefix('pm-kafka-restart');

  beforeAll(async () => {
    kafka = await startPrivateKafka();
    database = await createTestDatabase('pm-kafka-restart');
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    app = await auctioneerOn({ databaseUrl: database.url, kafkaBrokers: kafka.brokers, topicPrefix });
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await pool?.end();
    await database?.drop();
    await kafka?.destroy();
  }, 60_000);

  it('publishes every round stored while the broker was down once it is back, none twice', async () => {
    const agent = await RawAgent.connect(endpoint21(app.url.replace(/^http/, 'ws'), 'outbox-a'));
    await agent.message(0);
    const topic = await readPrices(kafka.brokers, topicPrefix);
    try {
      await bidRounds(agent, 1, 5);
      await eventually(() => (topic.ids.length >= 5 ? true : undefined), 60_000);

      await kafka.kill();
      // The market does not wait for the broker: these rounds are priced at once and queue in the outbox.
      await bidRounds(agent, 6, 10);
      await kafka.restart();
      await bidRounds(agent, 16, 5);

      const query = async (sql: string) => (await pool.query<{ round: number }>(sql)).rows;
      const expected = await storedRoundIds(query);
      expect(expected.length).toBeGreaterThanOrEqual(20);
      await eventually(() => (expected.every((id) => topic.ids.includes(id)) ? true : undefined), 90_000);
      const pending = await pool.query('select count(*)::int as n from flexgrid_outbox where sent_at is null');
      expect(pending.rows[0]).toEqual({ n: 0 });
      expect([...topic.ids].sort()).toEqual([...expected].sort());
    } finally {
      await topic.stop();
      agent.close();
      await agent.closed;
    }
  }, 240_000);
});

describe('price rounds across a PostgreSQL restart (PM-SVC-1, PM-SVC-2)', () => {
  let postgres: PrivatePostgres;
  let pool: pg.Pool;
  let app: RunningAuctioneer;
  const topicPrefix = uniqueTopicPrefix('pm-pg-restart');

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    pool.on('error', () => undefined);
    app = await auctioneerOn({ databaseUrl: postgres.url, kafkaBrokers: testKafkaBrokers(), topicPrefix });
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await pool?.end();
    await postgres?.destroy();
  }, 60_000);

  it('keeps pricing while the database is down, then stores and publishes every round once', async () => {
    const agent = await RawAgent.connect(endpoint21(app.url.replace(/^http/, 'ws'), 'pg-a'));
    await agent.message(0);
    const topic = await readPrices(testKafkaBrokers(), topicPrefix);
    try {
      await bidRounds(agent, 1, 5);
      await postgres.crash();
      await bidRounds(agent, 6, 10);
      await postgres.restart();
      await bidRounds(agent, 16, 5);

      const query = async (sql: string) => (await pool.query<{ round: number }>(sql)).rows;
      // Every round the agent was priced in is stored, in order and without a gap.
      const stored = await eventually(async () => {
        const ids = await storedRoundIds(query).catch(() => []);
        return ids.length >= 20 ? ids : undefined;
      }, 60_000);
      const rounds = stored.map((id) => Number(id.split(':')[1]));
      expect(rounds).toEqual(rounds.map((_, i) => rounds[0]! + i));
      await eventually(() => (stored.every((id) => topic.ids.includes(id)) ? true : undefined), 60_000);
      expect([...topic.ids].sort()).toEqual([...stored].sort());
    } finally {
      await topic.stop();
      agent.close();
      await agent.closed;
    }
  }, 180_000);
});

describe('one agent among many (PM-WS-7, PM-ERR-2, PM-SVC-3)', () => {
  let pm: AuctioneerUnderTest;
  beforeAll(async () => {
    pm = await startAuctioneer({
      PM_OBJECTIVE_ENABLED: 'true',
      PM_MAX_ERRORS_PER_MINUTE: '100000',
      PM_MAX_FRAME_BYTES: String(1024 * 1024),
    });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  it('PM-WS-7: an agent that stops reading is closed 1008 (Send buffer overflow); another keeps its prices', async () => {
    const steady = await RawAgent.connect(endpoint21(pm.wsUrl, 'steady'));
    const stalled = await RawAgent.connect(endpoint21(pm.wsUrl, 'stalled'));
    await Promise.all([steady.message(0), stalled.message(0)]);
    stalled.send(bidFrame(1, [500, 500, 500]));
    await pricedBid(stalled, 1);
    stalled.socket.pause();
    // Each of these comes back as an ERROR echoing its 256 kB type: the replies pile up behind the unread socket
    // (loopback buffers hold a few MB) until the 1 MiB send buffer overflows.
    const echoed = `{"payloadType":"${'X'.repeat(256 * 1024)}"}`;
    for (let i = 0; i < 120; i++) stalled.send(echoed);
    const cutOff = await eventually(async () => {
      const agents = (await (await pm.app.fetch('/api/agents')).json()) as { agentId: string; connected: boolean }[];
      return agents.find((a) => a.agentId === 'stalled' && !a.connected);
    }, 30_000);
    expect(cutOff.connected).toBe(false);
    // Its bid left the cluster: the steady agent alone crosses at 5 (with the stalled 500 W it was 7.5).
    steady.send(bidFrame(1, [1000, 0, -1000]));
    expect(await pricedBid(steady, 1)).toEqual({ bidNumber: 1, priceValue: 5 });
    stalled.socket.resume();
    expect(await stalled.closed).toEqual({ code: 1008, reason: 'Send buffer overflow' });
  }, 60_000);

  it('PM-SVC-3: PUT /api/objective is in force only once stored: a failed write changes no price', async () => {
    const agent = await RawAgent.connect(endpoint21(pm.wsUrl, 'objective-watcher'));
    await agent.message(0);
    agent.send(bidFrame(1, [1000, 0, -1000]));
    expect(await pricedBid(agent, 1)).toEqual({ bidNumber: 1, priceValue: 5 });
    const put = (body: unknown) =>
      pm.app.fetch('/api/objective', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` },
        body: JSON.stringify(body),
      });
    await pm.app.query('alter table operator_objective rename to operator_objective_away');
    try {
      const failed = await put({ mode: 'flat', demandW: 2000 });
      expect(failed.status).toBe(500);
    } finally {
      await pm.app.query('alter table operator_objective_away rename to operator_objective');
    }
    expect(await (await pm.app.fetch('/api/objective')).json()).toMatchObject({ source: 'none' });
    const roundsBefore = prices(agent).length;
    // A bid re-prices the cluster: still 5, so the refused objective never entered the market.
    agent.send(bidFrame(2, [1000, 0, -1000]));
    expect(await pricedBid(agent, 2)).toEqual({ bidNumber: 2, priceValue: 5 });
    expect(
      prices(agent)
        .slice(roundsBefore)
        .every((p) => p.priceValue === 5),
    ).toBe(true);

    const stored = await put({ mode: 'flat', demandW: 2000 });
    expect(await stored.json()).toMatchObject({ source: 'operator', mode: 'flat' });
    expect(await pm.app.query('select objective from operator_objective')).toEqual([
      { objective: { mode: 'flat', demandW: 2000 } },
    ]);
    await eventually(() => (prices(agent).at(-1)?.priceValue === 10 ? true : undefined));
    await put({ mode: 'none' });
  });

  it("PM-ERR-2: a stop closes every agent 1001 'Shutting down'", async () => {
    const agent = await RawAgent.connect(endpoint21(pm.wsUrl, 'until-the-end'));
    await agent.message(0);
    await pm.restart();
    expect(await agent.closed).toEqual({ code: 1001, reason: 'Shutting down' });
  });
});
