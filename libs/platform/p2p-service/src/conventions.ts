import { intervalStartOf, pageOf, parsePaging, type QueryValue } from '@flexgrid/protocol-p2p';
import { receivedBodyBytes } from '@flexgrid/platform-service';
import { type Request, type RequestHandler, type Response } from 'express';
import { invalidParameter, notJson, P2PHttpError, tooLarge } from './errors';

/** P2P-H1: success answers carry the envelope; undefined fields are omitted by JSON itself. */
export function answerOk(res: Response, fields: Record<string, unknown> = {}): void {
  res.status(200).json({ success: true, message: 'OK', ...fields });
}

/** P2P-H5: CORS from the configured origins; a preflight answers 204. */
export function cors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (any) res.set('Access-Control-Allow-Origin', '*');
    else if (origin !== undefined && origins.includes(origin))
      res.set('Access-Control-Allow-Origin', origin).vary('Origin');
    if (req.method === 'OPTIONS') {
      res
        .set('Access-Control-Allow-Methods', 'GET, PUT, POST, DELETE')
        .set('Access-Control-Allow-Headers', 'Content-Type, X-Side-Key, Authorization')
        .status(204)
        .end();
      return;
    }
    next();
  };
}

/** P2P-H4. */
export function serviceInfo(name: string, version: string): RequestHandler {
  return (_req, res) => {
    res.status(200).json({ name, version });
  };
}

/** P2P-H2: an unknown route or method, in the envelope. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new P2PHttpError(404, `Cannot ${req.method} ${req.path}`));
};

/**
 * §12.2/§13.2 check 0 for one route: its own size limit (the platform parses JSON up to the largest route's; a
 * chunked body has no Content-Length, so the bytes it parsed count), and a non-empty body that is not JSON is
 * refused rather than stored as `{}` (§17 Q17).
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    const length = receivedBodyBytes(req) ?? Number(req.headers['content-length'] ?? 0);
    if (length > limitBytes) throw tooLarge();
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) throw notJson();
    next();
  };
}

/**
 * §12.2 check 0: the fields of a body that must be a JSON object; no body is no fields. The platform parses any
 * JSON value (for storage), so a bare value or an array is refused here.
 */
export function bodyFields(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw notJson();
  return body as Record<string, unknown>;
}

/** The first value of a query parameter given as a string, or undefined; a repeated one is invalid. */
export function queryValue(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new P2PHttpError(400, `The parameter '${name}' has an invalid value.`);
  return value;
}

/** §14: operator lists page as §13.4. */
export function paged<T>(req: Request, entries: readonly { id: string; item: T }[]) {
  const parsed = parsePaging({
    page: req.query.page as QueryValue,
    pageSize: req.query.pageSize as QueryValue,
    'page-size': req.query['page-size'] as QueryValue,
  });
  if (!parsed.ok) throw new P2PHttpError(400, parsed.message);
  return pageOf(entries, parsed.paging);
}

/** An integer query parameter (epoch ms), or undefined when absent or empty. */
export function integerQuery(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?[0-9]{1,16}$/.test(value)) throw invalidParameter(name);
  // Past 2^53 a number is rounded: `to=9999999999999999` would be read as 10000000000000000.
  if (!Number.isSafeInteger(Number(value))) throw invalidParameter(name);
  return Number(value);
}

/**
 * §14: a list's `from` and `to` (epoch ms, rounded down to interval starts; `to` exclusive), by default the `count`
 * intervals before `defaultTo`. `to` before `from`, or more than `maxIntervals`, is a 400 for `from`.
 */
export function intervalRange(
  req: Request,
  intervalMs: number,
  {
    defaultTo,
    count = 96,
    maxIntervals = Number.POSITIVE_INFINITY,
  }: { defaultTo: number; count?: number; maxIntervals?: number },
): { from: number; to: number } {
  const to = intervalStartOf(integerQuery(req.query.to, 'to') ?? defaultTo, intervalMs);
  const from = intervalStartOf(integerQuery(req.query.from, 'from') ?? to - count * intervalMs, intervalMs);
  if (to < from || (to - from) / intervalMs > maxIntervals) throw invalidParameter('from');
  return { from, to };
}

/** A query parameter that, when given, is one of `allowed`. */
export function choiceQuery<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  const given = queryValue(value, name);
  if (given === undefined || given === '') return undefined;
  if (!(allowed as readonly string[]).includes(given)) throw invalidParameter(name);
  return given as T;
}
