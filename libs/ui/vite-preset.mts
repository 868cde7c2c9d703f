/**
 * The Vite settings every flexgrid page shares (README "App UI convention"). An app's `ui/vite.config.ts` is
 *
 *   import { flexgridUiConfig } from '@flexgrid/ui/vite';
 *   export default flexgridUiConfig({ root: import.meta.dirname, outDir: '../dist/ui', devPort: 8081 });
 *
 * An ES module (.mts) of erasable TypeScript with no relative imports, so that Vite's config loader and Node's type stripping both
 * read it as it is.
 */
import react from '@vitejs/plugin-react';
import { defaultClientConditions, type UserConfig } from 'vite';

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
}

export function flexgridUiConfig({ root, outDir, devPort = 8080 }: FlexgridUiOptions): UserConfig {
  const api = process.env['FLEXGRID_UI_API'] ?? `http://127.0.0.1:${devPort}`;
  return {
    root,
    // The app serves the bundle under /ui/ (platform-service serveUi), so asset URLs start there.
    base: '/ui/',
    plugins: [react()],
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
