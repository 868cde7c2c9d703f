import { answerOk, bodyFields, jsonBody, notJson } from '@flexgrid/p2p-service';
import { Router } from 'express';
import { type ReadingIntake } from '../domain/readings';

/** §12.4 `POST /api/readings`: a thin handler over the intake. */
export function readingRoutes(intake: ReadingIntake, options: { maxBytes: number }) {
  const router = Router();
  router.post('/api/readings', jsonBody(options.maxBytes), async (req, res) => {
    if (req.body === undefined) throw notJson();
    const sideKey = req.headers['x-side-key'];
    answerOk(res, {
      ...(await intake.post(bodyFields(req), typeof sideKey === 'string' ? sideKey : undefined)),
    });
  });
  return router;
}
