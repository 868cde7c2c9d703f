/**
 * The Vite settings every flexgrid page shares (README "App UI convention"). An app's `ui/vite.config.ts` is
 *
 *   import { flexgridUiConfig } from '@flexgrid/ui/vite';
 *   export default flexgridUiConfig({ root: import.meta.dirname, outDir: '../dist/ui', devPort: 8081, icon: '<rect .../>' });
 *
 * An ES module (.mts) of erasable TypeScript with no relative imports, so that Vite's config loader and Node's type stripping both
 * read it as it is.
 */
import react from '@vitejs/plugin-react';
import { defaultClientConditions, type HtmlTagDescriptor, type Plugin, type UserConfig } from 'vite';

export interface FlexgridUiOptions {
  /** The folder holding index.html (the app's `ui/`). */
  root: string;
  /** Where the bundle goes, relative to root: the app's dist, `../dist/ui`. */
  outDir: string;
  /**
   * The port the app listens on in development. `vite` (the dev server) proxies every request outside /ui/
   * (REST, server-sent events, websockets) to http://127.0.0.1:<devPort>; FLEXGRID_UI_API overrides the target.
   */
  devPort?: number;
  /** The page's icon: SVG markup on a 16 x 16 view box, drawn in the brand colour by the page's own shapes. */
  icon: string;
}

/**
 * What every page's head and body hold, so that an app's index.html is its title and its script. The icon is
 * inlined: without an icon link Chromium asks for /favicon.ico and logs the 404 as a console error.
 */
function pageShell(icon: string): Plugin {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>${icon}</svg>`;
  const tags: HtmlTagDescriptor[] = [
    { tag: 'meta', attrs: { charset: 'utf-8' }, injectTo: 'head-prepend' },
    { tag: 'meta', attrs: { name: 'viewport', content: 'width=device-width, initial-scale=1' }, injectTo: 'head' },
    { tag: 'meta', attrs: { name: 'color-scheme', content: 'light dark' }, injectTo: 'head' },
    { tag: 'link', attrs: { rel: 'icon', href: `data:image/svg+xml,${encodeURIComponent(svg)}` }, injectTo: 'head' },
    { tag: 'div', attrs: { id: 'root' }, injectTo: 'body-prepend' },
  ];
  return { name: 'flexgrid-page-shell', transformIndexHtml: () => tags };
}

export function flexgridUiConfig({ root, outDir, devPort = 8080, icon }: FlexgridUiOptions): UserConfig {
  const api = process.env['FLEXGRID_UI_API'] ?? `http://127.0.0.1:${devPort}`;
  return {
    root,
    // The app serves the bundle under /ui/ (platform-service serveUi), so asset URLs start there.
    base: '/ui/',
    plugins: [react(), pageShell(icon)],
    // Workspace libs resolve to their TypeScript sources, as tsc and jest resolve them.
    resolve: { conditions: ['@flexgrid/source', ...defaultClientConditions] },
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      // Hashed names under assets/ only: serveUi marks exactly that folder immutable.
      assetsDir: 'assets',
      sourcemap: true,
      // Pages run on operators' current browsers; no legacy transforms.
      target: 'es2022',
      chunkSizeWarningLimit: 1024,
    },
    server: {
      host: '127.0.0.1',
      strictPort: false,
      proxy: { '^/(?!ui(/|$))': { target: api, changeOrigin: false, ws: true } },
    },
  };
}
