import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOW_TO_INSTALL_CHROMIUM, launchBrowser, saveScreenshot, type TestBrowser } from './browser';

/** A page that logs an error, throws one, and asks for a file the server does not have. */
const brokenPage = `<!doctype html><title>broken</title><link rel="icon" href="data:,"><h1>hello</h1>
<script>console.info('fine'); console.error('something broke'); setTimeout(() => { throw new Error('uncaught boom'); });</script>
<img src="/missing.png">`;

describe('launchBrowser', () => {
  let browser: TestBrowser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = createServer((req, res) => {
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(brokenPage);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('fails with the install command when Chromium is missing, instead of skipping', async () => {
    await expect(launchBrowser({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(HOW_TO_INSTALL_CHROMIUM);
  });

  it("drives the machine's Chromium headless and collects console errors, uncaught exceptions and failed loads", async () => {
    const { page, context, errors } = await browser.newPage();
    await page.goto(url);
    expect(await page.textContent('h1')).toBe('hello');
    await page.waitForLoadState('load');
    // The uncaught error is thrown from a timer after load; give it a moment to be reported.
    for (let i = 0; i < 50 && errors.all.length < 3; i++) await sleep(100);

    const kinds = errors.all.map((e) => `${e.kind}: ${e.text}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'console: something broke',
        expect.stringMatching(/^pageerror: .*uncaught boom/),
        expect.stringMatching(/^console: Failed to load resource: .*404/),
      ]),
    );
    expect(() => errors.expectNone()).toThrow(/the page had \d error\(s\)/);
    // The test's own provocations can be allowed by pattern; nothing else slips through.
    expect(errors.unexpected([/something broke/, /uncaught boom/, /missing\.png/])).toEqual([]);
    await context.close();
  });

  it('saves a full-page screenshot under tmp/screenshots', async () => {
    const { page, context } = await browser.newPage({ viewport: { width: 320, height: 200 } });
    await page.setContent('<h1>screenshot</h1>');
    const file = await saveScreenshot(page, 'testing-browser-spec');
    expect(file).toMatch(/tmp\/screenshots\/testing-browser-spec\.png$/);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    rmSync(file);
    expect(existsSync(file)).toBe(false);
    await expect(saveScreenshot(page, '../escape')).rejects.toThrow(/use letters/);
    await context.close();
  });
});
