import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AnalyzerError } from '../errors';

/*
 * The optional bearer token that guards everything (API, live stream, RM/CEM endpoints): `Authorization: Bearer
 * <token>`, or `?access_token=<token>` for websocket clients that cannot set headers (browsers).
 */

const digest = (text: string) => createHash('sha256').update(text).digest();

export class BearerToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** Whether the request carries the token (compared in constant time). */
  accepts(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ')
      ? header.slice('Bearer '.length).trim()
      : new URL(request.url ?? '/', 'http://request.invalid').searchParams.get('access_token');
    return given !== null && given !== undefined && timingSafeEqual(digest(given), this.expected);
  }

  /** Express middleware: 401 problem+json without the token. */
  readonly middleware: RequestHandler = (request, response, next) => {
    if (this.accepts(request)) return next();
    response.setHeader('www-authenticate', 'Bearer');
    next(new AnalyzerError('unauthorized', 'a bearer token is required (Authorization: Bearer <token>)'));
  };

  /** For a websocket endpoint's verify: refuses the upgrade with 401. */
  readonly verifyUpgrade = (request: IncomingMessage) =>
    this.accepts(request) ? undefined : { status: 401, detail: 'a bearer token is required' };
}
