import {
  answerOk,
  bodyFields,
  intervalRange,
  invalidParameter,
  jsonBody,
  operatorOnly,
  paged,
} from '@flexgrid/p2p-service';
import { type P2PConfig } from '@flexgrid/protocol-p2p';
import { Router } from 'express';
import type { Pool } from 'pg';
import { type AggregationRuns } from '../domain/aggregation-runs';
import { type JournaledProducer } from '../domain/journaled-producer';
import { outputStore } from '../store/outputs';
import { rejectionStore } from '../store/rejections';
import { sourceStore } from '../store/sources';

export interface OperatorRoutesOptions {
  pool: Pool;
  token: string | undefined;
  rules: P2PConfig;
  runs: AggregationRuns;
  journaled: JournaledProducer;
  now: () => number;
}

/** The most rows one list reads (§14 lists then page as §13.4, at most 100 a page). */
const LIST_LIMIT = 10_000;

/** §14.1, the producer's routes: the operator API under `/api/operator`, behind the bearer token. */
export function operatorRoutes(options: OperatorRoutesOptions) {
  const { pool, rules, runs, journaled, now } = options;
  const L = rules.intervalMs;
  const router = Router();
  router.use('/api/operator', operatorOnly(options.token));

  router.get('/api/operator/sources', async (req, res) => {
    const sources = await sourceStore.list(pool);
    const bindings = await journaled.read((producer) =>
      Object.fromEntries(sources.map((s) => [s.id, producer.sources.bindingOf(s.root)])),
    );
    answerOk(res, {
      ...paged(
        req,
        sources.map((s) => ({ id: s.id, item: { ...s, stream: s.status === 'active' ? bindings[s.id] : 'unbound' } })),
      ),
    });
  });

  router.get('/api/operator/outputs', async (req, res) => {
    const { from, to } = intervalRange(req, L, { defaultTo: now() + L });
    const outputs = await outputStore.list(pool, from, to, LIST_LIMIT);
    answerOk(res, {
      from,
      to,
      ...paged(
        req,
        outputs.map((value) => ({ id: `${value.startTime}:${String(value.revision).padStart(6, '0')}`, item: value })),
      ),
    });
  });

  router.get('/api/operator/balance', async (_req, res) => {
    answerOk(res, { balance: await journaled.read((producer) => producer.payouts()) });
  });

  router.get('/api/operator/rejected-records', async (req, res) => {
    const rejected = await rejectionStore.list(pool, LIST_LIMIT);
    answerOk(res, {
      ...paged(
        req,
        rejected.map((r, i) => ({ id: String(i).padStart(8, '0'), item: r })),
      ),
    });
  });

  router.post('/api/operator/aggregation-runs', jsonBody(64 * 1024), async (req, res) => {
    const body = bodyFields(req);
    if (body.asOf !== undefined && !Number.isSafeInteger(body.asOf)) throw invalidParameter('asOf');
    answerOk(res, { ...(await runs.run(body.asOf as number | undefined)) });
  });

  router.post('/api/operator/closedown', async (_req, res) => {
    await runs.closedown();
    answerOk(res);
  });
  return router;
}
