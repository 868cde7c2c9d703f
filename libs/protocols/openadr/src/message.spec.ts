import fc from 'fast-check';
import { readOadrPayload, type OadrReadResult, requestIdInElement } from './message';
import { EI_NS, PYLD_NS } from './namespaces';
import { OADR_PAYLOAD_TYPES, type OadrPayload, type OadrPayloadType } from './payloads/oadr-payload';
import { writeOadrPayload } from './payloads/oadr-payload';
import { eiResponse } from './response';
import { requestIdOf } from './routing';
import { minimalSamples, richSamples } from './testing/samples.test-util';
import { readXml, type XmlElement } from '@flexgrid/xml';
import { OADR_XML_LIMITS } from './xml-limits';

const poll = writeOadrPayload({ type: 'oadrPoll', venID: 'ven-1' });
const failure = (result: OadrReadResult) => {
  if (result.ok) throw new Error('accepted');
  return result.error;
};

describe('TR-4 steps 6-8: reading a message', () => {
  it('TR-4: bytes and text are read alike; the charset comes from the Content-Type (XML-2)', () => {
    const fromBytes = readOadrPayload(new TextEncoder().encode(poll), { charset: 'utf-8' });
    expect(fromBytes).toEqual(readOadrPayload(poll));
    expect(fromBytes.ok && fromBytes.message).toEqual({
      payload: { type: 'oadrPoll', venID: 'ven-1' },
      signed: false,
      warnings: [],
    });
  });

  it('TR-4 step 6: not XML, a DOCTYPE or a cap gives an xml failure with line:column', () => {
    expect(failure(readOadrPayload('not xml'))).toMatchObject({
      kind: 'xml',
      code: 'NOT_WELL_FORMED',
      line: 1,
      column: 1,
    });
    expect(failure(readOadrPayload(`<!DOCTYPE x>${poll}`))).toMatchObject({ kind: 'xml', code: 'DOCTYPE' });
    expect(failure(readOadrPayload(new Uint8Array([0xff, 0xfe, 0x3c])))).toMatchObject({
      kind: 'xml',
      code: 'ENCODING',
    });
    // Encoding names are looked up in a map, not an object, so these are unknown names and not Object's own properties.
    for (const name of ['constructor', '__proto__']) {
      expect(
        failure(readOadrPayload(new TextEncoder().encode(poll.replace('encoding="UTF-8"', `encoding="${name}"`)))),
      ).toMatchObject({ kind: 'xml', code: 'ENCODING' });
      expect(failure(readOadrPayload(new TextEncoder().encode(poll), { charset: name }))).toMatchObject({
        kind: 'xml',
        code: 'ENCODING',
      });
    }
  });

  it('XML-3: a message whose comment or CDATA section holds the text <!DOCTYPE is read', () => {
    const commented = poll
      .replace('<oadr:oadrPayload', '<!-- sent as <!DOCTYPE-free XML --><oadr:oadrPayload')
      .replace('ven-1', 'ven-<![CDATA[<!DOCTYPE]]>');
    expect(readOadrPayload(commented)).toMatchObject({
      ok: true,
      message: { payload: { type: 'oadrPoll', venID: 'ven-<!DOCTYPE' } },
    });
  });

  it('TR-4 step 7: an invalid document gives a schema failure; the root must be oadrPayload', () => {
    expect(failure(readOadrPayload(poll.replace('<ei:venID>ven-1</ei:venID>', '')))).toMatchObject({
      kind: 'schema',
      line: 1,
    });
    const bare = `<oadr:oadrPoll xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><ei:venID>v</ei:venID></oadr:oadrPoll>`;
    expect(failure(readOadrPayload(bare)).message).toContain(
      'root element must be {http://openadr.org/oadr-2.0b/2012/07}oadrPayload',
    );
  });

  it('TR-4: messages are at most 1 KiB', () => {
    const long = failure(
      readOadrPayload(poll.replace('<ei:venID>ven-1</ei:venID>', `<ei:venID>v</ei:venID><ei:x${'y'.repeat(2000)}/>`)),
    );
    expect(long.message.length).toBeLessThanOrEqual(1024);
  });

  it('TR-5 454: schema-valid but unusable data names the payload type, its requestID (RID-1) and venID', () => {
    const signed = writeOadrPayload(minimalSamples.oadrCreateOpt).replace(
      /<ei:createdDateTime>[^<]*</,
      '<ei:createdDateTime>-2030-05-01T12:00:00Z<',
    );
    expect(
      failure(readOadrPayload(signed.replace('<pyld:requestID/>', '<pyld:requestID> req-7 </pyld:requestID>'))),
    ).toEqual({
      kind: 'data',
      message: "date-time '-2030-05-01T12:00:00Z' must not carry a sign",
      payloadType: 'oadrCreateOpt',
      requestID: 'req-7',
      venID: 'ven-1',
    });
    const negative = writeOadrPayload(richSamples.oadrCreatedPartyRegistration).replace(
      '<xcal:duration>PT10S</xcal:duration>',
      '<xcal:duration>-PT10S</xcal:duration>',
    );
    expect(failure(readOadrPayload(negative))).toMatchObject({
      kind: 'data',
      payloadType: 'oadrCreatedPartyRegistration',
      requestID: 'req-12',
      venID: 'ven-1',
    });
    const nan = writeOadrPayload(richSamples.oadrUpdateReport).replace(
      '<ei:value>1.2345</ei:value>',
      '<ei:value>NaN</ei:value>',
    );
    expect(failure(readOadrPayload(nan))).toMatchObject({
      kind: 'data',
      payloadType: 'oadrUpdateReport',
      requestID: 'req-9',
    });
  });

  it('RID-1 / RID-2: the requestID to echo is found where §2.4 says, for decoded payloads and undecodable ones alike', () => {
    const at = (...path: string[]) => path;
    const own = at('pyld:requestID');
    const inResponse = at('ei:eiResponse', 'pyld:requestID');
    // §2.4, plus the VTN-only types (TR-2 echoes their requestID too): their own requestID wins over their eiResponse's.
    const where: Readonly<Record<OadrPayloadType, string[] | undefined>> = {
      oadrQueryRegistration: own,
      oadrCreatePartyRegistration: own,
      oadrCancelPartyRegistration: own,
      oadrCreateOpt: own,
      oadrCancelOpt: own,
      oadrRegisterReport: own,
      oadrCreateReport: own,
      oadrUpdateReport: own,
      oadrCancelReport: own,
      oadrDistributeEvent: own,
      oadrRequestEvent: at('pyld:eiRequestEvent', 'pyld:requestID'),
      oadrCreatedEvent: at('pyld:eiCreatedEvent', 'ei:eiResponse', 'pyld:requestID'),
      oadrCreatedReport: inResponse,
      oadrCanceledReport: inResponse,
      oadrRegisteredReport: inResponse,
      oadrUpdatedReport: inResponse,
      oadrCanceledPartyRegistration: inResponse,
      oadrResponse: inResponse,
      oadrCreatedPartyRegistration: inResponse,
      oadrCreatedOpt: inResponse,
      oadrCanceledOpt: inResponse,
      oadrPoll: undefined,
      oadrRequestReregistration: undefined,
    };
    const prefixes: Record<string, string> = { pyld: PYLD_NS, ei: EI_NS };
    for (const type of OADR_PAYLOAD_TYPES) {
      const xml = writeOadrPayload({
        ...richSamples[type],
        ...('eiResponse' in richSamples[type] && { eiResponse: eiResponse('OK', `response-of-${type}`) }),
      } as OadrPayload);
      const element = readXml(xml, OADR_XML_LIMITS).root.children[0]!.children[0]!;
      const path = where[type];
      let found: XmlElement | undefined = element;
      for (const step of path ?? []) {
        const [prefix = '', local] = step.split(':');
        found = found?.children.find((c) => c.ns === prefixes[prefix] && c.local === local);
      }
      const expected = path ? found?.text : undefined;
      if (path) expect([type, expected]).toEqual([type, expect.any(String)]);
      const read = readOadrPayload(xml);
      expect([type, read.ok && requestIdOf(read.message.payload), requestIdInElement(element)]).toEqual([
        type,
        expected,
        expected,
      ]);
    }
    const distribute = writeOadrPayload(richSamples.oadrDistributeEvent).replace(
      '<ei:createdDateTime>',
      '<ei:createdDateTime>-',
    );
    expect(failure(readOadrPayload(distribute))).toMatchObject({
      kind: 'data',
      requestID: requestIdOf(richSamples.oadrDistributeEvent),
      venID: undefined,
    });
  });

  it('XML-4: an abstract-typed power:powerItem made concrete by xsi:type reads as the member it names', () => {
    const xml = writeOadrPayload(richSamples.oadrDistributeEvent)
      .replace(
        '<power:powerReal>',
        '<power:powerItem xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="power:PowerRealType">',
      )
      .replace('</power:powerReal>', '</power:powerItem>');
    const result = readOadrPayload(xml);
    expect(result.ok && result.message.payload).toEqual(richSamples.oadrDistributeEvent);
  });

  it('FMT-2: durations in years or months are read with a warning', () => {
    const xml = writeOadrPayload(richSamples.oadrCreatedPartyRegistration).replace(
      '<xcal:duration>PT10S</xcal:duration>',
      '<xcal:duration>P1Y</xcal:duration>',
    );
    const result = readOadrPayload(xml);
    expect(result.ok && result.message.warnings).toEqual([
      "duration 'P1Y': years counted as 365 days and months as 30 days",
    ]);
  });
});

