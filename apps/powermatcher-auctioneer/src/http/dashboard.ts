import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';

/**
 * The dashboard (DESIGN.md "Web UIs"): the built page under `/ui/`, with `/` redirecting there. Without a build
 * (`npx nx build powermatcher-auctioneer`) `/ui/` answers 404.
 */
export function dashboardRoutes(dir = join(__dirname, '../ui')): Router {
  const router = express.Router();
  router.get('/', (_req, res) => res.redirect(302, '/ui/'));
  if (existsSync(dir)) router.use('/ui', express.static(dir, { index: 'index.html', maxAge: '1h' }));
  return router;
}
