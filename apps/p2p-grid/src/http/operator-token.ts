import { createHash, timingSafeEqual } from 'node:crypto';
import { type Request } from 'express';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares in constant time (over digests, so lengths leak nothing either). */
export function matchesOperatorToken(candidate: string | undefined, token: string | undefined): boolean {
  if (token === undefined || candidate === undefined) return false;
  return timingSafeEqual(digest(candidate), digest(token));
}

/** §14: the bearer token. */
export function carriesOperatorToken(req: Request, token: string | undefined): boolean {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer (.+)$/i.exec(header);
  return matchesOperatorToken(match?.[1], token);
}
