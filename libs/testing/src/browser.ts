import { existsSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type ConsoleMessage, type Page } from 'playwright-core';
import { workspaceRoot } from './infrastructure';

/**
 * Web page tests (DESIGN.md "Web UIs"): playwright-core drives the machine's Chromium, Debian's package, since
 * playwright's own browser downloads need a CDN that CI does not have. A missing browser fails the test with the
 * command that installs it; it never skips.
 */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const HOW_TO_INSTALL_CHROMIUM = 'apt-get update && apt-get install -y chromium';

/**
 * Headless and quiet: no GPU, no sandbox (containers run as root), no QUIC, and none of the background traffic
 * (updates, sync, first-run pages) that would make a test depend on the network.
 */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  /** A page in a fresh context (its own cookies and storage), watched for errors from the start. */
  newPage(options?: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
  }): Promise<WatchedPage>;
  close(): Promise<void>;
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  errors: PageErrors;
}

/**
 * Chromium with a fresh profile (playwright gives every launch a new user-data-dir and removes it on close).
 * Close it in afterAll.
 */
export async function launchBrowser({ executablePath = chromiumPath } = {}): Promise<TestBrowser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: web page tests need it. Install it with \`${HOW_TO_INSTALL_CHROMIUM}\` ` +
        '(or point CHROMIUM_PATH at another Chromium).',
    );
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs });
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1400, height: 1000 },
        colorScheme: options.colorScheme ?? 'light',
      });
      const page = await context.newPage();
      return { page, context, errors: watchPageErrors(page) };
    },
    close: () => browser.close(),
  };
}

export interface PageError {
  kind: 'console' | 'pageerror' | 'requestfailed';
  text: string;
  /** Where: the console message's source location, the failed request's URL. */
  location?: string;
}

/**
 * What went wrong on a page: console errors, uncaught exceptions and failed requests. A test asserts there were
 * none (`expectNone()`); an error the test itself provokes (a 404 it asks for) is allowed by a pattern.
 */
export class PageErrors {
  readonly all: PageError[] = [];

  constructor(page: Page) {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const { url, lineNumber } = message.location();
      this.all.push({ kind: 'console', text: message.text(), location: url ? `${url}:${lineNumber}` : undefined });
    });
    page.on('pageerror', (error) => this.all.push({ kind: 'pageerror', text: error.stack ?? String(error) }));
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'failed';
      // A stream the page closes itself (navigation, reconnect) is aborted by design.
      if (failure === 'net::ERR_ABORTED') return;
      this.all.push({
        kind: 'requestfailed',
        text: `${request.method()} ${request.url()}: ${failure}`,
        location: request.url(),
      });
    });
  }

  /** The errors no pattern allows. */
  unexpected(allowed: readonly RegExp[] = []): PageError[] {
    return this.all.filter(
      (error) => !allowed.some((pattern) => pattern.test(`${error.text} ${error.location ?? ''}`)),
    );
  }

  /** Throws, listing them, if the page had errors other than the allowed ones. */
  expectNone(allowed: readonly RegExp[] = []): void {
    const unexpected = this.unexpected(allowed);
    if (unexpected.length > 0) {
      throw new Error(
        `the page had ${unexpected.length} error(s):\n${unexpected.map((e) => `  [${e.kind}] ${e.text}${e.location ? ` (${e.location})` : ''}`).join('\n')}`,
      );
    }
  }
}

export function watchPageErrors(page: Page): PageErrors {
  return new PageErrors(page);
}

/** Saves the page as tmp/screenshots/<name>.png (full page) and returns the file's path, for a human to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name ${JSON.stringify(name)}: use letters, digits, - _ .`);
  const file = join(workspaceRoot(), 'tmp/screenshots', `${name}.png`);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Builds a page with Vite, as the app's `build-ui` target does (`vite build --config <file>`), in a child
 * process: Vite is ESM-only and jest's module system is not. Rejects with Vite's output when the build fails.
 */
export function buildUi(viteConfig: string): Promise<void> {
  const root = workspaceRoot();
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', resolve(root, viteConfig)], {
      cwd: root,
      // jest sets NODE_ENV=test, and Vite honours NODE_ENV: React would be bundled in development mode
      // (StrictMode's double effects, dev warnings), unlike the bundle `nx build` makes.
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`vite build --config ${viteConfig} failed (exit ${code}):\n${output}`)),
    );
  });
}
