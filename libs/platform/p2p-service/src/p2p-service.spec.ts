import type { Request } from 'express';
import {
  bodyFields,
  choiceQuery,
  integerQuery,
  intervalRange,
  mapError,
  operatorTokenRequired,
  P2pConfigError,
  P2PHttpError,
  rulesOf,
} from './index';

describe('p2p-service', () => {
  it("maps its error and the body parser's to the §15 envelope with the status, anything else to a 500 (P2P-H1..H3)", () => {
    const conflict = new P2PHttpError(409, 'asOf must not precede the previous run.');
    expect(mapError(conflict)).toEqual({
      answer: 'json',
      status: 409,
      headers: {},
      body: { success: false, message: 'asOf must not precede the previous run.' },
    });
    expect(mapError(operatorTokenRequired())).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer' } });
    expect(mapError({ type: 'entity.parse.failed' })).toMatchObject({
      status: 400,
      body: { message: 'The request body is not valid JSON.' },
    });
    expect(mapError({ type: 'entity.too.large' })).toMatchObject({ status: 413 });
    // The parser's refusals as body-parser and the router raise them (http-errors: status, expose, type).
    const parserError = (status: number, fields: object, error = new Error('detail')) =>
      Object.assign(error, { status, expose: status < 500 }, fields);
    const message = (error: unknown) => [
      mapError(error)?.status,
      (mapError(error) as { body: { message: string } }).body.message,
    ];
    expect(message(parserError(415, { type: 'charset.unsupported' }))).toEqual([400, 'The request body must be JSON.']);
    expect(message(parserError(415, { type: 'encoding.unsupported' }))).toEqual([
      400,
      'The request body must be JSON.',
    ]);
    expect(message(parserError(400, {}, new Error('incorrect header check')))).toEqual([
      400,
      'The request body is not valid JSON.',
    ]);
    expect(message(parserError(400, { type: 'request.aborted' }))).toEqual([
      400,
      'The request body is not valid JSON.',
    ]);
    const undecodable = Object.assign(new URIError("Failed to decode param '%E0%A4%A-secret'"), { status: 400 });
    expect(message(undecodable)).toEqual([400, 'The request path is not valid percent-encoding.']);
    // A URIError of the service's own code is its bug, not the client's.
    expect(message(new URIError('URI malformed'))).toEqual([500, 'Internal error.']);
    expect(mapError(new Error('anything else'))).toMatchObject({ status: 500, body: { message: 'Internal error.' } });
  });

  it('reads a body that must be a JSON object; none is no fields', () => {
    const request = (body: unknown) => ({ body }) as Request;
    expect(bodyFields(request(undefined))).toEqual({});
    expect(bodyFields(request({ asOf: 1 }))).toEqual({ asOf: 1 });
    for (const body of [null, 42, 'text', [1]])
      expect(() => bodyFields(request(body))).toThrow('The request body must be JSON.');
  });

  it('reads ranges of interval starts and choices, and refuses what they cannot answer by name', () => {
    const query = (q: Record<string, unknown>) => ({ query: q }) as unknown as Request;
    expect(intervalRange(query({}), 1000, { defaultTo: 10_500, count: 3 })).toEqual({ from: 7000, to: 10_000 });
    expect(intervalRange(query({ from: '2500', to: '5999' }), 1000, { defaultTo: 0 })).toEqual({
      from: 2000,
      to: 5000,
    });
    expect(() => intervalRange(query({ from: '5000', to: '2000' }), 1000, { defaultTo: 0 })).toThrow("'from'");
    expect(() => intervalRange(query({ from: '0', to: '11000' }), 1000, { defaultTo: 0, maxIntervals: 10 })).toThrow(
      "'from'",
    );
    expect(choiceQuery(undefined, 'status', ['paid', 'requested'])).toBeUndefined();
    expect(choiceQuery('paid', 'status', ['paid', 'requested'])).toBe('paid');
    expect(() => choiceQuery('bogus', 'status', ['paid'])).toThrow("The parameter 'status' has an invalid value.");
    expect(() => choiceQuery(['paid', 'paid'], 'status', ['paid'])).toThrow("'status'");
  });

  it('reads integer query parameters and refuses others by name', () => {
    expect(integerQuery(undefined, 'from')).toBeUndefined();
    expect(integerQuery('', 'from')).toBeUndefined();
    expect(integerQuery('-1800000000000', 'from')).toBe(-1_800_000_000_000);
    expect(() => integerQuery('12.5', 'to')).toThrow("The parameter 'to' has an invalid value.");
    expect(() => integerQuery(['1', '2'], 'to')).toThrow(P2PHttpError);
    // Past 2^53 a number would be rounded to another.
    expect(integerQuery('9007199254740991', 'to')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => integerQuery('9999999999999999', 'to')).toThrow("'to'");
  });

  it('reads the §16 rules through the lib: profile defaults, overrides, and a refused combination', () => {
    expect(rulesOf({})).toMatchObject({ profile: 'community', intervalMs: 900_000 });
    expect(rulesOf({ profile: 'poc', intervalMs: 60_000 })).toMatchObject({ profile: 'poc', intervalMs: 60_000 });
    expect(() => rulesOf({ intervalMs: 7_000 })).toThrow(P2pConfigError);
  });
});
