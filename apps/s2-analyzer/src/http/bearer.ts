import type { IncomingMessage } from 'node:http';
import { bearerTokenOf, tokenMatcher } from '@flexgrid/platform-service';
import type { RequestHandler } from 'express';
import { AnalyzerError } from '../errors';

/*
 * The optional bearer token that guards everything (API, live stream, RM/CEM endpoints): `Authorization: Bearer
 * <token>`, or `?access_token=<token>` for websocket clients that cannot set headers (browsers).
 */

export class BearerToken {
  private readonly matches: (candidate: string | undefined) => boolean;

  constructor(token: string) {
    this.matches = tokenMatcher([token]);
  }

  /** Whether the request carries the token (compared in constant time). */
  accepts(request: IncomingMessage): boolean {
    return this.matches(bearerTokenOf(request, { allowQuery: true }));
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
