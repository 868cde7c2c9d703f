import { randomUUID } from 'node:crypto';
import { buildUi, launchBrowser, saveScreenshot, type TestBrowser } from '@flexgrid/testing';
import {
  type AnalyzerUnderTest,
  corpus,
  eventually,
  openPair,
  type Peer,
  replay,
  startAnalyzer,
} from './analyzer.test-util';

/*
 * The debugger page in headless Chromium against a live session (DESIGN.md "Web UIs"): an RM and a CEM are fed
 * through the analyzer (the corpus session with an unknown reference, then a measurement with its answer every
 * 50 ms); the timeline grows, a finding is shown with its path highlighted in the message, the chart has points,
 * and the console stays clean.
 */

const [semRef] = corpus('rule-S2-SEM-REF');

describe('debugger page in Chromium', () => {
  let analyzer: AnalyzerUnderTest;
  let browser: TestBrowser;
  let pair: { rm: Peer; cem: Peer };
  let feeding: NodeJS.Timeout;

  beforeAll(async () => {
    await buildUi('apps/s2-analyzer/ui/vite.config.mts');
    browser = await launchBrowser();
    analyzer = await startAnalyzer();
    pair = await openPair(analyzer.wsUrl, 'ui-battery', 'ui-cem');
    await replay(pair, semRef?.text ?? '');
    // The CEM answers each measurement when it arrives, as a CEM does.
    pair.cem.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { message_type: string; message_id: string };
      if (message.message_type === 'PowerMeasurement')
        pair.cem.socket.send(
          JSON.stringify({ message_type: 'ReceptionStatus', subject_message_id: message.message_id, status: 'OK' }),
        );
    });
    let n = 0;
    feeding = setInterval(() => {
      n += 1;
      const id = randomUUID();
      pair.rm.socket.send(
        JSON.stringify({
          message_type: 'PowerMeasurement',
          message_id: id,
          measurement_timestamp: new Date(Date.UTC(2030, 3, 1, 8) + n * 60_000).toISOString(),
          values: [{ commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC', value: 1000 + 300 * Math.sin(n / 5) }],
        }),
      );
    }, 50);
  });
  afterAll(async () => {
    clearInterval(feeding);
    await pair.rm.close();
    await browser?.browser.close();
    await analyzer?.app.stop();
  });

  it('lists the live session, and its debugger shows a growing timeline, a highlighted finding and the power chart', async () => {
    const { page, errors } = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${analyzer.app.url}/`);
    const sessions = page.getByRole('table', { name: 'sessions' });
    await sessions.getByText('ui-battery').waitFor();
    await sessions.getByText('invalid').first().waitFor();
    await sessions.getByText('ui-battery').click();

    const count = page.getByTestId('frame-count');
    await page.getByRole('listbox', { name: 'timeline' }).getByText('PowerMeasurement').first().waitFor();
    const before = Number(await count.textContent());
    await eventually(async () => (Number(await count.textContent()) > before + 10 ? true : undefined));

    await page.keyboard.press('n');
    const json = page.getByLabel('frame JSON');
    await json.locator('.fg-json-target').waitFor();
    expect(await json.locator('.fg-json-target').textContent()).toContain('"actuator_id"');
    await page.getByText('S2-SEM-REF: ', { exact: false }).first().waitFor();
    await page
      .getByRole('list', { name: 'findings' })
      .getByText('A reference to an id that was never described')
      .waitFor();

    const chart = page.getByRole('img', { name: 'power measured and forecast' });
    await eventually(async () => (Number(await chart.getAttribute('data-points')) > 5 ? true : undefined));
    await page.getByText('phase').first().waitFor();
    await saveScreenshot(page, 's2-analyzer-debugger');
    errors.expectNone();
  });
});
