import { parsePaging, type QueryValue } from '@flexgrid/protocol-p2p';
import { type Request, Router } from 'express';
import { type Storage } from '../domain/storage';
import { answerOk, jsonBody, P2PHttpError, unknownRoute } from '@flexgrid/p2p-service';

/** §13.2 check 6: `X-Side-Key`, or the query's `sideKey`. */
function sideKeyOf(req: Request): string | undefined {
  const header = req.headers['x-side-key'];
  if (typeof header === 'string') return header;
  const query = req.query.sideKey;
  return typeof query === 'string' ? query : undefined;
}

const q = (value: unknown) => value as QueryValue;

/** §13: thin handlers over `Storage`, under both prefixes (`/storage` and the blueprint's `/storage/item`). */
export function storageRoutes(storage: Storage, options: { maxItemBytes: number }) {
  const router = Router();
  // No list of a registration's contexts (§13.1), under the blueprint's prefix either: without this the list route
  // of the plain prefix would take `item` for a registration id.
  router.get('/storage/item/:registrationId', unknownRoute);
  for (const prefix of ['/storage/item', '/storage']) {
    router.put(`${prefix}/:registrationId/:context/:id`, jsonBody(options.maxItemBytes), async (req, res) => {
      const { registrationId, context, id } = req.params as Record<string, string>;
      // An empty body is `{}` (§13.1).
      await storage.put({ registrationId, context, id }, req.body === undefined ? {} : req.body, sideKeyOf(req));
      answerOk(res);
    });
    router.get(`${prefix}/:registrationId/:context/:id`, async (req, res) => {
      const { registrationId, context, id } = req.params as Record<string, string>;
      answerOk(res, await storage.get({ registrationId, context, id }, sideKeyOf(req)));
    });
    router.get(`${prefix}/:registrationId/:context`, async (req, res) => {
      const { registrationId, context } = req.params as Record<string, string>;
      const page = await storage.list(
        { registrationId, context },
        () => {
          const parsed = parsePaging({
            page: q(req.query.page),
            pageSize: q(req.query.pageSize),
            'page-size': q(req.query['page-size']),
          });
          if (!parsed.ok) throw new P2PHttpError(400, parsed.message);
          return parsed.paging;
        },
        sideKeyOf(req),
      );
      answerOk(res, { ...page });
    });
    router.delete(`${prefix}/:registrationId{/:context}{/:id}`, async (req, res) => {
      const { registrationId, context, id } = req.params as { registrationId: string; context?: string; id?: string };
      await storage.delete({ registrationId, context, id }, sideKeyOf(req));
      answerOk(res);
    });
  }
  return router;
}
