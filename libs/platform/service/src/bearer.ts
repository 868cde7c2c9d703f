import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The bearer token a request or websocket upgrade presents: `Authorization: Bearer <token>` (RFC 6750 §2.1) or,
 * with `allowQuery`, the `access_token` query parameter (§2.3), which a browser's EventSource and WebSocket must
 * use because they cannot set headers. The header wins when both are there.
 */
export function bearerTokenOf(request: IncomingMessage, options: { allowQuery?: boolean } = {}): string | undefined {
  const header = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
  if (header !== undefined || !options.allowQuery) return header;
  return new URL(request.url ?? '/', 'http://request.invalid').searchParams.get('access_token') ?? undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether a presented token is one of the configured ones. Compared in constant time over SHA-256 digests, so
 * neither a token's content nor its length leaks, and against every configured token, so which one matched
 * does not leak either. No configured token accepts nothing.
 */
export function tokenMatcher(tokens: readonly string[]): (candidate: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (candidate) => {
    if (candidate === undefined) return false;
    const given = digest(candidate);
    let matched = false;
    for (const token of expected) matched = timingSafeEqual(token, given) || matched;
    return matched;
  };
}
