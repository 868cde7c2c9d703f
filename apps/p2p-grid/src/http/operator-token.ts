import { bearerTokenOf, tokenMatcher } from '@flexgrid/platform-service';
import { type Request } from 'express';

/** Compares in constant time (over digests, so lengths leak nothing either). */
export function matchesOperatorToken(candidate: string | undefined, token: string | undefined): boolean {
  return token !== undefined && tokenMatcher([token])(candidate);
}

/** §14: the bearer token. */
export function carriesOperatorToken(req: Request, token: string | undefined): boolean {
  return matchesOperatorToken(bearerTokenOf(req), token);
}
