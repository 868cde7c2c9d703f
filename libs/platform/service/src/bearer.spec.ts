import type { IncomingMessage } from 'node:http';
import { bearerTokenOf, tokenMatcher } from './bearer';

const request = (url: string, authorization?: string) =>
  ({ url, headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('bearer tokens', () => {
  it('reads the Authorization header, in any case of the scheme', () => {
    expect(bearerTokenOf(request('/api', 'Bearer abc'))).toBe('abc');
    expect(bearerTokenOf(request('/api', 'bearer  abc'))).toBe('abc');
    expect(bearerTokenOf(request('/api', 'Basic YWJj'))).toBeUndefined();
    expect(bearerTokenOf(request('/api'))).toBeUndefined();
  });

  it('reads access_token from the query only where allowed, and the header first', () => {
    expect(bearerTokenOf(request('/stream?access_token=q'))).toBeUndefined();
    expect(bearerTokenOf(request('/stream?access_token=q'), { allowQuery: true })).toBe('q');
    expect(bearerTokenOf(request('/stream?access_token=q', 'Bearer h'), { allowQuery: true })).toBe('h');
  });

  it('accepts any configured token and nothing else', () => {
    const matches = tokenMatcher(['first-token', 'second']);
    expect(matches('first-token')).toBe(true);
    expect(matches('second')).toBe(true);
    expect(matches('first')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(tokenMatcher([])('anything')).toBe(false);
  });
});
