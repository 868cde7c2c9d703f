import { createHash, timingSafeEqual } from 'node:crypto';
import { type Request } from 'express';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** §14: the bearer token, compared in constant time (over digests, so lengths leak nothing either). */
export function carriesOperatorToken(req: Request, token: string | undefined): boolean {
  if (token === undefined) return false;
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer (.+)$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}
