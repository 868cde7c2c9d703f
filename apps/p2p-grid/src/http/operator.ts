import { type Grid, isDue, type P2PConfig, REQUEST_STATUSES, requestStatus } from '@flexgrid/protocol-p2p';
import {
  answerOk,
  bodyFields,
  choiceQuery,
  integerQuery,
  intervalRange,
  invalidParameter,
  jsonBody,
  operatorOnly,
  P2PHttpError,
  paged,
} from '@flexgrid/p2p-service';
import { type Request, type Response, Router } from 'express';
import type { Pool } from 'pg';
import { type SettlementRuns } from '../domain/settlement-runs';
import { type Statements } from '../domain/statements';
import { intervalsCsv, linesCsv } from '../domain/csv-export';
import { exportStore } from '../store/exports';
import { operatorStore } from '../store/operator';

export interface OperatorRoutesOptions {
  pool: Pool;
  token: string | undefined;
  rules: P2PConfig;
  runs: SettlementRuns;
  statements: Statements;
  /** The committed settlement domain (`JournaledGrid.read`). */
  grid: () => Promise<Grid>;
  /** The grid's epoch (P2P-T9): the start of the first interval it settles. */
  epoch: number;
  now: () => number;
}

/** §14.1: the operator API under `/api/operator`, behind the bearer token. */
export function operatorRoutes(options: OperatorRoutesOptions) {
  const { pool, rules, runs, statements, now } = options;
  const router = Router();
  router.use('/api/operator', operatorOnly(options.token));

  router.post('/api/operator/settlement-runs', jsonBody(64 * 1024), async (req, res) => {
    const body = bodyFields(req);
    if (body.asOf !== undefined && !Number.isSafeInteger(body.asOf)) throw invalidParameter('asOf');
    answerOk(res, { ...(await runs.run(body.asOf as number | undefined)) });
  });

  // §14.1: a settled interval made final now, in a run of its own (P2P-S8: pending changes re-settled first).
  router.post('/api/operator/intervals/:intervalStart/finalise', async (req, res) => {
    const n = integerQuery(req.params.intervalStart, 'intervalStart');
    if (n === undefined || n % rules.intervalMs !== 0) throw invalidParameter('intervalStart');
    answerOk(res, { ...(await runs.run(undefined, [n])) });
  });

  router.get('/api/operator/members', async (req, res) => {
    const members = await operatorStore.members(pool);
    const grid = await options.grid();
    const at = now();
    answerOk(res, {
      ...paged(
        req,
        members.map((m) => ({ id: m.id, item: { ...m, balances: grid.balancesOf(m.id, at) ?? null } })),
      ),
    });
  });

  router.get('/api/operator/members/:id', async (req, res) => {
    const id = String(req.params.id);
    const member = (await operatorStore.members(pool)).find((m) => m.id === id);
    if (!member) throw new P2PHttpError(404, `Registration '${id}' does not exist.`);
    answerOk(res, { member: { ...member, balances: (await options.grid()).balancesOf(id, now()) ?? null } });
  });

  router.get('/api/operator/intervals', async (req, res) => {
    const L = rules.intervalMs;
    const at = now();
    const range = intervalRange(req, L, { defaultTo: at, maxIntervals: 10_000 });
    // Nothing before the grid's epoch is ever settled (P2P-T9): such intervals would show as due forever.
    const [from, to] = [Math.max(range.from, options.epoch), range.to];
    const settled = await operatorStore.intervals(pool, from, to);
    const intervals = [];
    for (let n = from; n < to; n += L) {
      const found = settled.get(n);
      const status = found
        ? found.final
          ? 'final'
          : 'provisional'
        : isDue(n, L, at, rules.gridGateClosureMs)
          ? 'due'
          : 'open';
      intervals.push({
        id: String(n),
        item: { intervalStart: n, intervalEnd: n + L, status, ...(found?.latest ?? {}) },
      });
    }
    answerOk(res, {
      ...paged(
        req,
        intervals.reverse().map((x, i) => ({ id: String(i).padStart(6, '0'), item: x.item })),
      ),
    });
  });

  router.get('/api/operator/settlements/:intervalStart', async (req, res) => {
    const n = integerQuery(req.params.intervalStart, 'intervalStart');
    if (n === undefined || n % rules.intervalMs !== 0) throw invalidParameter('intervalStart');
    answerOk(res, { intervalStart: n, records: await operatorStore.settlementRecords(pool, n) });
  });

  router.get('/api/operator/payment-requests', async (req, res) => {
    const status = choiceQuery(req.query.status, 'status', REQUEST_STATUSES);
    const issued = await operatorStore.paymentRequests(pool);
    const open = new Map((await options.grid()).payments.openRequests().map((r) => [r.requestId, r]));
    const requests = issued.map((request) => {
      const tracked = open.get(request.requestId);
      return { ...request, status: tracked ? requestStatus(tracked) : 'confirmed' };
    });
    const filtered = status ? requests.filter((r) => r.status === status) : requests;
    answerOk(res, {
      ...paged(
        req,
        filtered.map((r) => ({ id: r.requestId, item: r })),
      ),
    });
  });

  router.get('/api/operator/payments', async (req, res) => {
    const allocation = choiceQuery(req.query.allocation, 'allocation', ['allocated', 'unallocated']);
    const [paymentIds, payouts] = [await operatorStore.paymentIds(pool), await operatorStore.payouts(pool)];
    const grid = await options.grid();
    const unallocated = new Set(grid.payments.unallocated().map((p) => p.paymentId));
    const payments = paymentIds
      .map((id) => grid.payments.payment(id))
      .filter((p) => p !== undefined)
      .map((p) => ({ ...p, kind: 'payment', allocation: unallocated.has(p.paymentId) ? 'unallocated' : 'allocated' }));
    const all = [...payments, ...payouts.map((p) => ({ ...p, kind: 'payout' }))].filter(
      (p) => !allocation || ('allocation' in p && p.allocation === allocation),
    );
    answerOk(res, {
      ...paged(
        req,
        all.map((p) => ({ id: p.paymentId, item: p })),
      ),
    });
  });

  router.post('/api/operator/payments/:paymentId/allocate', jsonBody(64 * 1024), async (req, res) => {
    const paymentId = String(req.params.paymentId);
    const consumerId = bodyFields(req).consumerId;
    if (typeof consumerId !== 'string') throw invalidParameter('consumerId');
    await runs.allocate(paymentId, consumerId);
    answerOk(res);
  });

  // §14.3: `from` and `to` are interval starts; `to` is exclusive.
  const exportRange = (req: Request) => {
    const from = integerQuery(req.query.from, 'from') ?? 0;
    const to = integerQuery(req.query.to, 'to') ?? Number.MAX_SAFE_INTEGER;
    if (to < from) throw invalidParameter('to');
    return { from, to };
  };
  const sendCsv = (res: Response, name: string, body: string) => {
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${name}"`)
      .send(body);
  };
  router.get('/api/operator/export/intervals.csv', async (req, res) => {
    const { from, to } = exportRange(req);
    const [records, entries] = [await exportStore.records(pool, from, to), await exportStore.entries(pool, from, to)];
    sendCsv(
      res,
      'intervals.csv',
      intervalsCsv(records, entries, { currency: rules.currency, allocation: rules.allocation }),
    );
  });
  router.get('/api/operator/export/lines.csv', async (req, res) => {
    const { from, to } = exportRange(req);
    const memberId = typeof req.query.memberId === 'string' ? req.query.memberId : undefined;
    const [records, entries] = [
      await exportStore.records(pool, from, to),
      await exportStore.entries(pool, from, to, memberId),
    ];
    sendCsv(res, 'lines.csv', linesCsv(records, entries, rules.currency));
  });

  router.post('/api/operator/statements', jsonBody(64 * 1024), async (req, res) => {
    const request = statements.check(bodyFields(req));
    answerOk(res, {
      statement: request.final ? await statements.finalise(request) : await statements.preview(request),
    });
  });
  router.get('/api/operator/statements/:number', async (req, res) => {
    answerOk(res, { statement: await statements.find(String(req.params.number)) });
  });

  router.get('/api/operator/rejected-records', async (req, res) => {
    const rows = await operatorStore.rejectedRecords(pool);
    answerOk(res, {
      ...paged(
        req,
        rows.map((r) => ({ id: String(r.id).padStart(12, '0'), item: r })),
      ),
    });
  });
  return router;
}
