import { createHash } from 'node:crypto';
import { closeReason } from './close-codes';
import {
  type AgentAuth,
  checkHandshake,
  type HandshakeContext,
  type HandshakeOutcome,
  refusalFrames,
} from './handshake';

const sha = (token: string) => createHash('sha256').update(token).digest('hex');

function context(overrides: Partial<HandshakeContext> = {}): HandshakeContext {
  return {
    connectionCount: 0,
    maxConnections: 20_000,
    auth: { mode: 'none' },
    v21ParentId: 'auctioneer',
    isMatcher: (id) => id === 'auctioneer' || id === 'c1',
    isTaken: (id) => id === 'taken',
    ...overrides,
  };
}

const endpoint19 = '/powermatcher/websockets/agentendpoint';
const endpoint21 = '/powermatcher/websocket';

function refusal(outcome: HandshakeOutcome) {
  if (outcome.kind !== 'refuse') throw new Error(outcome.kind);
  return [outcome.code, outcome.close, outcome.message];
}

describe('handshake (PM-WS-1, PM-WS-2, PM-WS-3)', () => {
  it('PM-WS-1: the 1.9 path names the parent; the v2.1 path uses the configured one', () => {
    expect(checkHandshake({ url: `${endpoint19}?agentId=pv-1&desiredConnectionId=c1` }, context())).toEqual({
      kind: 'accept',
      dialect: '1.9',
      agentId: 'pv-1',
      parentId: 'c1',
      connectionId: null,
    });
    expect(checkHandshake({ url: `${endpoint21}?agentId=ev%3A7&connectionId=x` }, context())).toEqual({
      kind: 'accept',
      dialect: 'v2.1',
      agentId: 'ev:7',
      parentId: 'auctioneer',
      connectionId: 'x',
    });
    expect(checkHandshake({ url: '/other?agentId=a' }, context())).toEqual({ kind: 'notFound' });
  });

  it('PM-WS-2: check 1 answers 503 without upgrading', () => {
    expect(
      checkHandshake({ url: `${endpoint21}?agentId=a` }, context({ connectionCount: 5, maxConnections: 5 })),
    ).toEqual({
      kind: 'unavailable',
      httpStatus: 503,
    });
  });

  it.each<[string, string, (string | number)[]]>([
    ['missing agentId', `${endpoint21}`, ['INVALID_PARAMETER', 4400, 'agentId is missing from querystring']],
    ['empty agentId', `${endpoint21}?agentId=`, ['INVALID_PARAMETER', 4400, 'agentId is missing from querystring']],
    [
      'repeated agentId',
      `${endpoint21}?agentId=a&agentId=b`,
      ['INVALID_PARAMETER', 4400, 'agentId is given more than once'],
    ],
    ['invalid agentId', `${endpoint21}?agentId=a%20b`, ['INVALID_PARAMETER', 4400, 'agentId is not a valid id']],
    [
      'missing parent on 1.9',
      `${endpoint19}?agentId=a`,
      ['INVALID_PARAMETER', 4400, 'desiredConnectionId is missing from querystring'],
    ],
    [
      'unknown parent (§9 D13)',
      `${endpoint19}?agentId=a&desiredConnectionId=nope`,
      ['UNKNOWN_PARENT', 4404, 'Desired parent [nope] does not exist'],
    ],
    [
      'duplicate agent',
      `${endpoint19}?agentId=taken&desiredConnectionId=c1`,
      ['DUPLICATE_AGENT', 4409, 'An agent with id [taken] was already connected'],
    ],
    [
      'parent before duplicate',
      `${endpoint19}?agentId=taken&desiredConnectionId=nope`,
      ['UNKNOWN_PARENT', 4404, 'Desired parent [nope] does not exist'],
    ],
  ])('PM-WS-2: %s', (_, url, expected) => {
    expect(refusal(checkHandshake({ url }, context()))).toEqual(expected);
  });

  describe('PM-WS-3: bearer tokens', () => {
    const auth: AgentAuth = {
      mode: 'token',
      tokens: { 'pv-1': sha('exact'), 'pv-*': sha('pv-prefix'), 'p*': sha('p-prefix') },
    };
    const url = (agentId: string, query = '') => `${endpoint21}?agentId=${agentId}${query}`;

    it('PM-WS-3: header or access_token; per id, else the most specific prefix', () => {
      expect(checkHandshake({ url: url('pv-1'), authorization: 'Bearer exact' }, context({ auth })).kind).toBe(
        'accept',
      );
      expect(checkHandshake({ url: url('pv-2', '&access_token=pv-prefix') }, context({ auth })).kind).toBe('accept');
      expect(checkHandshake({ url: url('px'), authorization: 'bearer p-prefix' }, context({ auth })).kind).toBe(
        'accept',
      );
    });

    it('PM-WS-3: missing, invalid and misplaced tokens', () => {
      expect(refusal(checkHandshake({ url: url('pv-1') }, context({ auth })))).toEqual([
        'UNAUTHORIZED',
        4401,
        'Missing or invalid token',
      ]);
      expect(refusal(checkHandshake({ url: url('pv-1'), authorization: 'Bearer nope' }, context({ auth })))).toEqual([
        'UNAUTHORIZED',
        4401,
        'Missing or invalid token',
      ]);
      // The exact entry wins over the prefix for pv-1, so the prefix token is someone else's.
      expect(
        refusal(checkHandshake({ url: url('pv-1'), authorization: 'Bearer pv-prefix' }, context({ auth }))),
      ).toEqual(['FORBIDDEN', 4403, 'Token not valid for agent [pv-1]']);
      expect(refusal(checkHandshake({ url: url('zz', '&access_token=exact') }, context({ auth })))).toEqual([
        'FORBIDDEN',
        4403,
        'Token not valid for agent [zz]',
      ]);
    });

    it('PM-WS-3: auth comes before the parent and duplicate checks', () => {
      expect(
        refusal(checkHandshake({ url: `${endpoint19}?agentId=taken&desiredConnectionId=nope` }, context({ auth })))[0],
      ).toBe('UNAUTHORIZED');
    });
  });

  it('PM-WS-2: a refusal delivers one ERROR and closes with the message as reason, cut to 123 bytes', () => {
    expect(
      refusalFrames({ code: 'UNKNOWN_PARENT', close: 4404, message: 'Desired parent [x] does not exist' }),
    ).toEqual({
      error:
        '{"payloadType":"ERROR","payload":{"code":"UNKNOWN_PARENT","message":"Desired parent [x] does not exist"}}',
      close: { code: 4404, reason: 'Desired parent [x] does not exist' },
    });
    const long = `An agent with id [${'é'.repeat(70)}] was already connected`;
    const reason = closeReason(long);
    expect(new TextEncoder().encode(reason).length).toBeLessThanOrEqual(123);
    expect(long.startsWith(reason)).toBe(true);
    expect(new TextEncoder().encode(closeReason(long + 'x')).length).toBe(new TextEncoder().encode(reason).length);
  });
});
