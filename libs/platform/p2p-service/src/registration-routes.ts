import { type Request, Router } from 'express';
import { type Registrations } from './registrations';
import { answerOk, bodyFields, jsonBody } from './conventions';
import { carriesOperatorToken } from './operator-token';

const FIELDS = ['itemName', 'itemType', 'root', 'sideKey'] as const;

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** §12: thin handlers over `Registrations`. */
export function registrationRoutes(
  registrations: Pick<Registrations<string, never>, 'put' | 'get' | 'delete'>,
  options: { maxBytes: number; operatorToken?: string },
) {
  const router = Router();
  router.put('/registration/:registrationId', jsonBody(options.maxBytes), async (req, res) => {
    const body = bodyFields(req);
    const query = req.query as Record<string, unknown>;
    const pick = (name: string) => (body[name] !== undefined ? body[name] : query[name]);
    const fields = Object.fromEntries(FIELDS.map((name) => [name, pick(name)]));
    const answer = await registrations.put({
      id: String(req.params.registrationId),
      idsGiven: [body.registrationId, query.registrationId],
      itemName: fields.itemName,
      itemType: fields.itemType,
      root: fields.root,
      sideKey: fields.sideKey,
      headerSideKey: header(req, 'x-side-key'),
      operator: carriesOperatorToken(req, options.operatorToken),
    });
    answerOk(res, { ...answer });
  });
  router.get('/registration/:registrationId', async (req, res) => {
    answerOk(res, { registration: await registrations.get(String(req.params.registrationId)) });
  });
  router.delete('/registration/:registrationId/:sideKey', async (req, res) => {
    await registrations.delete(
      String(req.params.registrationId),
      String(req.params.sideKey),
      carriesOperatorToken(req, options.operatorToken),
    );
    answerOk(res);
  });
  return router;
}
