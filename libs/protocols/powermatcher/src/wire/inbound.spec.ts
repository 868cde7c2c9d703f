import fc from 'fast-check';
import * as bidModule from '../bid';
import { checkDemand } from '../bid';
import { exactly } from '../exact-message.test-util';
import { marketBasis } from '../market-basis';
import {
  checkInboundFrame,
  clusterInfoSent,
  DEFAULT_INBOUND_LIMITS,
  type FrameOutcome,
  type InboundConnection,
  openInboundConnection,
  recordErrorSent,
} from './inbound';

const demo = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 3,
  minimumPrice: 0,
  maximumPrice: 10,
});
const basisJson = '{"commodity":"electricity","currency":"EUR","priceSteps":3,"minimumPrice":0.0,"maximumPrice":10.0}';
const ready = (): InboundConnection =>
  clusterInfoSent(openInboundConnection(0), { clusterId: 'demo', marketBasis: demo });
const bid = (payload: string) => `{"payloadType":"BID","payload":${payload}}`;
const withBasis = (rest: string, basis = basisJson) => bid(`{"marketBasis":${basis},${rest}}`);

function check(frame: string | Uint8Array, connection = ready(), now = 0): FrameOutcome {
  return checkInboundFrame(connection, frame, now).outcome;
}

function error(frame: string | Uint8Array, connection?: InboundConnection) {
  const outcome = check(frame, connection);
  if (!('error' in outcome)) throw new Error('accepted');
  return outcome.error;
}

