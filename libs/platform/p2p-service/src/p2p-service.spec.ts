import { integerQuery, mapError, operatorTokenRequired, P2pConfigError, P2PHttpError, rulesOf } from './index';

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
    expect(mapError(new Error('anything else'))).toMatchObject({ status: 500, body: { message: 'Internal error.' } });
  });

  it('reads integer query parameters and refuses others by name', () => {
    expect(integerQuery(undefined, 'from')).toBeUndefined();
    expect(integerQuery('', 'from')).toBeUndefined();
    expect(integerQuery('-1800000000000', 'from')).toBe(-1_800_000_000_000);
    expect(() => integerQuery('12.5', 'to')).toThrow("The parameter 'to' has an invalid value.");
    expect(() => integerQuery(['1', '2'], 'to')).toThrow(P2PHttpError);
  });

  it('reads the §16 rules through the lib: profile defaults, overrides, and a refused combination', () => {
    expect(rulesOf({})).toMatchObject({ profile: 'community', intervalMs: 900_000 });
    expect(rulesOf({ profile: 'poc', intervalMs: 60_000 })).toMatchObject({ profile: 'poc', intervalMs: 60_000 });
    expect(() => rulesOf({ intervalMs: 7_000 })).toThrow(P2pConfigError);
  });
});
