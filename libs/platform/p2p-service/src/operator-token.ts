import { bearerTokenOf, tokenMatcher } from '@flexgrid/platform-service';
import { type Request, type RequestHandler } from 'express';
import { operatorTokenRequired } from './errors';

/** Compares in constant time (over digests, so lengths leak nothing either). */
export function matchesOperatorToken(candidate: string | undefined, token: string | undefined): boolean {
  return token !== undefined && tokenMatcher([token])(candidate);
}

/** §14: the bearer token. */
export function carriesOperatorToken(req: Request, token: string | undefined): boolean {
  return matchesOperatorToken(bearerTokenOf(req), token);
}

/** §14: the operator API answers 401 without the bearer token. */
export function operatorOnly(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!carriesOperatorToken(req, token)) throw operatorTokenRequired();
    next();
  };
}
