import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningService, startService } from './test-service.test-util';

/** A Vite bundle as the build leaves it: index.html, hashed assets, an unhashed public file. */
function writeBundle(directory: string): void {
  mkdirSync(join(directory, 'assets'), { recursive: true });
  writeFileSync(
    join(directory, 'index.html'),
    '<!doctype html><script type="module" src="/ui/assets/index-Bx3kQ9_a.js"></script>',
  );
  writeFileSync(join(directory, 'assets/index-Bx3kQ9_a.js'), 'console.log("page")');
  writeFileSync(join(directory, 'assets/index-D05uxo5f.css'), 'body{}');
  writeFileSync(join(directory, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(directory, '.env'), 'SECRET=1');
}

/** A request exactly as written: fetch would normalize `..` away before sending. */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveUi', () => {
  let directory: string;
  let running: RunningService;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'flexgrid-ui-'));
    writeBundle(join(directory, 'ui'));
    running = await startService((service) => {
      service.app.get('/api/vens', (_req, res) => {
        res.json([]);
      });
      service.serveUi(join(directory, 'ui'));
    });
  });
  afterAll(async () => {
    await running.service.shutdown('test done');
    rmSync(directory, { recursive: true, force: true });
  });

  const get = (path: string, init?: RequestInit) => fetch(`${running.url}${path}`, { redirect: 'manual', ...init });

  it('redirects / and /ui to /ui/, keeping the query', async () => {
    const root = await get('/?ven=ven-1');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/?ven=ven-1');
    const bare = await get('/ui');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/ui/');
  });

  it('serves index.html at /ui/ for revalidation on every load, with a same-origin content security policy', async () => {
    const response = await get('/ui/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('/ui/assets/index-Bx3kQ9_a.js');

    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    // Over plain HTTP: fetch adds `cache-control: no-cache` to a conditional request, which forbids a 304.
    expect((await rawGet(running.url, '/ui/', { 'if-none-match': etag ?? '' })).status).toBe(304);
  });

  it('marks hashed assets immutable and everything else no-cache', async () => {
    const script = await get('/ui/assets/index-Bx3kQ9_a.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await get('/ui/assets/index-D05uxo5f.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const icon = await get('/ui/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    const index = await get('/ui/index.html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
  });

  it("answers the page's own routes with index.html, so a deep link survives a reload", async () => {
    for (const path of ['/ui/vens', '/ui/vens/ven-1', '/ui/events/e%201?tab=targets']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<!doctype html>');
    }
    const head = await get('/ui/vens', { method: 'HEAD' });
    expect(head.status).toBe(200);
    // A browser navigating to a route with a dot in it asks for HTML, and gets the page.
    const dotted = await get('/ui/vens/ven.1', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(dotted.status).toBe(200);
    expect(await dotted.text()).toContain('<!doctype html>');
  });

  it('answers a missing file with 404 problem+json, not the page', async () => {
    for (const [path, accept] of [
      ['/ui/assets/index-OLDHASH1.js', '*/*'],
      ['/ui/logo.png', 'image/avif,image/webp,*/*'],
      ['/ui/assets/missing', 'text/html'],
    ]) {
      const response = await get(path, { headers: { accept } });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('serves nothing outside the bundle and no dotfiles', async () => {
    // A path that climbs out gets a 404 or, without a file extension, the page: never the file.
    for (const path of ['/ui/../ui.spec.ts', '/ui/%2e%2e/%2e%2e/etc/passwd', '/ui/..%2f..%2fui.spec.ts', '/ui/.env']) {
      const response = await rawGet(running.url, path);
      expect([200, 404]).toContain(response.status);
      if (response.status === 200) expect(response.body).toMatch(/^<!doctype html>/);
      expect(response.body).not.toContain('SECRET');
      expect(response.body).not.toContain('root:');
    }
  });

  it('leaves the API, health and metrics alone', async () => {
    expect((await get('/api/vens')).status).toBe(200);
    expect((await get('/livez')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
  });
});

describe('serveUi without a built bundle', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService((service) => service.serveUi(join(tmpdir(), 'flexgrid-no-such-ui-bundle')));
  });
  afterAll(() => running.service.shutdown('test done'));

  it('still starts and redirects, and /ui/ answers 503 problem+json saying how to build it', async () => {
    const root = await fetch(`${running.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    const page = await fetch(`${running.url}/ui/`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await page.json()) as unknown).toMatchObject({
      status: 503,
      detail: expect.stringContaining('npx nx build'),
    });
  });
});
