import { loadConfig } from '@flexgrid/platform-service';
import { type BidContent, PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import { buildUi, launchBrowser, saveScreenshot, type TestApp, type TestBrowser } from '@flexgrid/testing';
import type { Page } from 'playwright-core';
import { type RunningAuctioneer, startPowerMatcherAuctioneer } from '../app';
import { endpoint19, endpoint21, OPERATOR_TOKEN, startAuctioneer } from '../auctioneer.test-util';
import { auctioneerEnv, auctioneerSettings } from '../config';

/**
 * The dashboard (SPEC §8.3, DESIGN.md "Web UIs") in Chromium against the running service on PostgreSQL and Kafka.
 * Agents bid over the wire protocol with the agent SDK: on the auctioneer (1.9 and v2.1 endpoints), under a local
 * concentrator, and under a remote concentrator (a second instance in the concentrator role, connected upstream
 * as one agent). The page must show their bids and the prices as they happen, without a reload.
 */

const STEPS = 21;
const settingsOf = (variables: Record<string, string>) => auctioneerSettings(loadConfig(auctioneerEnv, variables));

let app: TestApp;
let remoteConcentrator: RunningAuctioneer;
let browser: TestBrowser;
const agents: PowerMatcherAgent[] = [];

function agent(url: string, content: BidContent): PowerMatcherAgent {
  const client = new PowerMatcherAgent({ url, reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 } }).start();
  client.bid(content);
  agents.push(client);
  return client;
}

/** A second instance in the concentrator role: one agent (`south`) of the auctioneer, across the wire. */
const startRemoteConcentrator = () =>
  startPowerMatcherAuctioneer({
    port: 0,
    logLevel: 'warn',
    settings: settingsOf({
      PM_ROLE: 'concentrator',
      PM_PARENT_URL: endpoint19(wsUrl(app.url), 'south'),
      PM_MIN_TIME_BETWEEN_BID_UPDATES_MS: '100',
    }),
  });

const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const chartPoints = async (page: Page, label: string) =>
  Number(await page.getByRole('img', { name: label, exact: true }).getAttribute('data-points'));

