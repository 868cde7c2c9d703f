import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import express, { type Router } from 'express';
import { problemOf, sendProblem } from './problem';

/**
 * Serves a page built by Vite (DESIGN.md "Web UIs") from the app's own process: the bundle under /ui/, `/`
 * redirecting there, and every other /ui/ path without a file extension answered with index.html, so the page's
 * own routes (/ui/vens/ven-1) survive a reload.
 *
 * Caching follows Vite's output: files under assets/ carry a content hash in their name, so they never change
 * and are cached for a year (immutable); index.html and the rest must be revalidated on every load (no-cache,
 * with an ETag), so a new deployment is picked up at once.
 */
export const uiMountPath = '/ui';

const immutable = 'public, max-age=31536000, immutable';
const revalidate = 'no-cache';
/**
 * The page talks only to its own service (REST, server-sent events, websockets on the same origin) and loads
 * nothing from elsewhere: everything is bundled. Inline styles are allowed because uPlot and React set them.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function uiRouter(directory: string): Router {
  const root = resolve(directory);
  const assets = join(root, 'assets') + sep;
  const index = join(root, 'index.html');
  // Strict, so that /ui and /ui/ are different routes: the page's relative URLs need the slash.
  const router = express.Router({ strict: true });

  const query = (url: string) => (url.includes('?') ? url.slice(url.indexOf('?')) : '');
  router.get('/', (req, res) => res.redirect(302, `${uiMountPath}/${query(req.originalUrl)}`));
  router.get(uiMountPath, (req, res) => res.redirect(301, `${uiMountPath}/${query(req.originalUrl)}`));

  router.use(
    uiMountPath,
    express.static(root, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.startsWith(assets) ? immutable : revalidate);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        if (path === index) res.setHeader('Content-Security-Policy', contentSecurityPolicy);
      },
    }),
  );

  router.get([`${uiMountPath}/`, `${uiMountPath}/*route`], (req, res, next) => {
    // A missing file (a stale hashed asset, a typo) is a 404, not the page: a script tag fed HTML fails
    // obscurely. A navigation (the browser asks for text/html) gets the page even when the page's own route has
    // a dot in it (/ui/vens/ven.1); nothing under assets/ ever does.
    const last = req.path.slice(req.path.lastIndexOf('/') + 1);
    const navigation = (req.get('accept') ?? '').includes('text/html');
    if (req.path.startsWith(`${uiMountPath}/assets/`) || (last.includes('.') && !navigation)) {
      next();
      return;
    }
    if (!existsSync(index)) {
      sendProblem(
        res,
        req.originalUrl,
        problemOf(503, `the UI bundle is not built: ${index} is missing (build the app: npx nx build <app>)`),
      );
      return;
    }
    res.sendFile(index, {
      headers: {
        'Cache-Control': revalidate,
        'Content-Security-Policy': contentSecurityPolicy,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
  return router;
}
