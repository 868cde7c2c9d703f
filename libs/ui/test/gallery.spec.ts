import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { createService, type EventStream, type Problem, type Service } from '@flexgrid/platform-service';
import { buildUi, launchBrowser, saveScreenshot, type TestBrowser, type WatchedPage } from '@flexgrid/testing';

/**
 * The gallery page (gallery/main.tsx) built by Vite, served by the platform's serveUi as an app serves its page,
 * and driven in Chromium: every component renders sample data and a live stream from this test's SSE endpoint,
 * which the test drops and refuses to check that the page reconnects.
 */

class UnknownVen extends Error {
  constructor(readonly venId: string) {
    super(`no VEN ${venId}`);
  }
}

function mapError(error: unknown): Problem | undefined {
  if (error instanceof UnknownVen) {
    return {
      type: 'urn:flexgrid:gallery:unknown-ven',
      title: 'Unknown VEN',
      status: 404,
      detail: error.message,
      venId: error.venId,
    };
  }
  return undefined;
}

/** The live stream's server side: readings every 100 ms to every open stream; it can drop them all, and refuse. */
class ReadingStream {
  readonly open = new Set<EventStream>();
  /** The lastEventId of each stream opened: where the page asked to resume. */
  readonly resumedFrom: (string | undefined)[] = [];
  connections = 0;
  refusing = false;
  private seq = 0;
  private readonly timer = setInterval(() => this.broadcast(), 100);

  accept(service: Service, req: Request, res: Response): void {
    this.connections += 1;
    if (this.refusing) {
      res.status(503).type('text/plain').send('refused by the test');
      return;
    }
    const stream = service.eventStream(req, res);
    this.resumedFrom.push(stream.lastEventId);
    this.open.add(stream);
    stream.onClose(() => this.open.delete(stream));
    this.send(stream);
  }

  dropAll(): void {
    for (const stream of [...this.open]) stream.close();
  }

  stop(): void {
    clearInterval(this.timer);
    this.dropAll();
  }

  private broadcast(): void {
    for (const stream of this.open) this.send(stream);
  }

  private send(stream: EventStream): void {
    const seq = this.seq++;
    const reading = { seq, at: Date.UTC(2026, 0, 5, 8) + seq * 60_000, value: 2 + Math.sin(seq / 6) + (seq % 5) / 10 };
    stream.send(reading, { event: 'reading', id: String(seq) });
  }
}

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

