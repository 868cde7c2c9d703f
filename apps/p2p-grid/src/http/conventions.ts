import { type RequestHandler, type Response } from 'express';
import { GridError, notJson, tooLarge } from '../errors';

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
  next(new GridError(404, `Cannot ${req.method} ${req.path}`));
};

/**
 * §12.2/§13.2 check 0 for one route: its own size limit (the platform parses JSON up to the largest route's), and a
 * non-empty body that is not JSON is refused rather than stored as `{}` (§17 Q17).
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > limitBytes) throw tooLarge();
    const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) throw notJson();
    next();
  };
}

/** The first value of a query parameter given as a string, or undefined; a repeated one is invalid. */
export function queryValue(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new GridError(400, `The parameter '${name}' has an invalid value.`);
  return value;
}