/** Polls the page (through locators, as a user sees it) until `check` holds; fails saying what it last saw. */
async function until(what: string, check: () => Promise<boolean>, seen: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited for ${what}; the page shows ${JSON.stringify(await seen())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const waitForText = (page: Page, testId: string, expected: string) =>
  until(
    `${testId} to show ${expected}`,
    async () => (await text(page, testId)).includes(expected),
    () => text(page, testId),
  );

beforeAll(async () => {
  await buildUi('apps/powermatcher-auctioneer/ui/vite.config.mts');
  browser = await launchBrowser();
  // The service tests' harness (startTestApp on a fresh database and topic prefix), with a basis of 21 steps.
  const pm = await startAuctioneer({
    PM_PRICE_STEPS: String(STEPS),
    PM_MAX_PRICE: '0.5',
    PM_MIN_TIME_BETWEEN_PRICE_UPDATES_MS: '200',
    PM_OBJECTIVE_ENABLED: 'true',
    PM_CONCENTRATORS: JSON.stringify([{ id: 'north', parentId: 'auctioneer', minTimeBetweenBidUpdatesMs: 100 }]),
  });
  app = pm.app;
});

afterAll(async () => {
  // The page's live stream first: an open stream would hold the service's drain.
  await browser?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await remoteConcentrator?.stop();
  await app?.stop();
});

describe('PM-SVC-3 dashboard in Chromium', () => {
  it('shows the live bid curve, prices, tree and agents, and follows new bids without a reload', async () => {
    const { page, errors } = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${app.url}/`);
    // Before any agent: the auctioneer, its local concentrator with no agents, and the objective agent's 0 W.
    const tree = page.getByRole('list', { name: 'cluster tree' });
    await tree.locator('li[data-node="north"]').getByText('0 of 0 agents connected').waitFor();
    const table = page.getByRole('table', { name: 'agents' });
    await table.locator('tr[data-key="objective"]').getByText('flat 0 W').waitFor();
    await saveScreenshot(page, 'powermatcher-dashboard-start');

    remoteConcentrator = await startRemoteConcentrator();

    agent(endpoint19(wsUrl(app.url), 'pv-1', 'auctioneer'), { flat: -650 });
    agent(endpoint19(wsUrl(app.url), 'heatpump-1', 'north'), {
      demand: Array.from({ length: STEPS }, (_, i) => 1500 - i * 100),
    });
    agent(endpoint19(wsUrl(app.url), 'freezer-1', 'north'), {
      pricePoints: [
        { price: 0.1, demand: 300 },
        { price: 0.3, demand: 0 },
      ],
    });
    agent(endpoint21(wsUrl(app.url), 'battery-1'), {
      pricePoints: [
        { price: 0.15, demand: 2000 },
        { price: 0.35, demand: -2000 },
      ],
    });
    const ev = agent(endpoint19(wsUrl(app.url), 'ev-1', 'auctioneer'), { flat: 0 });
    agent(endpoint19(wsUrl(remoteConcentrator.url), 'fridge-9', 'south'), { flat: 120 });

    for (const id of ['pv-1', 'heatpump-1', 'freezer-1', 'battery-1', 'ev-1', 'south']) {
      await table.locator(`tr[data-key="${id}"]`).getByText('connected', { exact: true }).waitFor();
    }
    // Every bid is in the auctioneer's aggregate: its own agents (the objective agent too) and both concentrators'.
    await until(
      'five bids or more in the aggregate',
      async () => Number(await text(page, 'aggregate-count')) >= 5,
      () => text(page, 'aggregate-count'),
    );
    await waitForText(page, 'last-price', 'EUR');
    expect(await chartPoints(page, 'aggregate bid curve')).toBeGreaterThan(STEPS);
    expect(await chartPoints(page, 'price over time')).toBeGreaterThanOrEqual(1);

    // The tree: auctioneer → north (local concentrator) → its agents; the remote concentrator south, in a process
    // of its own, as a concentrator with the agent it reported.
    await tree.locator('li[data-node="north"]').getByRole('button', { name: 'freezer-1' }).waitFor();
    await tree.locator('li[data-node="north"]').getByRole('button', { name: 'heatpump-1' }).waitFor();
    const south = tree.locator('li[data-node="south"]');
    await south.getByText('remote concentrator').waitFor();
    await south.getByRole('button', { name: 'fridge-9' }).waitFor();
    // Last bids and the prices they got, per agent.
    await table.locator('tr[data-key="battery-1"]').getByText('2,000 W … -2,000 W').waitFor();
    await table.locator('tr[data-key="pv-1"]').getByText('flat -650 W').waitFor();
    const evRow = table.locator('tr[data-key="ev-1"]');
    await until(
      'a price for ev-1',
      async () => /EUR/.test((await evRow.textContent()) ?? ''),
      () => evRow.textContent(),
    );

    // The aggregate, summed over the tree (the remote concentrator's fridge included): at the lowest price
    // -650 + 1500 + 300 + 2000 + 0 + 120, at the highest -650 - 500 + 0 - 2000 + 0 + 120.
    await waitForText(page, 'curve-summary', 'demand 3,270 W at 0.000 EUR down to -3,030 W at 0.500 EUR');
    const priceBefore = await text(page, 'last-price');
    const roundsBefore = parseInt(await text(page, 'price-rounds'), 10);

    // A new bid: the EV wants 6 kW at any price. The curve and the price move, live.
    ev.bid({ flat: 6_000 });
    await waitForText(page, 'curve-summary', 'demand 9,270 W at 0.000 EUR down to 2,970 W at 0.500 EUR');
    await until(
      'a new price',
      async () => (await text(page, 'last-price')) !== priceBefore,
      () => text(page, 'last-price'),
    );
    expect(await text(page, 'last-price')).toBe('0.500 EUR'); // nothing offers 6 kW more: the price goes to the maximum
    await until(
      'a new round on the price chart',
      async () => parseInt(await text(page, 'price-rounds'), 10) > roundsBefore,
      () => text(page, 'price-rounds'),
    );
    await table.locator('tr[data-key="ev-1"]').getByText('flat 6,000 W').waitFor();

    // An operator objective: the objective agent bids it, and the page shows its source and bid live.
    const objective = await app.fetch('/api/objective', {
      method: 'PUT',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'flat', demandW: -2_000 }),
    });
    expect(objective.status).toBe(200);
    const objectivePanel = page.getByRole('region', { name: 'Objective agent' });
    await objectivePanel.getByText('operator', { exact: true }).waitFor();
    await objectivePanel.getByText('flat -2,000 W').waitFor();
    await waitForText(page, 'curve-summary', 'demand 7,270 W at 0.000 EUR down to 970 W at 0.500 EUR');

    // Filter and select: the v2.1 agent alone, and its bid drawn over the aggregate.
    await page.getByRole('searchbox', { name: 'filter agents' }).fill('dialect:v2.1 state:connected');
    await until(
      'one row',
      async () => (await table.locator('tbody tr').count()) === 1,
      () => table.locator('tbody tr').count(),
    );
    await table.locator('tr[data-key="battery-1"]').waitFor();
    await table.locator('tr[data-key="battery-1"]').click();
    await page.getByText("with battery-1's bid").waitFor();
    await page.getByRole('searchbox', { name: 'filter agents' }).fill('');

    await saveScreenshot(page, 'powermatcher-dashboard');
    errors.expectNone();

    // A page opened now reads it all from the REST API at once (here in the dark theme).
    const dark = await browser.newPage({ viewport: { width: 1400, height: 1100 }, colorScheme: 'dark' });
    await dark.page.goto(`${app.url}/ui/`);
    await dark.page
      .getByRole('table', { name: 'agents' })
      .locator('tr[data-key="ev-1"]')
      .getByText('flat 6,000 W')
      .waitFor();
    await waitForText(dark.page, 'curve-summary', 'demand 7,270 W at 0.000 EUR down to 970 W at 0.500 EUR');
    await waitForText(dark.page, 'last-price', '0.500 EUR');
    await saveScreenshot(dark.page, 'powermatcher-dashboard-dark');
    dark.errors.expectNone();

    // The remote concentrator's own dashboard: its agent, and the prices its parent sends it.
    const remote = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await remote.page.goto(`${remoteConcentrator.url}/`);
    await remote.page.getByRole('heading', { name: 'south in cluster demo' }).waitFor();
    const remoteTable = remote.page.getByRole('table', { name: 'agents' });
    await remoteTable.locator('tr[data-key="fridge-9"]').getByText('flat 120 W').waitFor();
    await waitForText(remote.page, 'last-price', '0.500 EUR');
    await waitForText(remote.page, 'curve-summary', 'demand 120 W at 0.000 EUR down to 120 W at 0.500 EUR');
    await remote.page.getByText('No objective agent').waitFor();
    await saveScreenshot(remote.page, 'powermatcher-dashboard-concentrator');
    remote.errors.expectNone();
  });

  // The page finds its cluster and its role there: an auctioneer, or a remote concentrator (no auctioneer id).
  it('GET /api/clusters lists the one cluster, also on a remote concentrator once its parent answered', async () => {
    expect(await (await app.fetch('/api/clusters')).json()).toEqual([
      { clusterId: 'demo', auctioneerId: 'auctioneer' },
    ]);
    const concentratorClusters = await (await fetch(`${remoteConcentrator.url}/api/clusters`)).json();
    expect(concentratorClusters).toEqual([{ clusterId: 'demo', auctioneerId: null }]);
    const view = (await (await fetch(`${remoteConcentrator.url}/api/clusters/demo`)).json()) as {
      matchers: { id: string }[];
    };
    expect(view.matchers.map((m) => m.id)).toEqual(['south']);
  });
});
