import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOadrPayload, type OadrMessage } from '../message';
import { requestIdOf } from '../routing';
import { xmllintValidate } from '../testing/oadr-xsd.test-util';
import type { OadrPayload } from './oadr-payload';

/** Messages as openleadr-python 0.5.x renders its templates (§14): flattened signed object in a loose envelope. */
const FIXTURES = join(__dirname, 'openleadr-fixtures');
const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.xml'))
  .sort();
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, name));

function read(name: string): OadrMessage {
  const result = readOadrPayload(fixture(name), { charset: 'utf-8' });
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.message;
}

function payload<T extends OadrPayload['type']>(name: string, type: T): Extract<OadrPayload, { type: T }> {
  const p = read(name).payload;
  if (p.type !== type) throw new Error(`${name} is a ${p.type}`);
  return p as Extract<OadrPayload, { type: T }>;
}

const T = (iso: string): number => Date.parse(iso);

describe('§14 openleadr-python 0.5.x messages', () => {
  it('CMP-2: the fixtures are XSD-valid (libxml2 agrees), so they are realistic', async () => {
    const verdicts = await xmllintValidate(files.map((f) => readFileSync(join(FIXTURES, f), 'utf8')));
    expect(files.filter((_, i) => !verdicts[i]?.valid)).toEqual([]);
    expect(files.length).toBe(16);
  });

  it('XML-1: unprefixed requestID in its own default namespace, in a default-namespace envelope', () => {
    expect(payload('oadrQueryRegistration.xml', 'oadrQueryRegistration')).toEqual({
      type: 'oadrQueryRegistration',
      requestID: '9d2ea8d8-7b6c-4b48-a0b5-2fa6b2b1d7b4',
    });
    expect(payload('oadrRequestEvent.xml', 'oadrRequestEvent')).toEqual({
      type: 'oadrRequestEvent',
      requestID: '5f1e6b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      venID: '123',
    });
  });

  it('ID-3/CMP-4: numeric-looking IDs stay strings; the literal None transport address is kept as text', () => {
    expect(payload('oadrCreatePartyRegistration.xml', 'oadrCreatePartyRegistration')).toEqual({
      type: 'oadrCreatePartyRegistration',
      requestID: '9d2ea8d8-7b6c-4b48-a0b5-2fa6b2b1d7b4',
      venID: '123',
      oadrProfileName: '2.0b',
      oadrTransportName: 'simpleHttp',
      oadrTransportAddress: 'None',
      oadrReportOnly: false,
      oadrXmlSignature: false,
      oadrVenName: 'ven123',
      oadrHttpPullModel: true,
    });
  });

  it('CMP-5: METADATA registration with energyReal, powerReal (50 Hz / 230 V / ac), sampling rates, reportRequestID 0 or empty', () => {
    const p = payload('oadrRegisterReport.xml', 'oadrRegisterReport');
    const [usage, status] = p.oadrReport ?? [];
    expect(usage?.duration).toBe(3600);
    expect(usage?.reportRequestID).toBe('0');
    expect(usage?.reportName).toBe('METADATA_TELEMETRY_USAGE');
    expect(usage?.createdDateTime).toBe(T('2030-05-01T11:59:58.123Z'));
    expect(
      usage?.oadrReportDescription?.map((d) => [
        d.rID,
        d.reportType,
        d.itemBase?.type,
        d.readingType,
        d.oadrSamplingRate,
      ]),
    ).toEqual([
      [
        'device001_energy',
        'usage',
        'energyReal',
        'Direct Read',
        { oadrMinPeriod: 10, oadrMaxPeriod: 10, oadrOnChange: false },
      ],
      [
        'device001_power',
        'reading',
        'powerReal',
        'Direct Read',
        { oadrMinPeriod: 10, oadrMaxPeriod: 86_400, oadrOnChange: false },
      ],
    ]);
    expect(usage?.oadrReportDescription?.[1]?.itemBase).toEqual({
      type: 'powerReal',
      itemDescription: 'RealPower',
      itemUnits: 'W',
      siScaleCode: 'none',
      powerAttributes: { hertz: '50', voltage: '230', ac: true },
    });
    expect(usage?.oadrReportDescription?.[0]?.reportDataSource).toEqual({ resourceID: ['device001'] });
    expect(status?.reportRequestID).toBe('');
    expect(status?.oadrReportDescription?.[0]?.itemBase).toBeUndefined();
    expect(p.venID).toBe('123');
  });

  it('CMP-7: pendingReports may hold empty IDs', () => {
    expect(payload('oadrCreatedReport.xml', 'oadrCreatedReport').oadrPendingReports).toEqual([
      '3b3c6a1e-0f0a-4c3b-8f7e-0a1b2c3d4e5f',
      '',
    ]);
    expect(payload('oadrCanceledReport.xml', 'oadrCanceledReport').oadrPendingReports).toEqual([]);
  });

  it('CMP-9: an oadrCreatedEvent with an empty eiResponse requestID and eventResponses carrying 460', () => {
    const p = payload('oadrCreatedEvent.xml', 'oadrCreatedEvent');
    expect(p.eiResponse).toEqual({ responseCode: '200', responseDescription: 'OK', requestID: '' });
    expect(p.eventResponses).toEqual([
      {
        responseCode: '200',
        responseDescription: 'OK',
        requestID: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
        qualifiedEventID: { eventID: '123', modificationNumber: 0 },
        optType: 'optIn',
      },
      {
        responseCode: '460',
        requestID: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
        qualifiedEventID: { eventID: 'x-event', modificationNumber: 2 },
        optType: 'optOut',
      },
    ]);
    expect(requestIdOf(p)).toBe('');
  });

  it('XML-1: an openleadr-rendered event: unprefixed properties, intervals, uid and marketContext in default namespaces', () => {
    const p = payload('oadrDistributeEvent.xml', 'oadrDistributeEvent');
    expect(p.requestID).toBe('8e7d6c5b-4a39-4281-9706-f5e4d3c2b1a0');
    expect(p.eiResponse?.requestID).toBe('5f1e6b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b');
    const [event] = p.oadrEvent ?? [];
    expect(event?.eiEvent.eventDescriptor).toEqual({
      eventID: '123',
      modificationNumber: 1,
      modificationDateTime: T('2030-05-01T11:00:00Z'),
      priority: 1,
      marketContext: 'http://MarketContext1',
      createdDateTime: T('2030-05-01T10:00:00Z'),
      eventStatus: 'far',
      testEvent: false,
    });
    expect(event?.eiEvent.eiActivePeriod).toEqual({ dtstart: T('2030-05-01T12:00:00Z'), duration: 3600, rampUp: 600 });
    expect(event?.eiEvent.eiEventSignals.eiEventSignal).toEqual([
      {
        intervals: [
          {
            duration: 1800,
            uid: '0',
            payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '1.0' } }],
          },
          {
            duration: 1800,
            uid: '1',
            payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '2.0' } }],
          },
        ],
        signalName: 'simple',
        signalType: 'level',
        signalID: '456',
        currentValue: '0.0',
      },
    ]);
    expect(event?.eiEvent.eiTarget).toEqual({ venID: ['123'] });
  });

  it('CMP-12: an update with interval dtstarts in microseconds, no durations, an empty eiReportID and payloadFloat values', () => {
    const [report] = payload('oadrUpdateReport.xml', 'oadrUpdateReport').oadrReport ?? [];
    expect(report?.eiReportID).toBe('');
    expect(report?.dtstart).toBe(T('2030-05-01T12:00:00Z'));
    expect(report?.createdDateTime).toBe(T('2030-05-01T12:00:20.654Z'));
    expect(report?.intervals).toEqual([
      {
        dtstart: T('2030-05-01T12:00:00Z'),
        payloads: [
          {
            type: 'oadrReportPayload',
            rID: 'device001_energy',
            payloadBase: { type: 'payloadFloat', value: '1.2345' },
          },
        ],
      },
      {
        dtstart: T('2030-05-01T12:00:10Z'),
        payloads: [
          {
            type: 'oadrReportPayload',
            rID: 'device001_power',
            payloadBase: { type: 'payloadFloat', value: '-2.5' },
            oadrDataQuality: 'Quality Good - Non Specific',
          },
        ],
      },
    ]);
  });

  it('CMP-14: create_opt with a trailing space in createdDateTime; cancel_opt with an empty requestID', () => {
    const create = payload('oadrCreateOpt.xml', 'oadrCreateOpt');
    expect(create.createdDateTime).toBe(T('2030-05-01T12:00:00Z'));
    expect(create.qualifiedEventID).toEqual({ eventID: '123', modificationNumber: 0 });
    expect(create.eiTarget).toEqual({ venID: ['123'] });
    expect(payload('oadrCancelOpt.xml', 'oadrCancelOpt')).toEqual({
      type: 'oadrCancelOpt',
      requestID: '',
      optID: 'opt-123',
      venID: '123',
    });
  });

  it('RID-2/CMP-11: poll and acks (empty self-closing requestID, unused xmlns:xs)', () => {
    expect(payload('oadrPoll.xml', 'oadrPoll')).toEqual({ type: 'oadrPoll', venID: '123' });
    expect(payload('oadrResponse.xml', 'oadrResponse').eiResponse.requestID).toBe('');
    expect(payload('oadrCanceledPartyRegistration.xml', 'oadrCanceledPartyRegistration').registrationID).toBe(
      'reg-123',
    );
    expect(payload('oadrRegisteredReport.xml', 'oadrRegisteredReport').oadrReportRequest).toBeUndefined();
  });

  it('SEC-5/XML-4: a signed message (ds:Signature with a ReplayProtect object) is accepted and read as if unsigned', () => {
    const signed = read('signed-oadrPoll.xml');
    expect(signed.signed).toBe(true);
    expect(signed.payload).toEqual(read('oadrPoll.xml').payload);
    expect(read('oadrPoll.xml').signed).toBe(false);
  });
});
