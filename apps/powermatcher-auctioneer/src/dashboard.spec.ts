import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import { buildUi, launchBrowser, saveScreenshot, type TestBrowser } from '@flexgrid/testing';
import { type AuctioneerUnderTest, endpoint19, eventually, startAuctioneer } from './auctioneer.test-util';

/** Sloped bids whose sum crosses zero; each agent drifts its bid so the equilibrium keeps moving. */
function drifting(i: number, tick: number): number[] {
  const shift = ((tick + i) % 7) * 40 - 120;
  return [600 + shift, 100 + shift, -400 + shift];
}

describe('the dashboard in headless Chromium (DESIGN.md "Web UIs", SPEC §8.3)', () => {
  let pm: AuctioneerUnderTest;
  let browser: TestBrowser;
  const agents: PowerMatcherAgent[] = [];
  let feeder: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    await buildUi('apps/powermatcher-auctioneer/ui/vite.config.mts');
    browser = await launchBrowser();
    pm = await startAuctioneer({
      PM_MIN_TIME_BETWEEN_PRICE_UPDATES_MS: '200',
      PM_CONCENTRATORS: JSON.stringify([{ id: 'street-1', parentId: 'auctioneer', minTimeBetweenBidUpdatesMs: 100 }]),
    });
    // Simulated agents: half under the local concentrator, re-bidding every 300 ms.
    for (let i = 0; i < 8; i++) {
      const agent = new PowerMatcherAgent({
        url: endpoint19(pm.wsUrl, `device-${i}`, i % 2 === 0 ? 'auctioneer' : 'street-1'),
      });
      agents.push(agent.start());
    }
    let tick = 0;
    feeder = setInterval(() => {
      tick++;
      agents.forEach((agent, i) => {
        if (agent.connected) agent.bid({ demand: drifting(i, tick) });
      });
    }, 300);
  }, 180_000);

  afterAll(async () => {
    clearInterval(feeder);
    await Promise.all(agents.map((agent) => agent.stop()));
    await browser?.close();
    await pm?.app.stop();
  });

  it('shows the live aggregate curve with the equilibrium, a moving price chart, the tree and the agents', async () => {
    const { page, errors } = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${pm.app.url}/`);
    await page.getByText('cluster demo').first().waitFor();
    await page.getByRole('table', { name: 'agents' }).getByText('device-7').waitFor();
    const number = async (testId: string) => Number(await page.getByTestId(testId).textContent());
    await eventually(async () => ((await number('price-points')) >= 5 ? true : undefined));
    const firstRound = await number('round');
    const firstPoints = await number('price-points');
    // The stream keeps the page moving: new rounds arrive without a reload.
    await eventually(async () => ((await number('round')) > firstRound + 3 ? true : undefined));
    expect(await number('price-points')).toBeGreaterThan(firstPoints);
    expect(await number('bids-in-aggregate')).toBeGreaterThanOrEqual(5);
    const price = Number(await page.getByTestId('price').textContent());
    expect(price).toBeGreaterThan(0);
    expect(price).toBeLessThan(10);
    // Both charts drew on their canvases.
    expect(await page.locator('.uplot canvas').count()).toBeGreaterThanOrEqual(2);
    await page.getByRole('list', { name: 'concentrator tree' }).getByText('street-1').waitFor();
    expect(await page.getByTestId('agents-under-street-1').textContent()).toBe('4 agents');
    await saveScreenshot(page, 'powermatcher-dashboard');
    errors.expectNone();
  });
});