describe('inbound frames (PM-ERR-1)', () => {
  it('PM-ERR-1: a valid demand bid and a valid point bid are accepted', () => {
    expect(check(withBasis('"demand":[2500.0,1.2E-4,-120.5],"bidNumber":12'))).toEqual({
      accepted: { marketBasis: demo, bidNumber: 12, demand: [2500, 1.2e-4, -120.5] },
    });
    expect(
      check(
        withBasis('"pricePoints":[{"price":2,"demand":100},{"price":8,"demand":-100}],"bidNumber":3,"demand":null'),
      ),
    ).toEqual({
      accepted: {
        marketBasis: demo,
        bidNumber: 3,
        demand: [100, 0, -100],
        pricePoints: [
          { price: 2, demand: 100 },
          { price: 8, demand: -100 },
        ],
      },
    });
  });

  it.each<[string, string | Uint8Array, string, string, number | undefined]>([
    ['check 1: binary', new Uint8Array([123, 125]), 'INVALID_MESSAGE', 'Binary frames are not supported', undefined],
    ['check 3: not an object', '[1]', 'INVALID_MESSAGE', 'payloadType is required', undefined],
    ['check 3: no payloadType', '{"payload":{}}', 'INVALID_MESSAGE', 'payloadType is required', undefined],
    [
      'check 3: unknown payloadType',
      '{"payloadType":"HELLO"}',
      'INVALID_MESSAGE',
      'Unknown payloadType [HELLO]',
      undefined,
    ],
    [
      'check 4: not a BID (§9 D13)',
      '{"payloadType":"PRICE_UPDATE","payload":{}}',
      'INVALID_MESSAGE',
      'payloadType [PRICE_UPDATE] is not accepted from an agent',
      undefined,
    ],
    ['check 5: no payload', '{"payloadType":"BID"}', 'INVALID_MESSAGE', 'payload must be an object', undefined],
    ['check 5: no bidNumber', bid('{}'), 'INVALID_MESSAGE', 'payload.bidNumber must be an integer', undefined],
    [
      'check 5: fractional bidNumber',
      bid('{"bidNumber":5.5}'),
      'INVALID_MESSAGE',
      'payload.bidNumber must be an integer',
      undefined,
    ],
    ['check 8: no basis', bid('{"bidNumber":4}'), 'INVALID_MESSAGE', 'payload.marketBasis must be an object', 4],
    [
      'check 8: basis field type',
      withBasis(
        '"bidNumber":4',
        '{"commodity":"electricity","currency":"EUR","priceSteps":"3","minimumPrice":0,"maximumPrice":10}',
      ),
      'INVALID_MESSAGE',
      'payload.marketBasis.priceSteps must be an integer',
      4,
    ],
    [
      'check 8: commodity type',
      withBasis('"bidNumber":4', '{"commodity":1,"currency":"EUR","priceSteps":3,"minimumPrice":0,"maximumPrice":10}'),
      'INVALID_MESSAGE',
      'payload.marketBasis.commodity must be a string',
      4,
    ],
    [
      'check 8: currency type',
      withBasis('"bidNumber":4', '{"commodity":"electricity","priceSteps":3,"minimumPrice":0,"maximumPrice":10}'),
      'INVALID_MESSAGE',
      'payload.marketBasis.currency must be a string',
      4,
    ],
    [
      'check 8: minimumPrice type',
      withBasis(
        '"bidNumber":4',
        '{"commodity":"electricity","currency":"EUR","priceSteps":3,"minimumPrice":"0","maximumPrice":10}',
      ),
      'INVALID_MESSAGE',
      'payload.marketBasis.minimumPrice must be a number',
      4,
    ],
    [
      'check 8: missing basis field',
      withBasis('"bidNumber":4', '{"commodity":"electricity","currency":"EUR","priceSteps":3,"minimumPrice":0}'),
      'INVALID_MESSAGE',
      'payload.marketBasis.maximumPrice must be a number',
      4,
    ],
    [
      'check 8: other basis',
      withBasis(
        '"bidNumber":4,"demand":[0,0,0]',
        '{"commodity":"electricity","currency":"USD","priceSteps":3,"minimumPrice":0,"maximumPrice":10}',
      ),
      'MARKET_BASIS_MISMATCH',
      'Marketbasis new bid differs from marketbasis auctioneer',
      4,
    ],
    [
      'check 9: both',
      withBasis('"bidNumber":4,"demand":[0,0,0],"pricePoints":[{"price":1,"demand":1}]'),
      'INVALID_MESSAGE',
      'A bid carries either demand or pricePoints, not both',
      4,
    ],
    [
      'check 9: neither',
      withBasis('"bidNumber":4'),
      'INVALID_MESSAGE',
      'A bid carries either demand or pricePoints, neither was given',
      4,
    ],
    [
      'check 9: empty pricePoints is absent',
      withBasis('"bidNumber":4,"pricePoints":[]'),
      'INVALID_MESSAGE',
      'A bid carries either demand or pricePoints, neither was given',
      4,
    ],
    [
      'check 9: demand shape',
      withBasis('"bidNumber":4,"demand":[1,"2",3]'),
      'INVALID_MESSAGE',
      'payload.demand must be an array of numbers',
      4,
    ],
    [
      'check 9: points shape',
      withBasis('"bidNumber":4,"pricePoints":[{"price":1}]'),
      'INVALID_MESSAGE',
      'payload.pricePoints must be an array of {price, demand}',
      4,
    ],
    [
      'check 10: ascending',
      withBasis('"bidNumber":4,"demand":[0,1,2]'),
      'INVALID_BID',
      'The demand can not be ascending',
      4,
    ],
    [
      'check 10: wrong length',
      withBasis('"bidNumber":4,"demand":[0,0]'),
      'INVALID_BID',
      'Length of the demandArray is not equal to the number of price steps',
      4,
    ],
    [
      'check 10: overflow to ∞',
      withBasis('"bidNumber":4,"demand":[1e400,0,0]'),
      'INVALID_BID',
      'Demand at index 0 is not a finite number',
      4,
    ],
    [
      'check 10: out of range',
      withBasis('"bidNumber":4,"demand":[0,0,-1.5e12]'),
      'INVALID_BID',
      'Demand at index 2 is out of range',
      4,
    ],
    [
      'check 10: point price',
      withBasis('"bidNumber":4,"pricePoints":[{"price":11,"demand":1}]'),
      'INVALID_BID',
      'Price 11.0 is out of bounds [0.0, 10.0]',
      4,
    ],
    [
      'check 10: empty point bid is check 9',
      withBasis('"bidNumber":4,"pricePoints":null,"demand":null'),
      'INVALID_MESSAGE',
      'A bid carries either demand or pricePoints, neither was given',
      4,
    ],
  ])('PM-ERR-1 (§9 D4): %s', (_, frame, code, message, bidNumber) => {
    expect(error(frame)).toEqual(bidNumber === undefined ? { code, message } : { code, message, bidNumber });
  });

  it('PM-ERR-1: check 2 reports the parser position and reason', () => {
    const rejected = error('{"payloadType":');
    expect(rejected.code).toBe('MALFORMED_JSON');
    expect(rejected.message).toMatch(/JSON/);
  });

  it('PM-ERR-1: check 7: no bid before the cluster info was sent', () => {
    expect(error(withBasis('"bidNumber":4,"demand":[0,0,0]'), openInboundConnection(0))).toEqual({
      code: 'NOT_CONNECTED',
      message: 'Not connected to the cluster',
      bidNumber: 4,
    });
  });

  it('PM-ERR-1 (§9 D14): check 6: the token bucket (burst 10, 2/s) takes a token for every frame reaching it and refills continuously', () => {
    let connection = ready();
    const frame = withBasis('"bidNumber":1,"demand":[0,1,0]');
    for (let i = 0; i < 10; i++) {
      const result = checkInboundFrame(connection, frame, 0);
      expect(result.outcome).toMatchObject({ error: { code: 'INVALID_BID' } });
      connection = result.connection;
    }
    const limited = checkInboundFrame(connection, frame, 0);
    expect(limited.outcome).toEqual({
      error: { code: 'RATE_LIMITED', message: 'Bid rate exceeded (2/s, burst 10)', bidNumber: 1 },
      close: null,
    });
    // Frames failing before check 6 take no token.
    expect(checkInboundFrame(limited.connection, '{', 100).outcome).toMatchObject({
      error: { code: 'MALFORMED_JSON' },
    });
    // 500 ms at 2/s refill one token.
    const later = checkInboundFrame(limited.connection, withBasis('"bidNumber":2,"demand":[0,0,0]'), 499);
    expect(later.outcome).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const refilled = checkInboundFrame(later.connection, withBasis('"bidNumber":3,"demand":[0,0,0]'), 500);
    expect(refilled.outcome).toEqual({ accepted: { marketBasis: demo, bidNumber: 3, demand: [0, 0, 0] } });
    expect(refilled.connection.tokens).toBe(0);
  });

  it('PM-ERR-1: the error budget closes 1008 after more than 60 errors within a sliding minute', () => {
    let connection = ready();
    for (let i = 0; i < 60; i++) {
      const result = checkInboundFrame(connection, '{', i * 100);
      expect((result.outcome as { close: unknown }).close).toBeNull();
      connection = result.connection;
    }
    expect(checkInboundFrame(connection, '{', 6000).outcome).toMatchObject({
      close: { code: 1008, reason: 'Too many errors' },
    });
    // A minute after the first errors, they no longer count.
    expect(recordErrorSent(connection, 60_000).close).toBeNull();
    expect(recordErrorSent(connection, 59_999).close).toEqual({ code: 1008, reason: 'Too many errors' });
  });

  it('PM-ERR-1: an unexpected failure is INTERNAL_ERROR `Internal error`, with the bid number, and the token stays taken', () => {
    const broken = jest.spyOn(bidModule, 'checkDemand').mockImplementation(() => {
      throw new TypeError('boom');
    });
    try {
      const result = checkInboundFrame(ready(), withBasis('"bidNumber":4,"demand":[0,0,0]'), 0);
      expect(result.outcome).toEqual({
        error: { code: 'INTERNAL_ERROR', message: 'Internal error', bidNumber: 4 },
        close: null,
      });
      expect(result.connection.tokens).toBe(DEFAULT_INBOUND_LIMITS.bidBurst - 1);
    } finally {
      broken.mockRestore();
    }
  });

  it('PM-ERR-1 (§9 D6): NaN never passes: not as a JSON literal, not as a demand value', () => {
    // [1, NaN, 0] passes v2.1's ascending check, as every comparison with NaN is false.
    expect(error(withBasis('"bidNumber":4,"demand":[0,NaN,0]'))).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(() => checkDemand(demo, [1, NaN, 0])).toThrow(exactly('Demand at index 1 is not a finite number'));
  });

  it('PM-ERR-1: no input frame makes the checker throw, and a rejection changes nothing but the limits', () => {
    const frames = fc.oneof(
      fc.string(),
      fc.json(),
      fc.uint8Array(),
      fc
        .record({ payloadType: fc.constantFrom('BID', 'ERROR', 'x'), payload: fc.anything() })
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          bidNumber: fc.anything(),
          demand: fc.anything(),
          pricePoints: fc.anything(),
          marketBasis: fc.oneof(fc.anything(), fc.constant(demo)),
        })
        .map((payload) => JSON.stringify({ payloadType: 'BID', payload })),
    );
    fc.assert(
      fc.property(frames, (frame) => {
        const before = ready();
        const { connection, outcome } = checkInboundFrame(before, frame, 0, DEFAULT_INBOUND_LIMITS);
        expect(connection.clusterInfo).toBe(before.clusterInfo);
        if ('error' in outcome) expect(outcome.error.code).not.toBe('INTERNAL_ERROR');
      }),
      { numRuns: 500 },
    );
  });
});
