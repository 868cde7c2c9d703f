import { isDeepStrictEqual } from 'node:util';
import { readOadrPayload } from '../message';
import { WRITTEN_PREFIXES } from '../namespaces';
import { eiResponse } from '../response';
import { ANSWER_TYPE } from '../routing';
import { NAMESPACE_STYLES, restyle } from '../testing/restyle.test-util';
import { minimalSamples, richSamples } from '../testing/samples.test-util';
import { xmllintValidate } from '../testing/oadr-xsd.test-util';
import { OadrDataError } from '../errors';
import { XmlWriteError } from '@flexgrid/xml';
import { type ItemBase } from './common';
import { OADR_PAYLOAD_TYPES, type OadrPayload } from './oadr-payload';
import { writeOadrPayload } from './oadr-payload';

/** An answer of the given type carrying a 45x eiResponse (TR-3), with only what that type requires. */
function errorAnswer(type: OadrPayload['type']): OadrPayload {
  const response = eiResponse('INVALID_ID', 'req-1', 'unknown registrationID');
  const sample = minimalSamples[type];
  return 'eiResponse' in sample ? ({ ...sample, eiResponse: response } as OadrPayload) : sample;
}

describe('XW-4 every payload we write validates against oadr_20b.xsd (xmllint)', () => {
  const answers = [...new Set(Object.values(ANSWER_TYPE))].map(errorAnswer);
  const written = [
    ...OADR_PAYLOAD_TYPES.map((type) => ({ label: `rich ${type}`, xml: writeOadrPayload(richSamples[type]) })),
    ...OADR_PAYLOAD_TYPES.map((type) => ({ label: `minimal ${type}`, xml: writeOadrPayload(minimalSamples[type]) })),
    ...answers.map((payload) => ({ label: `45x ${payload.type}`, xml: writeOadrPayload(payload) })),
  ];
  let verdicts: { valid: boolean; errors: string }[] = [];

  beforeAll(async () => {
    verdicts = await xmllintValidate(written.map((w) => w.xml));
  });

  it('XW-4: all 23 payload types, both directions, rich and minimal, and the 45x answers', () => {
    expect(written.flatMap((w, i) => (verdicts[i]?.valid ? [] : [`${w.label}: ${verdicts[i]?.errors}`]))).toEqual([]);
    expect(written.length).toBe(2 * 23 + answers.length);
  });
});

