import fc from 'fast-check';
import { marketBasis } from '../market-basis';
import { gsonString } from './gson-text';
import { decodeMessage, encodeMessage, type PowerMatcherMessage, priceUpdateFrames } from './messages';
import { exactly } from '../exact-message.test-util';

const demo = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 3,
  minimumPrice: 0,
  maximumPrice: 10,
});
const basisJson = '{"commodity":"electricity","currency":"EUR","priceSteps":3,"minimumPrice":0.0,"maximumPrice":10.0}';

describe('messages (PM-WS-4, PM-WS-5, PM-WS-6)', () => {
  it.each<[string, PowerMatcherMessage, string]>([
    [
      'CLUSTERINFO',
      { payloadType: 'CLUSTERINFO', payload: { marketBasis: demo, clusterId: 'demo' } },
      `{"payloadType":"CLUSTERINFO","payload":{"marketBasis":${basisJson},"clusterId":"demo"}}`,
    ],
    [
      'BID',
      { payloadType: 'BID', payload: { marketBasis: demo, demand: [2500, 1.2e-4, -120.5], bidNumber: 12 } },
      `{"payloadType":"BID","payload":{"marketBasis":${basisJson},"demand":[2500.0,1.2E-4,-120.5],"bidNumber":12}}`,
    ],
    [
      'PRICE_UPDATE',
      { payloadType: 'PRICE_UPDATE', payload: { marketBasis: demo, bidNumber: 12, priceValue: 5.000004979248153 } },
      `{"payloadType":"PRICE_UPDATE","payload":{"marketBasis":${basisJson},"bidNumber":12,"priceValue":5.000004979248153}}`,
    ],
    [
      'ERROR',
      {
        payloadType: 'ERROR',
        payload: { code: 'INVALID_BID', message: 'The demand can not be ascending', bidNumber: 13 },
      },
      '{"payloadType":"ERROR","payload":{"code":"INVALID_BID","message":"The demand can not be ascending","bidNumber":13}}',
    ],
  ])('PM-WS-5: the §7.3 %s example, byte for byte', (_, message, text) => {
    expect(encodeMessage(message)).toBe(text);
    expect(decodeMessage(text)).toEqual(message);
  });

  it('PM-WS-4: a bid with price points, an ERROR without bid number, a PRICE_UPDATE without price', () => {
    expect(
      encodeMessage({
        payloadType: 'BID',
        payload: {
          marketBasis: demo,
          pricePoints: [
            { price: 2, demand: 100 },
            { price: 8, demand: -0 },
          ],
          bidNumber: -3,
        },
      }),
    ).toBe(
      `{"payloadType":"BID","payload":{"marketBasis":${basisJson},"pricePoints":[{"price":2.0,"demand":100.0},{"price":8.0,"demand":-0.0}],"bidNumber":-3}}`,
    );
    expect(encodeMessage({ payloadType: 'ERROR', payload: { code: 'MALFORMED_JSON', message: 'x' } })).toBe(
      '{"payloadType":"ERROR","payload":{"code":"MALFORMED_JSON","message":"x"}}',
    );
    const noPrice = `{"payloadType":"PRICE_UPDATE","payload":{"marketBasis":${basisJson},"bidNumber":1}}`;
    expect(decodeMessage(noPrice)).toEqual({
      payloadType: 'PRICE_UPDATE',
      payload: { marketBasis: demo, bidNumber: 1, priceValue: null },
    });
    expect(
      encodeMessage({ payloadType: 'PRICE_UPDATE', payload: { marketBasis: demo, bidNumber: 1, priceValue: null } }),
    ).toBe(noPrice);
  });

  it('PM-WS-5: the PRICE_UPDATEs of one price to many agents are the bytes encodeMessage writes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 5 }),
        (priceValue, bidNumbers) => {
          const frame = priceUpdateFrames(demo, priceValue);
          for (const bidNumber of bidNumbers) {
            expect(frame(bidNumber)).toBe(
              encodeMessage({ payloadType: 'PRICE_UPDATE', payload: { marketBasis: demo, bidNumber, priceValue } }),
            );
          }
        },
      ),
    );
  });

  it('PM-WS-5: Gson string escaping', () => {
    expect(gsonString('plain id-1:2@x')).toBe('"plain id-1:2@x"');
    expect(gsonString('"\\\t\b\n\r\f')).toBe('"\\"\\\\\\t\\b\\n\\r\\f"');
    expect(gsonString('\u0000\u0001\u001f')).toBe('"\\u0000\\u0001\\u001f"');
    expect(gsonString("<a href='x'>&=</a>")).toBe(
      '"\\u003ca href\\u003d\\u0027x\\u0027\\u003e\\u0026\\u003d\\u003c/a\\u003e"',
    );
    expect(gsonString('\u2028\u2029')).toBe('"\\u2028\\u2029"');
    expect(gsonString('é€😀/')).toBe('"é€😀/"');
    expect(gsonString('a\ud800b\udc00')).toBe('"a\ufffdb\ufffd"');
  });

  it('PM-WS-5: NaN and infinities are never encoded', () => {
    expect(() =>
      encodeMessage({ payloadType: 'PRICE_UPDATE', payload: { marketBasis: demo, bidNumber: 1, priceValue: NaN } }),
    ).toThrow(exactly('NaN is not a valid double value as per JSON specification'));
    expect(() =>
      encodeMessage({ payloadType: 'BID', payload: { marketBasis: demo, demand: [Infinity, 0, 0], bidNumber: 1 } }),
    ).toThrow(exactly('Infinity is not a valid double value as per JSON specification'));
  });

  it('PM-WS-6: integer fields accept integral values only; duplicate keys: last wins; unknown fields ignored', () => {
    const bid = (bidNumber: string, extra = '') =>
      `{"payloadType":"BID","payload":{"marketBasis":${basisJson},"demand":[1e3,0,-1000],"bidNumber":${bidNumber}${extra}}}`;
    expect(decodeMessage(bid('5.0'))).toEqual({
      payloadType: 'BID',
      payload: { marketBasis: demo, demand: [1000, 0, -1000], bidNumber: 5 },
    });
    expect(() => decodeMessage(bid('5.5'))).toThrow(exactly('payload.bidNumber must be an integer'));
    expect(() => decodeMessage(bid('2147483648'))).toThrow(exactly('payload.bidNumber must be an integer'));
    expect(decodeMessage(bid('1', ',"bidNumber":2,"extra":{"x":[1]}'))).toMatchObject({ payload: { bidNumber: 2 } });
  });

  it('PM-WS-6: strict JSON: no NaN literals, comments or single quotes; overflow reads as ∞', () => {
    for (const text of [
      '{"payloadType":"BID","payload":{"demand":[NaN]}}',
      "{'payloadType':'BID'}",
      '{"payloadType":"BID"} // x',
    ]) {
      expect(() => decodeMessage(text)).toThrow(expect.objectContaining({ code: 'MALFORMED_JSON' }));
    }
    const overflow = decodeMessage(
      `{"payloadType":"BID","payload":{"marketBasis":${basisJson},"demand":[1e400,0,0],"bidNumber":1}}`,
    );
    expect(overflow).toMatchObject({ payload: { demand: [Infinity, 0, 0] } });
  });

  it('PM-WS-6: unknown payload types are tolerated (decoded as unknown, to be logged and ignored)', () => {
    expect(decodeMessage('{"payloadType":"HEARTBEAT","payload":{}}')).toEqual({
      payloadType: 'HEARTBEAT',
      unknown: true,
    });
    expect(() => decodeMessage('{"payload":{}}')).toThrow(exactly('payloadType is required'));
    expect(() => decodeMessage('{"payloadType":"CLUSTERINFO","payload":3}')).toThrow(
      exactly('payload must be an object'),
    );
    expect(() => decodeMessage(`{"payloadType":"CLUSTERINFO","payload":{"marketBasis":${basisJson}}}`)).toThrow(
      exactly('payload.clusterId must be a string'),
    );
  });

  it('PM-WS-4: decode(encode(m)) is m for every message type', () => {
    const basis = fc
      .record({
        commodity: fc.string({ minLength: 1 }),
        currency: fc.string({ minLength: 1 }),
        priceSteps: fc.integer({ min: 2, max: 50 }),
        minimumPrice: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        width: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
      })
      .filter(({ minimumPrice, width }) => minimumPrice + width > minimumPrice)
      .map(({ width, ...b }) => marketBasis({ ...b, maximumPrice: b.minimumPrice + width }));
    const double = fc.double({ noNaN: true, noDefaultInfinity: true });
    const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    const message: fc.Arbitrary<PowerMatcherMessage> = fc.oneof(
      fc.record({
        payloadType: fc.constant('CLUSTERINFO' as const),
        payload: fc.record({ marketBasis: basis, clusterId: fc.string() }),
      }),
      fc.record({
        payloadType: fc.constant('BID' as const),
        payload: fc.record({ marketBasis: basis, demand: fc.array(double), bidNumber: int32 }),
      }),
      fc.record({
        payloadType: fc.constant('BID' as const),
        payload: fc.record({
          marketBasis: basis,
          pricePoints: fc.array(fc.record({ price: double, demand: double }), { minLength: 1 }),
          bidNumber: int32,
        }),
      }),
      fc.record({
        payloadType: fc.constant('PRICE_UPDATE' as const),
        payload: fc.record({ marketBasis: basis, bidNumber: int32, priceValue: fc.option(double, { nil: null }) }),
      }),
      fc.record({
        payloadType: fc.constant('ERROR' as const),
        payload: fc.record(
          { code: fc.string(), message: fc.string(), bidNumber: int32 },
          { requiredKeys: ['code', 'message'] },
        ),
      }),
    );
    fc.assert(
      fc.property(message, (m) => {
        const text = encodeMessage(m);
        expect(decodeMessage(text)).toEqual(m);
        expect(encodeMessage(decodeMessage(text) as PowerMatcherMessage)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