describe('property: readOadrPayload returns a result for any input and never throws', () => {
  const documents = OADR_PAYLOAD_TYPES.map((type) => writeOadrPayload(minimalSamples[type]));

  it('TR-4: arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => typeof readOadrPayload(bytes).ok === 'boolean'),
      { numRuns: 300 },
    );
  });

  it('XML-2: any encoding name, in the XML declaration or as the Content-Type charset', () => {
    const names = fc.oneof(
      fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'UTF-16', 'utf-8'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(names, names, (declared, charset) => {
        const body = new TextEncoder().encode(
          poll.replace('encoding="UTF-8"', `encoding="${declared.replace(/["<&]/g, '')}"`),
        );
        return (
          typeof readOadrPayload(body).ok === 'boolean' && typeof readOadrPayload(body, { charset }).ok === 'boolean'
        );
      }),
      { numRuns: 300 },
    );
  });

  it('TR-4: mutated and truncated messages of every payload type', () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...documents),
        fc.nat(),
        fc.nat(),
        fc.string({
          unit: fc.constantFrom(
            '<',
            '>',
            '/',
            '&',
            ';',
            '"',
            '=',
            ':',
            ' ',
            'x',
            '1',
            '-',
            'P',
            'T',
            'Z',
            '.',
            '\u0000',
          ),
          maxLength: 6,
        }),
      )
      .map(([doc, a, b, insert]) => {
        const from = a % doc.length;
        const to = b % doc.length;
        return doc.slice(0, Math.min(from, to)) + insert + doc.slice(Math.max(from, to));
      });
    fc.assert(
      fc.property(mutated, (xml) => typeof readOadrPayload(xml).ok === 'boolean'),
      { numRuns: 1500 },
    );
  });

  it('TR-4: mutated element text of every payload type yields ok, schema or data results', () => {
    const texts = fc.tuple(
      fc.constantFrom(...documents),
      fc.nat(),
      fc.constantFrom(
        '-1',
        'NaN',
        'INF',
        'P1Y',
        '-PT1S',
        '+2030-01-01T00:00:00Z',
        '99999999999',
        '1e999',
        '',
        'x-',
        '2W',
        '0.5',
      ),
    );
    fc.assert(
      fc.property(texts, ([doc, n, value]) => {
        const leaves = [...doc.matchAll(/>([^<>]+)</g)];
        const leaf = leaves[n % Math.max(1, leaves.length)];
        const xml =
          leaf?.index === undefined
            ? doc
            : doc.slice(0, leaf.index + 1) + value + doc.slice(leaf.index + 1 + (leaf[1]?.length ?? 0));
        const result = readOadrPayload(xml);
        return result.ok || ['schema', 'data'].includes(result.error.kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('XML-3: deep, huge and entity-laden messages are refused with xml failures', () => {
    const deep = fc
      .integer({ min: 65, max: 500 })
      .map((d) =>
        poll.replace('<ei:venID>ven-1</ei:venID>', `<ei:venID>${'<x>'.repeat(d)}${'</x>'.repeat(d)}</ei:venID>`),
      );
    const huge = fc.integer({ min: 65_537, max: 200_000 }).map((n) => poll.replace('ven-1', 'v'.repeat(n)));
    const laden = fc
      .integer({ min: 1, max: 30 })
      .map((n) => `<!DOCTYPE p [${'<!ENTITY a "&a;&a;">'.repeat(n)}]>${poll.replace('ven-1', '&a;')}`);
    fc.assert(
      fc.property(fc.oneof(deep, huge, laden), (xml) => {
        const result = readOadrPayload(xml);
        return (
          !result.ok &&
          result.error.kind === 'xml' &&
          ['DEPTH_LIMIT', 'TEXT_LIMIT', 'DOCTYPE'].includes(result.error.code)
        );
      }),
      { numRuns: 60 },
    );
  });
});