describe('XW-4 / §3 every itemBase member the XSD defines', () => {
  const power = { hertz: '60', voltage: '120', ac: false };
  const members: ItemBase[] = [
    { type: 'powerReal', itemDescription: 'RealPower', itemUnits: 'W', siScaleCode: 'k', powerAttributes: power },
    {
      type: 'powerApparent',
      itemDescription: 'ApparentPower',
      itemUnits: 'VA',
      siScaleCode: 'none',
      powerAttributes: power,
    },
    {
      type: 'powerReactive',
      itemDescription: 'ReactivePower',
      itemUnits: 'VAR',
      siScaleCode: 'M',
      powerAttributes: power,
    },
    { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'k' },
    { type: 'energyApparent', itemDescription: 'ApparentEnergy', itemUnits: 'VAh', siScaleCode: 'none' },
    { type: 'energyReactive', itemDescription: 'ReactiveEnergy', itemUnits: 'VARh', siScaleCode: 'none' },
    { type: 'voltage', itemDescription: 'Voltage', itemUnits: 'V', siScaleCode: 'none' },
    { type: 'currency', itemDescription: 'currency', itemUnits: 'EUR', siScaleCode: 'none' },
    { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' },
    { type: 'currencyPerKW', itemDescription: 'currencyPerKW', itemUnits: 'GBP', siScaleCode: 'none' },
    { type: 'currencyPerThm', itemDescription: 'currency', itemUnits: 'CAD', siScaleCode: 'none' },
    { type: 'customUnit', itemDescription: 'steps', itemUnits: 'step', siScaleCode: 'none' },
    { type: 'current', itemDescription: 'Current', itemUnits: 'A', siScaleCode: 'm' },
    { type: 'frequency', itemDescription: 'Frequency', itemUnits: 'Hz', siScaleCode: 'none' },
    { type: 'Therm', itemDescription: 'Therm', itemUnits: 'thm', siScaleCode: 'none' },
    { type: 'temperature', itemDescription: 'temperature', itemUnits: 'fahrenheit', siScaleCode: 'none' },
    { type: 'pulseCount', itemDescription: 'pulse count', itemUnits: 'count', pulseFactor: '0.5' },
  ];
  const registration: OadrPayload = {
    type: 'oadrRegisterReport',
    requestID: 'req-1',
    oadrReport: [
      {
        oadrReportDescription: members.map((itemBase, i) => ({
          rID: `r${i}`,
          reportType: 'reading',
          itemBase,
          readingType: 'Direct Read',
        })),
        reportRequestID: '0',
        reportSpecifierID: 'spec-1',
        reportName: 'METADATA_TELEMETRY_USAGE',
        createdDateTime: Date.UTC(2030, 4, 1),
      },
    ],
  };

  it('XW-4: each is written valid against the XSD and reads back as written', async () => {
    const xml = writeOadrPayload(registration);
    expect(await xmllintValidate([xml])).toEqual([{ valid: true, errors: '' }]);
    const read = readOadrPayload(xml);
    expect(read.ok && read.message.payload).toEqual(registration);
  });

  it('XML-4: an empty element with a fixed value (valid: it takes that value) reads as the fixed value', async () => {
    const xml = writeOadrPayload(registration).replace(
      '<power:itemDescription>RealPower</power:itemDescription><power:itemUnits>W</power:itemUnits>',
      '<power:itemDescription/><power:itemUnits>W</power:itemUnits>',
    );
    expect(xml).toContain('<power:itemDescription/>');
    expect(await xmllintValidate([xml])).toEqual([{ valid: true, errors: '' }]);
    const read = readOadrPayload(xml);
    expect(read.ok && read.message.payload).toEqual(registration);
  });
});

describe('XW-1..3 the written form', () => {
  const poll = writeOadrPayload({ type: 'oadrResponse', eiResponse: eiResponse('OK', ''), venID: 'ven-1' });

  it('XW-1: declaration, the eight prefixes on the root, oadr:Id and ei:schemaVersion, no pretty-printing', () => {
    expect(poll).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload' +
        WRITTEN_PREFIXES.map(([prefix, uri]) => ` xmlns:${prefix}="${uri}"`).join('') +
        '><oadr:oadrSignedObject oadr:Id="oadrSignedObject"><oadr:oadrResponse ei:schemaVersion="2.0b"><ei:eiResponse>' +
        '<ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription><pyld:requestID/></ei:eiResponse>' +
        '<ei:venID>ven-1</ei:venID></oadr:oadrResponse></oadr:oadrSignedObject></oadr:oadrPayload>',
    );
    expect(WRITTEN_PREFIXES.map(([prefix]) => prefix)).toEqual([
      'oadr',
      'ei',
      'pyld',
      'emix',
      'power',
      'scale',
      'xcal',
      'strm',
    ]);
  });

  it('XW-1: the same input gives the same bytes', () => {
    for (const type of OADR_PAYLOAD_TYPES)
      expect(writeOadrPayload(structuredClone(richSamples[type]))).toBe(writeOadrPayload(richSamples[type]));
  });

  it('XW-2: optional elements without a value are left out; a required one without a value is written empty', () => {
    const xml = writeOadrPayload(minimalSamples.oadrCreatedPartyRegistration);
    expect(xml).not.toContain('ei:registrationID');
    expect(xml).not.toContain('ei:venID');
    expect(xml).not.toContain('oadr:oadrRequestedOadrPollFreq');
    expect(writeOadrPayload(minimalSamples.oadrQueryRegistration)).toContain(
      '<oadr:oadrQueryRegistration ei:schemaVersion="2.0b"><pyld:requestID/></oadr:oadrQueryRegistration>',
    );
  });

  it('XW-2: never writes None, null or undefined', () => {
    for (const type of OADR_PAYLOAD_TYPES) {
      for (const payload of [richSamples[type], minimalSamples[type]]) {
        expect(writeOadrPayload(payload)).not.toMatch(/>(None|null|undefined)</);
        expect(writeOadrPayload(payload)).not.toMatch(/="(null|undefined)"/);
      }
    }
  });

  it('XW-2: element order follows the XSD sequences (eventDescriptor, properties, eiEventSignal, eiTarget, oadrReport…)', () => {
    const xml = writeOadrPayload(richSamples.oadrDistributeEvent);
    const order = (names: string[], from = 0): number[] => names.map((n) => xml.indexOf(n, from));
    const ascending = (positions: number[]): boolean =>
      positions.every((p, i) => p >= 0 && (i === 0 || p > (positions[i - 1] ?? 0)));
    expect(
      ascending(
        order([
          '<ei:eventID>',
          '<ei:modificationNumber>',
          '<ei:modificationDateTime>',
          '<ei:modificationReason>',
          '<ei:priority>',
          '<ei:eiMarketContext>',
          '<ei:createdDateTime>',
          '<ei:eventStatus>',
          '<ei:testEvent>',
          '<ei:vtnComment>',
        ]),
      ),
    ).toBe(true);
    expect(
      ascending(
        order([
          '<xcal:dtstart>',
          '<xcal:duration>',
          '<xcal:tolerance>',
          '<ei:x-eiNotification>',
          '<ei:x-eiRampUp>',
          '<ei:x-eiRecovery>',
          '<xcal:components/>',
        ]),
      ),
    ).toBe(true);
    expect(
      ascending(
        order(['<strm:intervals>', '<ei:signalName>', '<ei:signalType>', '<ei:signalID>', '<ei:currentValue>']),
      ),
    ).toBe(true);
    const target = xml.indexOf('<power:aggregatedPnode>');
    expect(
      ascending(
        order(
          [
            '<power:aggregatedPnode>',
            '<power:endDeviceAsset>',
            '<power:meterAsset>',
            '<power:pnode>',
            '<emix:serviceArea>',
            '<power:serviceDeliveryPoint>',
            '<power:serviceLocation>',
            '<power:transportInterface>',
            '<ei:groupID>',
            '<ei:groupName>',
            '<ei:resourceID>',
            '<ei:venID>',
            '<ei:partyID>',
          ],
          target,
        ),
      ),
    ).toBe(true);
    const report = writeOadrPayload(richSamples.oadrRegisterReport);
    expect(
      ascending(
        [
          '<xcal:duration>',
          '<ei:eiReportID>',
          '<oadr:oadrReportDescription>',
          '<ei:reportRequestID>0',
          '<ei:reportSpecifierID>',
          '<ei:reportName>',
          '<ei:createdDateTime>',
        ].map((n) => report.indexOf(n)),
      ),
    ).toBe(true);
  });

  it('XW-3: escapes & < > in text and also " in attributes; CR and tabs survive as references', () => {
    const xml = writeOadrPayload({
      type: 'oadrResponse',
      eiResponse: { responseCode: '200', responseDescription: 'a & b <c> "d"\r\n\tend', requestID: '' },
    });
    expect(xml).toContain('<ei:responseDescription>a &amp; b &lt;c&gt; "d"&#13;\n\tend</ei:responseDescription>');
    const back = readOadrPayload(xml);
    expect(
      back.ok && back.message.payload.type === 'oadrResponse' && back.message.payload.eiResponse.responseDescription,
    ).toBe('a & b <c> "d"\r\n\tend');
  });

  it.each<[string, () => string, new (message: string) => Error]>([
    [
      'XW-3: characters XML 1.0 forbids',
      () => writeOadrPayload({ type: 'oadrPoll', venID: 'ven\u0001' }),
      XmlWriteError,
    ],
    ['XW-3: lone surrogates', () => writeOadrPayload({ type: 'oadrPoll', venID: '\uD800' }), XmlWriteError],
    [
      'FMT-4: NaN',
      () => writeOadrPayload({ type: 'oadrRequestEvent', requestID: '', venID: 'v', replyLimit: Number.NaN }),
      OadrDataError,
    ],
    [
      'FMT-2: negative durations',
      () =>
        writeOadrPayload({
          ...minimalSamples.oadrCreatedPartyRegistration,
          oadrRequestedOadrPollFreq: -1,
        } as OadrPayload),
      OadrDataError,
    ],
    [
      'FMT-1: fractional instants',
      () => writeOadrPayload({ ...minimalSamples.oadrCreateOpt, createdDateTime: 0.5 } as OadrPayload),
      OadrDataError,
    ],
    [
      'TR-5: response codes of other than three digits',
      () => writeOadrPayload({ type: 'oadrResponse', eiResponse: { responseCode: '20', requestID: '' } }),
      OadrDataError,
    ],
    [
      'FMT-4: an unsigned integer out of range',
      () => writeOadrPayload({ type: 'oadrRequestEvent', requestID: '', venID: 'v', replyLimit: 2 ** 32 }),
      OadrDataError,
    ],
    [
      'XSD: Green Button content that is not an atom:feed',
      () =>
        writeOadrPayload({
          ...minimalSamples.oadrUpdateReport,
          oadrReport: [
            {
              reportRequestID: 'r',
              reportSpecifierID: 's',
              createdDateTime: 0,
              intervals: [{ payloads: [{ type: 'oadrGBPayload', feed: '<feed>' }] }],
            },
          ],
        } as OadrPayload),
      OadrDataError,
    ],
    [
      'XSD: an extension name without a non-space after x-',
      () => writeOadrPayload({ ...minimalSamples.oadrCreateOpt, optReason: 'x- late' } as OadrPayload),
      OadrDataError,
    ],
    [
      'XSD: an empty required list',
      () => writeOadrPayload({ type: 'oadrCancelReport', requestID: '', reportRequestID: [], reportToFollow: false }),
      OadrDataError,
    ],
    [
      'FMT-4: decimal text that is not a finite number',
      () =>
        writeOadrPayload({
          ...minimalSamples.oadrUpdateReport,
          oadrReport: [
            {
              reportRequestID: 'r',
              reportSpecifierID: 's',
              createdDateTime: 0,
              intervals: [
                {
                  payloads: [
                    { type: 'oadrReportPayload', rID: 'r1', payloadBase: { type: 'payloadFloat', value: 'INF' } },
                  ],
                },
              ],
            },
          ],
        } as OadrPayload),
      OadrDataError,
    ],
  ])('%s are refused when writing', (_, write, error) => {
    expect(write).toThrow(error);
  });
});

describe('round trip: read → write → read gives the same value', () => {
  it.each(OADR_PAYLOAD_TYPES)('%s, from our prefixes and from every other namespace style', (type) => {
    for (const payload of [richSamples[type], minimalSamples[type]]) {
      const ours = writeOadrPayload(payload);
      for (const xml of [ours, ...NAMESPACE_STYLES.map((style) => restyle(ours, style))]) {
        const first = readOadrPayload(xml);
        if (!first.ok) throw new Error(`${type}: ${first.error.message}`);
        const again = readOadrPayload(writeOadrPayload(first.message.payload));
        if (!again.ok) throw new Error(`${type}: ${again.error.message}`);
        expect(again.message.payload).toEqual(first.message.payload);
        expect(isDeepStrictEqual(first.message.payload, payload)).toBe(true);
      }
    }
  });
});