describe('libs/ui gallery in Chromium', () => {
  let service: Service;
  let url: string;
  let browser: TestBrowser;
  let stream: ReadingStream;
  let watched: WatchedPage;
  let venRequests = 0;

  beforeAll(async () => {
    await buildUi('libs/ui/gallery/vite.config.mts');
    stream = new ReadingStream();
    service = createService({
      name: 'ui-gallery',
      handleSignals: false,
      logDestination: quiet,
      mapError,
      config: { host: '127.0.0.1', port: 0 },
    });
    service.app.get('/events', (req, res) => stream.accept(service, req, res));
    service.app.get('/api/vens/:venId', (req) => {
      venRequests += 1;
      throw new UnknownVen(req.params.venId);
    });
    service.serveUi(join(__dirname, '../dist/gallery'));
    ({ url } = await service.listen());
    browser = await launchBrowser();
    watched = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    stream?.stop();
    await service?.shutdown('test done');
  });

  const received = async () => Number(await watched.page.getByTestId('received').textContent());

  it('opens at / (redirected to /ui/) and shows live readings from the stream', async () => {
    const { page } = watched;
    await page.goto(`${url}/`);
    expect(new URL(page.url()).pathname).toBe('/ui/');
    await expect(page.title()).resolves.toBe('Components · UI gallery');
    await page.locator('.fg-connection[data-state="open"]').waitFor();
    await expect(page.locator('.fg-connection').textContent()).resolves.toContain('live');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="received"]')?.textContent) >= 5);
    const chart = page.getByRole('img', { name: 'live readings' });
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(5);
    expect(await chart.locator('canvas').count()).toBe(1);
    // The reading log follows the stream: its newest reading is in view.
    await page.waitForFunction(() => {
      const last = document.querySelector('[data-testid="last-seq"]')?.textContent;
      const log = document.querySelector('[aria-label="reading log"]');
      const rows = [...(log?.querySelectorAll('[role="option"]') ?? [])];
      const row = rows.find((r) => r.textContent?.startsWith(`#${last}`));
      if (!log || !row) return false;
      const box = row.getBoundingClientRect();
      const view = log.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom + 1;
    });
  });

  it('sorts and filters the table', async () => {
    const { page } = watched;
    const table = page.getByRole('table', { name: 'VENs' });
    await expect(table.locator('tbody tr').count()).resolves.toBe(40);
    await expect(table.locator('tbody tr').first().locator('td').first().textContent()).resolves.toBe('ven-001');

    const loadHeader = table.getByRole('button', { name: 'load kW' });
    await loadHeader.click();
    await loadHeader.click();
    await expect(table.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('load kW');
    const loads = (await table.locator('tbody tr td:nth-child(4)').allTextContents()).map(Number);
    expect(loads).toHaveLength(40);
    expect(loads).toEqual([...loads].sort((a, b) => b - a));

    await page.getByRole('searchbox', { name: 'filter VENs' }).fill('depot');
    await expect(table.locator('tbody tr').count()).resolves.toBe(7);
    await expect(page.locator('.fg-table-count').textContent()).resolves.toBe('7 of 40 rows');
    const names = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(names.every((name) => name.startsWith('Depot'))).toBe(true);
    await page.getByRole('searchbox', { name: 'filter VENs' }).fill('status:offline');
    expect(await table.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual(Array(6).fill('offline'));
    await page.getByRole('searchbox', { name: 'filter VENs' }).fill('');
  });

  it('scrolls 100,000 frames with the keyboard, rendering only the rows in view', async () => {
    const { page } = watched;
    const list = page.getByRole('listbox', { name: 'frames' });
    const selected = list.locator('[role="option"][aria-selected="true"]');
    await list.focus();

    await page.keyboard.press('End');
    await expect(selected.textContent()).resolves.toMatch(/^#99999(?!\d)/);
    await expect(selected.getAttribute('aria-setsize')).resolves.toBe('100000');
    expect(await list.evaluate((element) => element.scrollTop)).toBeGreaterThan(2_000_000);
    expect(await list.locator('[role="option"]').count()).toBeLessThan(40);

    await page.keyboard.press('Home');
    await expect(selected.textContent()).resolves.toMatch(/^#0(?!\d)/);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect(selected.textContent()).resolves.toMatch(/^#3(?!\d)/);
    await page.keyboard.press('PageDown'); // a page is the 13 rows that fit in 320 px
    await expect(selected.textContent()).resolves.toMatch(/^#16(?!\d)/);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('activated').textContent()).resolves.toBe('opened #16');
    // Holding the arrow key: each press keeps the selection in view.
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowDown');
    await expect(selected.textContent()).resolves.toMatch(/^#56(?!\d)/);
    await expect(selected.isVisible()).resolves.toBe(true);
    expect(await list.locator('[role="option"]').count()).toBeLessThan(40);
  });

  it('draws the bid curve with the equilibrium marked', async () => {
    const { page } = watched;
    const chart = page.getByRole('img', { name: 'bid curve' });
    // The 5 steps, the extension to the basis' end (0.4) and the equilibrium price (0.23) on one x axis.
    await expect(chart.getAttribute('data-points')).resolves.toBe('7');
    await expect(chart.locator('.u-legend').textContent()).resolves.toContain('equilibrium');
    const inked = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? { data: [] };
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
      return count;
    });
    expect(inked).toBeGreaterThan(500);
  });

  it('highlights the JSON path in the frame', async () => {
    const { page } = watched;
    const target = page.locator('.fg-json-target');
    await expect(target.count()).resolves.toBe(1);
    await expect(target.getAttribute('data-path')).resolves.toBe('$.values[0].value');
    await expect(target.textContent()).resolves.toContain('"value": 1850');
    await expect(page.locator('.fg-json-note').textContent()).resolves.toContain('must not exceed the power range');
  });

  it("shows the service's problem+json error", async () => {
    const { page } = watched;
    const problem = page.getByRole('alert');
    await problem.waitFor();
    const text = await problem.textContent();
    expect(text).toContain('404');
    expect(text).toContain('Unknown VEN');
    expect(text).toContain('no VEN ven-999');
    expect(text).toContain('GET /api/vens/ven-999');
    expect(text).toContain('urn:flexgrid:gallery:unknown-ven');
    expect(text).toContain('venId');
    expect(venRequests).toBe(1);
  });

  it('reconnects with backoff after the server drops the stream and refuses it for a while', async () => {
    const { page } = watched;
    const before = await received();
    const lastSeqBefore = Number(await page.getByTestId('last-seq').textContent());
    const connectionsBefore = stream.connections;
    stream.refusing = true;
    stream.dropAll();
    await page.locator('.fg-connection[data-state="reconnecting"]').waitFor();
    // The drop is retry 1; refused twice more, the retries count up while the indicator says so.
    await page.waitForFunction(() => /\(([3-9]|\d\d+) retries\)/.test(document.body.textContent ?? ''));
    expect(stream.connections).toBeGreaterThanOrEqual(connectionsBefore + 2);
    await expect(page.locator('.fg-connection').textContent()).resolves.toMatch(/reconnecting|connecting/);

    stream.refusing = false;
    await page.locator('.fg-connection[data-state="open"]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (count) => Number(document.querySelector('[data-testid="received"]')?.textContent) > count + 3,
      before,
    );
    expect(stream.open.size).toBe(1);
    // The new stream asked to resume after the last reading the page had.
    expect(stream.resumedFrom[0]).toBeUndefined();
    const resumedFrom = stream.resumedFrom.at(-1);
    expect(Number(resumedFrom)).toBeGreaterThanOrEqual(lastSeqBefore);
  });

  it('switches to the dark theme, and leaves screenshots of both', async () => {
    const { page } = watched;
    await page.evaluate(() => window.scrollTo(0, 0));
    await saveScreenshot(page, 'ui-gallery-light');
    await page.getByRole('button', { name: /^theme:/ }).click();
    await expect(page.evaluate(() => document.documentElement.dataset['theme'])).resolves.toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(15, 18, 22)');
    // The charts are redrawn in the dark palette: the equilibrium marker is the dark theme's red, #f85149.
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[aria-label="bid curve"] canvas');
      const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 0xf8 && data[i + 1] === 0x51 && data[i + 2] === 0x49 && data[i + 3] === 255) return true;
      }
      return false;
    });
    await saveScreenshot(page, 'ui-gallery-dark');
  });

  it('had no console errors other than the ones the test provoked', () => {
    watched.errors.expectNone([
      // The problem panel asks for a VEN that does not exist, on purpose.
      /status of 404 \(Not Found\) http:\/\/[\d.:]+\/api\/vens\/ven-999:/,
      // The stream was refused on purpose.
      /status of 503 \(Service Unavailable\) http:\/\/[\d.:]+\/events\?lastEventId=\d+:/,
    ]);
  });
});
