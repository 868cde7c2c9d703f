import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { buildUi, launchBrowser, saveScreenshot, type TestBrowser } from '@flexgrid/testing';
import { type Page } from 'playwright-core';
import { type Community, startCommunity } from './community.test-util';
import { OPERATOR_TOKEN, startTestGrid, type TestGrid } from './test-grid.test-util';

// Short intervals on the community rules, as the dev host runs them: settlements show within seconds.
const L = 2000;
const environment = {
  P2P_INTERVAL_MS: String(L),
  P2P_PRODUCER_GATE_CLOSURE_MS: '200',
  P2P_AGGREGATE_EVERY_MS: '200',
  P2P_GRID_GATE_CLOSURE_MS: '1000',
  P2P_SETTLE_EVERY_MS: '500',
  P2P_FINAL_AFTER_MS: String(3 * L),
  P2P_REQUEST_MIN_AMOUNT: '1',
  P2P_PAYOUT_MIN_AMOUNT: '1',
};

interface ApiInterval {
  intervalStart: number;
  status: string;
  totals?: { producedWh: number; consumedWh: number; matchedWh: number } | null;
}

describe('the operator page (§14.4) in Chromium, fed by a simulated community over Kafka', () => {
  let browser: TestBrowser;
  let grid: TestGrid;
  let community: Community;

  beforeAll(async () => {
    await buildUi('apps/p2p-grid/ui/vite.config.mts');
    browser = await launchBrowser();
    grid = await startTestGrid(environment, { autoRun: true });
    // PV roofs and households whose energy changes from interval to interval.
    community = await startCommunity(grid, {
      intervalMs: L,
      producerPricePerMWh: 20_000,
      producers: [
        { id: 'PVROOF001', energyWh: (n) => 900 + (n % 7) * 111 },
        { id: 'WINDPARK1', energyWh: (n) => 400 + (n % 5) * 53 },
      ],
      consumers: [
        { id: 'FLAT00001', energyWh: (n) => 700 + (n % 3) * 90 },
        { id: 'FLAT00002', energyWh: (n) => 500 + (n % 4) * 75, wallet: 'none' },
        { id: 'HOUSE0003', energyWh: (n) => 300 + (n % 2) * 260, wallet: 'unreferenced' },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await community?.stop();
    await grid?.stop();
  });

  const operatorApi = async <T>(path: string): Promise<T> => {
    const answer = await grid.app.fetch(path, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(answer.status).toBe(200);
    return (await answer.json()) as T;
  };

  /** The row of the intervals table for one interval, found by its settled totals as the page writes them. */
  const kwh = (page: Page, wh: number) =>
    page.evaluate(
      (value) => new Intl.NumberFormat(undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(value),
      wh / 1000,
    );

  it('asks for the operator token, then shows live settlements, balances, requests and payouts', async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(`${grid.app.url}/operator`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await page.getByRole('textbox', { name: 'operator token' }).fill(OPERATOR_TOKEN);
    await page.getByRole('button', { name: 'sign in' }).click();

    // Members appear with their role's balances.
    const consumers = page.getByRole('table', { name: 'consumer balances' });
    const producers = page.getByRole('table', { name: 'producer balances' });
    await consumers.getByRole('cell', { name: 'HOUSE0003' }).waitFor();
    await producers.getByRole('cell', { name: 'WINDPARK1' }).waitFor();

    // A settled interval appears without a reload, with the totals the community published.
    const intervals = page.getByRole('table', { name: 'intervals' });
    // (Intervals before the members registered settle empty.)
    const settledFromCommunity = async () => {
      const { items } = await operatorApi<{ items: ApiInterval[] }>('/api/operator/intervals');
      return items.find((i) => i.totals && community.published.some((p) => p.intervalStart === i.intervalStart));
    };
    let first = await settledFromCommunity();
    for (const deadline = Date.now() + 20_000; first === undefined; first = await settledFromCommunity()) {
      if (Date.now() > deadline) throw new Error('no interval the community fed was settled within 20 s');
      await page.waitForTimeout(200);
    }
    const sent = community.published.find((p) => p.intervalStart === first.intervalStart);
    expect(first.totals).toMatchObject({ producedWh: sent?.producedWh, consumedWh: sent?.consumedWh });
    const row = intervals.getByRole('row').filter({ hasText: await kwh(page, sent?.producedWh ?? 0) });
    const firstRow = row.filter({ hasText: await kwh(page, sent?.consumedWh ?? 0) }).first();
    await firstRow.waitFor();

    // Its settlement: the version record and every member's line.
    await firstRow.click();
    const records = page.getByRole('table', { name: 'settlement records' });
    await records.getByRole('cell', { name: `GRID00001:${first.intervalStart}:v1` }).waitFor();
    const lines = page.getByRole('table', { name: 'settlement lines' });
    for (const member of ['PVROOF001', 'WINDPARK1', 'FLAT00001', 'FLAT00002', 'HOUSE0003'])
      await lines.getByRole('cell', { name: member, exact: true }).waitFor();

    // Live: a later settlement run's interval appears while the page stays open.
    const settledNow = () =>
      intervals
        .getByRole('row')
        .filter({ has: page.locator('.fg-badge', { hasText: /^(settled|final)$/ }) })
        .count();
    const before = await settledNow();
    for (const deadline = Date.now() + 20_000; (await settledNow()) <= before; await page.waitForTimeout(200))
      if (Date.now() > deadline) throw new Error(`no interval settled after the first ${before} within 20 s`);
    await intervals.getByText('final', { exact: true }).first().waitFor({ timeout: 20_000 });

    // Wallets pay the requests and the rail confirms; producers are paid out.
    await page
      .getByRole('table', { name: 'recent payouts' })
      .getByText('confirmed', { exact: true })
      .first()
      .waitFor({ timeout: 20_000 });
    // Balances in EUR (named in the header) from minor units: the page shows what the API says, once it caught up.
    await expect(consumers.getByRole('columnheader', { name: /charged EUR/ }).count()).resolves.toBe(1);
    const house = consumers.getByRole('row').filter({ hasText: 'HOUSE0003' });
    for (const deadline = Date.now() + 20_000; ; await page.waitForTimeout(200)) {
      const { member } = await operatorApi<{ member: { balances: { charged: number } } }>(
        '/api/operator/members/HOUSE0003',
      );
      const charged = await page.evaluate(
        (cents) => new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 }).format(cents / 100),
        member.balances.charged,
      );
      if (member.balances.charged > 0 && (await house.textContent())?.includes(charged)) break;
      if (Date.now() > deadline) throw new Error(`HOUSE0003 charged ${charged} EUR never shown`);
    }

    // FLAT00002 pays nothing: its requests stay open.
    await page
      .getByRole('table', { name: 'open payment requests' })
      .getByRole('row')
      .filter({ hasText: 'FLAT00002' })
      .filter({ hasText: 'requested' })
      .first()
      .waitFor();

    // HOUSE0003 paid by a transfer the grid cannot attribute: the operator allocates it here (§14.1, P2P-L3).
    const unallocated = page.getByRole('table', { name: 'unallocated payments' });
    await unallocated.getByRole('cell', { name: 'HOUSE0003:payment:1' }).waitFor({ timeout: 20_000 });
    await saveScreenshot(page, 'p2p-grid-operator');
    await unallocated.getByRole('combobox', { name: 'consumer for HOUSE0003:payment:1' }).selectOption('HOUSE0003');
    await unallocated.getByRole('button', { name: 'allocate' }).click();
    await page.getByText('No unallocated payment').waitFor();
    const { member } = await operatorApi<{ member: { balances: { confirmed: number } } }>(
      '/api/operator/members/HOUSE0003',
    );
    expect(member.balances.confirmed).toBeGreaterThan(0);

    // P2P-L3: a payment in another currency is rejected, and shows as such.
    const usd = { paymentId: 'FLAT00001:payment:usd', from: 'FLAT00001', to: 'GRID00001', amount: 100 };
    await grid.devices.publish('p2p.payments', [
      {
        type: 'payment.sent',
        key: usd.paymentId,
        id: `${usd.paymentId}:payment.sent`,
        data: { ...usd, currency: 'USD', reference: 'FLAT00001', sentAt: Date.now() },
      },
    ]);
    await page
      .getByRole('table', { name: 'rejected records' })
      .getByRole('cell', { name: usd.paymentId })
      .waitFor({ timeout: 20_000 });

    // P2P-OP-ST: a member's statement for the final intervals, previewed then issued; P2P-OP-CSV: the export.
    const statements = page.getByRole('region', { name: 'Statements and exports' });
    await statements.getByRole('combobox', { name: 'member' }).selectOption('FLAT00001');
    await statements.getByRole('button', { name: 'final intervals' }).click();
    await statements.getByRole('button', { name: 'preview statement' }).click();
    await statements.getByText('preview', { exact: true }).waitFor();
    const entries = statements.getByRole('table', { name: 'statement entries' });
    await expect(entries.getByRole('row').count()).resolves.toBeGreaterThan(1);
    await statements.getByRole('button', { name: 'issue final statement' }).click();
    const issued = statements.getByText(/^final ST-\d{6}$/);
    await issued.waitFor();
    const number = (await issued.textContent())?.slice('final '.length);
    const stored = await operatorApi<{ statement: { memberId: string; status: string } }>(
      `/api/operator/statements/${number}`,
    );
    expect(stored.statement).toMatchObject({ memberId: 'FLAT00001', status: 'final' });
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      statements.getByRole('button', { name: 'intervals.csv' }).click(),
    ]);
    const rows = (await readFile(await csv.path(), 'utf8')).split('\r\n');
    expect(rows[0]).toMatch(/^interval_start,interval_end,status,version,/);
    expect(rows.filter((r) => r.includes(',final,')).length).toBeGreaterThan(0);
    // From the top, or the sticky header lands mid-page in the full-page image.
    await page.evaluate('window.scrollTo(0, 0)');
    await saveScreenshot(page, 'p2p-grid-operator-statement');

    errors.expectNone();
  });

  it('§14.4 API of the page: the live stream and the grid summary need the operator token; GET / stays P2P-H4', async () => {
    const denied = await grid.app.fetch('/api/operator/stream');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ success: false, message: 'Operator token required.' });
    expect((await grid.app.fetch('/api/operator/stream?access_token=wrong-token-0000000')).status).toBe(401);
    expect((await grid.app.fetch('/api/operator/grid?access_token=' + OPERATOR_TOKEN)).status).toBe(401);
    expect(await (await grid.app.fetch('/')).json()).toEqual({ name: '@flexgrid/p2p-grid', version: '0.1.0' });
    const redirect = await grid.app.fetch('/operator', { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/ui/']);

    const summary = await operatorApi<{ grid: Record<string, unknown> }>('/api/operator/grid');
    expect(summary.grid).toMatchObject({
      gridId: 'GRID00001',
      profile: 'community',
      intervalMs: L,
      currency: 'EUR',
      currencyDigits: 2,
      balances: { unallocated: 0 },
    });
    const limit = await grid.app.fetch('/api/operator/payouts/recent?limit=0', {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect([limit.status, await limit.json()]).toEqual([
      400,
      { success: false, message: "The parameter 'limit' has an invalid value." },
    ]);

    // The stream reports the journal's new facts by kind, with their seq as the event id.
    // (node:http, so that the connection is destroyed at once and cannot hold the grid's shutdown drain.)
    let contentType: string | undefined;
    const text = await new Promise<string>((resolve, reject) => {
      const request = get(`${grid.app.url}/api/operator/stream?access_token=${OPERATOR_TOKEN}`, (response) => {
        contentType = response.headers['content-type'];
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (!/event: journal\nid: \d+\ndata: .*"kinds"/.test(body)) return;
          request.destroy();
          resolve(body);
        });
        response.on('end', () => reject(new Error(`the stream ended: ${body}`)));
      });
      request.on('error', reject);
    });
    expect(contentType).toMatch(/^text\/event-stream/);
    const data = JSON.parse(/data: (.*)\n/.exec(text)?.[1] ?? '{}') as { seq: number; kinds: Record<string, number> };
    expect(data.seq).toBeGreaterThan(0);
    expect(Object.keys(data.kinds).length).toBeGreaterThan(0);
  });

  it('refuses a wrong token with a message; a token in the URL fragment signs in, also in an open tab (dark theme, a phone)', async () => {
    const { page, errors } = await browser.newPage({ colorScheme: 'dark', viewport: { width: 390, height: 844 } });
    await page.goto(`${grid.app.url}/ui/`);
    await page.getByRole('textbox', { name: 'operator token' }).fill('not-the-operator-token');
    await page.getByRole('button', { name: 'sign in' }).click();
    await page.getByRole('alert').getByText('The grid refused that token').waitFor();

    // A link with the token opened in this tab changes only the fragment: the page signs in without a reload.
    await page.evaluate(`window.location.hash = 'token=${OPERATOR_TOKEN}'`);
    await page.getByRole('table', { name: 'consumer balances' }).getByRole('cell', { name: 'FLAT00001' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    // On a phone's width the page is one column: nothing sticks out sideways (wide tables scroll in their panel).
    await page.getByRole('table', { name: 'intervals' }).getByText('final', { exact: true }).first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await page.getByRole('button', { name: 'sign out' }).click();

    await page.goto('about:blank');
    await page.goto(`${grid.app.url}/ui/#token=${OPERATOR_TOKEN}`);
    await page.getByRole('table', { name: 'consumer balances' }).getByRole('cell', { name: 'FLAT00001' }).waitFor();
    // The fragment is dropped from the address once read.
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('table', { name: 'intervals' }).getByText('final', { exact: true }).first().waitFor();
    await saveScreenshot(page, 'p2p-grid-operator-dark');
    // The refused token's 401 is the only error.
    errors.expectNone([/401/]);
  });
});
