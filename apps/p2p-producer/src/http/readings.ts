import { answerOk, jsonBody } from '@flexgrid/p2p-service';
import { Router } from 'express';
import { type ReadingIntake } from '../domain/readings';

/** §12.4 `POST /api/readings`: a thin handler over the intake. */
export function readingRoutes(intake: ReadingIntake, options: { maxBytes: number }) {
  const router = Router();
  router.post('/api/readings', jsonBody(options.maxBytes), async (req, res) => {
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
      throw Object.assign(new Error('not an object'), { type: 'entity.parse.failed' });
    const sideKey = req.headers['x-side-key'];
    answerOk(res, {
      ...(await intake.post(body as Record<string, unknown>, typeof sideKey === 'string' ? sideKey : undefined)),
    });
  });
  return router;
}
