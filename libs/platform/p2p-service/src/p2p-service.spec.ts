import { P2PHttpError, RuleConfigError, integerQuery, rulesOf, wireError } from './index';

describe('p2p-service', () => {
  it("maps its error and the body parser's to the §15 envelope with the status (P2P-H1..H3)", () => {
    expect(wireError(new P2PHttpError(409, 'asOf must not precede the previous run.'))).toEqual({
      status: 409,
      headers: {},
      body: { success: false, message: 'asOf must not precede the previous run.' },
    });
    expect(wireError({ type: 'entity.parse.failed' })?.body.message).toBe('The request body is not valid JSON.');
    expect(wireError({ type: 'entity.too.large' })?.status).toBe(413);
    expect(wireError(new Error('anything else'))).toBeUndefined();
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
    expect(() => rulesOf({ intervalMs: 7_000 })).toThrow(RuleConfigError);
  });
});
