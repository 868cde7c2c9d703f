/**
 * One rich and one minimal instance of every payload type, for round trips, XSD checks and the
 * cross-check corpus. The rich ones fill every optional element the type has.
 */
import { metadataReportRequest } from '../report/requests';
import type { EiEvent } from '../payloads/event';
import type { EiTarget, Interval, Properties } from '../payloads/common';
import type { OadrPayload, OadrPayloadType } from '../payloads/oadr-payload';
import type { OadrReport, OadrReportRequest } from '../payloads/report';

const T0 = Date.UTC(2030, 4, 1, 12, 0, 0, 0);
const FEED =
  '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi"><atom:id>urn:uuid:feed-1</atom:id>' +
  '<atom:title>usage</atom:title><atom:updated>2030-05-01T12:00:00Z</atom:updated><atom:entry><atom:id>urn:uuid:entry-1</atom:id>' +
  '<atom:title>block</atom:title><atom:updated>2030-05-01T12:00:00Z</atom:updated><atom:content><espi:IntervalBlock>' +
  '<espi:interval><espi:duration>3600</espi:duration><espi:start>1903456800</espi:start></espi:interval>' +
  '<espi:IntervalReading><espi:value>1200</espi:value></espi:IntervalReading></espi:IntervalBlock></atom:content></atom:entry></atom:feed>';

const fullTarget: EiTarget = {
  aggregatedPnode: ['apn-1'],
  endDeviceAsset: ['mrid-1', 'mrid-2'],
  meterAsset: ['meter-1'],
  pnode: ['pnode-1'],
  serviceArea: [
    {
      id: 'area1',
      location: {
        polygon: { id: 'poly1', exterior: { linearRing: { posList: ['52.1', '5.1', '52.2', '5.2', '52.1', '5.1'] } } },
      },
    },
  ],
  serviceDeliveryPoint: ['sdp-1'],
  serviceLocation: [{ location: { polygon: { exterior: { linearRing: { posList: ['1', '2'] } } } } }],
  transportInterface: [{ pointOfReceipt: 'por-1', pointOfDelivery: 'pod-1' }],
  groupID: ['group-1'],
  groupName: ['Group One'],
  resourceID: ['res-1', 'res-2'],
  venID: ['ven-1'],
  partyID: ['party-1'],
};

const properties: Properties = {
  dtstart: T0,
  duration: 5400,
  tolerance: { startafter: 120 },
  notification: 86_400,
  rampUp: 600,
  recovery: 900,
};

const eventIntervals: Interval[] = [
  {
    duration: 1800,
    uid: '0',
    payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '1' } }],
  },
  {
    duration: 1800,
    uid: '1',
    payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '2.5' } }],
  },
  {
    duration: 1800,
    uid: '2',
    payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '-1.5E-3' } }],
  },
];

const richEvent: EiEvent = {
  eventDescriptor: {
    eventID: 'event-1',
    modificationNumber: 3,
    modificationDateTime: T0 - 3_600_000,
    modificationReason: 'update <&> "quoted"',
    priority: 1,
    marketContext: 'http://flexgrid.local/programs/default',
    createdDateTime: T0 - 7_200_000,
    eventStatus: 'far',
    testEvent: false,
    vtnComment: 'a comment',
  },
  eiActivePeriod: properties,
  eiEventSignals: {
    eiEventSignal: [
      { intervals: eventIntervals, signalName: 'SIMPLE', signalType: 'level', signalID: 'signal-1', currentValue: '0' },
      {
        intervals: [
          {
            dtstart: T0,
            duration: 5400,
            uid: '0',
            payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '0.25' } }],
          },
        ],
        eiTarget: { resourceID: ['res-1'] },
        signalName: 'ELECTRICITY_PRICE',
        signalType: 'price',
        signalID: 'signal-2',
        itemBase: { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'EUR', siScaleCode: 'none' },
        currentValue: '0.25',
      },
      {
        intervals: [
          {
            duration: 5400,
            payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '5000' } }],
          },
        ],
        signalName: 'x-custom',
        signalType: 'setpoint',
        signalID: 'signal-3',
        itemBase: {
          type: 'powerReal',
          itemDescription: 'RealPower',
          itemUnits: 'W',
          siScaleCode: 'k',
          powerAttributes: { hertz: '50', voltage: '230', ac: true },
        },
      },
    ],
    eiEventBaseline: {
      dtstart: T0,
      duration: 5400,
      intervals: [
        {
          duration: 5400,
          uid: '0',
          payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '10' } }],
        },
      ],
      baselineID: 'baseline-1',
      resourceID: ['res-1'],
      baselineName: 'baseline',
      itemBase: { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'k' },
    },
  },
  eiTarget: fullTarget,
};

const reportRequest: OadrReportRequest = {
  reportRequestID: 'rr-1',
  reportSpecifier: {
    reportSpecifierID: 'spec-1',
    granularity: 60,
    reportBackDuration: 60,
    reportInterval: { dtstart: T0, duration: 3600 },
    specifierPayload: [
      { rID: 'r1', readingType: 'Direct Read' },
      {
        rID: 'r2',
        itemBase: { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'none' },
        readingType: 'x-notApplicable',
      },
    ],
  },
};

const metadataReport: OadrReport = {
  duration: 7200,
  eiReportID: 'report-meta-1',
  oadrReportDescription: [
    {
      rID: 'r1',
      reportSubject: { endDeviceAsset: ['mrid-1'] },
      reportDataSource: { resourceID: ['res-1'] },
      reportType: 'usage',
      itemBase: { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'none' },
      readingType: 'Direct Read',
      marketContext: 'http://flexgrid.local/programs/default',
      oadrSamplingRate: { oadrMinPeriod: 10, oadrMaxPeriod: 3600, oadrOnChange: false },
    },
    {
      rID: 'r2',
      reportType: 'x-resourceStatus',
      itemBase: { type: 'pulseCount', itemDescription: 'pulse count', itemUnits: 'count', pulseFactor: '0.001' },
      readingType: 'x-notApplicable',
    },
    {
      rID: 'r3',
      reportType: 'demand',
      itemBase: { type: 'voltage', itemDescription: 'Voltage', itemUnits: 'V', siScaleCode: 'none' },
      readingType: 'Mean',
    },
    {
      rID: 'r4',
      reportType: 'reading',
      itemBase: { type: 'temperature', itemDescription: 'temperature', itemUnits: 'celsius', siScaleCode: 'none' },
      readingType: 'Mean',
    },
    { rID: 'r5', reportType: 'reading', itemBase: { type: 'oadrGBDataDescription', feed: FEED }, readingType: 'Net' },
  ],
  reportRequestID: '0',
  reportSpecifierID: 'spec-1',
  reportName: 'METADATA_TELEMETRY_USAGE',
  createdDateTime: T0,
};

const dataReport: OadrReport = {
  dtstart: T0,
  duration: 120,
  intervals: [
    {
      dtstart: T0,
      duration: 60,
      uid: '0',
      payloads: [
        {
          type: 'oadrReportPayload',
          rID: 'r1',
          confidence: 100,
          accuracy: '0.5',
          payloadBase: { type: 'payloadFloat', value: '1.2345' },
          oadrDataQuality: 'Quality Good - Non Specific',
        },
        {
          type: 'oadrReportPayload',
          rID: 'r2',
          payloadBase: {
            type: 'oadrPayloadResourceStatus',
            oadrOnline: true,
            oadrManualOverride: false,
            oadrLoadControlState: {
              oadrCapacity: { oadrMin: '0', oadrMax: '1', oadrCurrent: '0.5', oadrNormal: '1' },
              oadrSetPoint: { oadrCurrent: '21' },
            },
          },
        },
      ],
    },
    { dtstart: T0 + 60_000, payloads: [{ type: 'oadrGBPayload', feed: FEED }] },
  ],
  eiReportID: 'report-1',
  reportRequestID: 'rr-1',
  reportSpecifierID: 'spec-1',
  reportName: 'TELEMETRY_USAGE',
  createdDateTime: T0 + 120_000,
};

const ok = (requestID: string) => ({ responseCode: '200', responseDescription: 'OK', requestID });

export const richSamples: Readonly<Record<OadrPayloadType, OadrPayload>> = {
  oadrDistributeEvent: {
    type: 'oadrDistributeEvent',
    eiResponse: ok('req-1'),
    requestID: 'dist-1',
    vtnID: 'FlexgridVTN',
    oadrEvent: [
      { eiEvent: richEvent, oadrResponseRequired: 'always' },
      {
        eiEvent: {
          ...richEvent,
          eventDescriptor: {
            ...richEvent.eventDescriptor,
            eventID: 'event-2',
            eventStatus: 'cancelled',
            testEvent: true,
          },
          eiTarget: { venID: ['ven-1'] },
        },
        oadrResponseRequired: 'never',
      },
    ],
  },
  oadrCreatedEvent: {
    type: 'oadrCreatedEvent',
    eiResponse: ok(''),
    eventResponses: [
      {
        responseCode: '200',
        responseDescription: 'OK',
        requestID: 'dist-1',
        qualifiedEventID: { eventID: 'event-1', modificationNumber: 3 },
        optType: 'optIn',
      },
      {
        responseCode: '460',
        requestID: 'dist-1',
        qualifiedEventID: { eventID: 'event-2', modificationNumber: 0 },
        optType: 'optOut',
      },
    ],
    venID: 'ven-1',
  },
  oadrRequestEvent: { type: 'oadrRequestEvent', requestID: 'req-2', venID: 'ven-1', replyLimit: 5 },
  oadrResponse: { type: 'oadrResponse', eiResponse: ok('req-3'), venID: 'ven-1' },
  oadrCancelOpt: { type: 'oadrCancelOpt', requestID: 'req-4', optID: 'opt-1', venID: 'ven-1' },
  oadrCanceledOpt: { type: 'oadrCanceledOpt', eiResponse: ok('req-4'), optID: 'opt-1' },
  oadrCreateOpt: {
    type: 'oadrCreateOpt',
    optID: 'opt-1',
    optType: 'optOut',
    optReason: 'x-schedule',
    marketContext: 'http://flexgrid.local/programs/default',
    venID: 'ven-1',
    vavailability: [properties, { dtstart: T0 + 86_400_000, duration: 3600 }],
    createdDateTime: T0,
    requestID: 'req-5',
    qualifiedEventID: { eventID: 'event-1', modificationNumber: 3 },
    eiTarget: fullTarget,
    oadrDeviceClass: { endDeviceAsset: ['Thermostat'] },
  },
  oadrCreatedOpt: { type: 'oadrCreatedOpt', eiResponse: ok('req-5'), optID: 'opt-1' },
  oadrCancelReport: {
    type: 'oadrCancelReport',
    requestID: 'req-6',
    reportRequestID: ['rr-1', 'rr-2'],
    reportToFollow: true,
    venID: 'ven-1',
  },
  oadrCanceledReport: {
    type: 'oadrCanceledReport',
    eiResponse: ok('req-6'),
    oadrPendingReports: ['rr-3'],
    venID: 'ven-1',
  },
  oadrCreateReport: {
    type: 'oadrCreateReport',
    requestID: 'req-7',
    oadrReportRequest: [reportRequest, { ...reportRequest, reportRequestID: 'rr-2' }],
    venID: 'ven-1',
  },
  oadrCreatedReport: {
    type: 'oadrCreatedReport',
    eiResponse: ok('req-7'),
    oadrPendingReports: ['rr-1', ''],
    venID: 'ven-1',
  },
  oadrRegisterReport: {
    type: 'oadrRegisterReport',
    requestID: 'req-8',
    oadrReport: [metadataReport],
    venID: 'ven-1',
    reportRequestID: 'rr-meta',
  },
  oadrRegisteredReport: {
    type: 'oadrRegisteredReport',
    eiResponse: ok('req-8'),
    oadrReportRequest: [reportRequest],
    venID: 'ven-1',
  },
  oadrUpdateReport: {
    type: 'oadrUpdateReport',
    requestID: 'req-9',
    oadrReport: [dataReport, { ...dataReport, eiReportID: 'report-2' }],
    venID: 'ven-1',
  },
  oadrUpdatedReport: {
    type: 'oadrUpdatedReport',
    eiResponse: ok('req-9'),
    oadrCancelReport: { requestID: 'req-10', reportRequestID: ['rr-1'], reportToFollow: false, venID: 'ven-1' },
    venID: 'ven-1',
  },
  oadrCancelPartyRegistration: {
    type: 'oadrCancelPartyRegistration',
    requestID: 'req-11',
    registrationID: 'reg-1',
    venID: 'ven-1',
  },
  oadrCanceledPartyRegistration: {
    type: 'oadrCanceledPartyRegistration',
    eiResponse: ok('req-11'),
    registrationID: 'reg-1',
    venID: 'ven-1',
  },
  oadrCreatePartyRegistration: {
    type: 'oadrCreatePartyRegistration',
    requestID: 'req-12',
    registrationID: 'reg-1',
    venID: 'ven-1',
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrTransportAddress: 'http://ven-1.local:8080',
    oadrReportOnly: false,
    oadrXmlSignature: false,
    oadrVenName: 'VEN One',
    oadrHttpPullModel: true,
  },
  oadrCreatedPartyRegistration: {
    type: 'oadrCreatedPartyRegistration',
    eiResponse: ok('req-12'),
    registrationID: 'reg-1',
    venID: 'ven-1',
    vtnID: 'FlexgridVTN',
    oadrProfiles: [
      { oadrProfileName: '2.0b', oadrTransports: ['simpleHttp', 'xmpp'] },
      { oadrProfileName: '2.0a', oadrTransports: ['simpleHttp'] },
    ],
    oadrRequestedOadrPollFreq: 10,
    oadrServiceSpecificInfo: [{ oadrServiceName: 'EiEvent', oadrInfo: [{ oadrKey: 'k', oadrValue: 'v' }] }],
    oadrExtensions: [
      { oadrExtensionName: 'ext', oadrInfo: [{ oadrKey: 'a', oadrValue: '' }] },
      { oadrExtensionName: 'bare' },
    ],
  },
  oadrRequestReregistration: { type: 'oadrRequestReregistration', venID: 'ven-1' },
  oadrQueryRegistration: { type: 'oadrQueryRegistration', requestID: 'req-13' },
  oadrPoll: { type: 'oadrPoll', venID: 'ven-1' },
};

/** Only what each type requires. */
export const minimalSamples: Readonly<Record<OadrPayloadType, OadrPayload>> = {
  oadrDistributeEvent: { type: 'oadrDistributeEvent', requestID: '', vtnID: 'FlexgridVTN' },
  oadrCreatedEvent: {
    type: 'oadrCreatedEvent',
    eiResponse: { responseCode: '200', requestID: '' },
    eventResponses: [],
    venID: 'ven-1',
  },
  oadrRequestEvent: { type: 'oadrRequestEvent', requestID: '', venID: 'ven-1' },
  oadrResponse: { type: 'oadrResponse', eiResponse: { responseCode: '200', requestID: '' } },
  oadrCancelOpt: { type: 'oadrCancelOpt', requestID: '', optID: 'opt-1', venID: 'ven-1' },
  oadrCanceledOpt: {
    type: 'oadrCanceledOpt',
    eiResponse: { responseCode: '452', responseDescription: 'INVALID_ID: unknown optID', requestID: '' },
  },
  oadrCreateOpt: {
    type: 'oadrCreateOpt',
    optID: 'opt-2',
    optType: 'optIn',
    optReason: 'participating',
    venID: 'ven-1',
    createdDateTime: T0,
    requestID: '',
    eiTarget: {},
  },
  oadrCreatedOpt: { type: 'oadrCreatedOpt', eiResponse: { responseCode: '200', requestID: '' }, optID: 'opt-2' },
  oadrCancelReport: { type: 'oadrCancelReport', requestID: '', reportRequestID: ['rr-1'], reportToFollow: false },
  oadrCanceledReport: {
    type: 'oadrCanceledReport',
    eiResponse: { responseCode: '200', requestID: '' },
    oadrPendingReports: [],
  },
  oadrCreateReport: {
    type: 'oadrCreateReport',
    requestID: '',
    oadrReportRequest: [metadataReportRequest('rr-m')],
  },
  oadrCreatedReport: {
    type: 'oadrCreatedReport',
    eiResponse: { responseCode: '200', requestID: '' },
    oadrPendingReports: [],
  },
  oadrRegisterReport: { type: 'oadrRegisterReport', requestID: '' },
  oadrRegisteredReport: { type: 'oadrRegisteredReport', eiResponse: { responseCode: '200', requestID: '' } },
  oadrUpdateReport: {
    type: 'oadrUpdateReport',
    requestID: '',
    oadrReport: [{ reportRequestID: 'rr-1', reportSpecifierID: 'spec-1', createdDateTime: T0 }],
  },
  oadrUpdatedReport: { type: 'oadrUpdatedReport', eiResponse: { responseCode: '200', requestID: '' } },
  oadrCancelPartyRegistration: { type: 'oadrCancelPartyRegistration', requestID: '', registrationID: 'reg-1' },
  oadrCanceledPartyRegistration: {
    type: 'oadrCanceledPartyRegistration',
    eiResponse: { responseCode: '200', requestID: '' },
  },
  oadrCreatePartyRegistration: {
    type: 'oadrCreatePartyRegistration',
    requestID: '',
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrReportOnly: false,
    oadrXmlSignature: false,
  },
  oadrCreatedPartyRegistration: {
    type: 'oadrCreatedPartyRegistration',
    eiResponse: { responseCode: '463', responseDescription: 'NOT_REGISTERED_OR_AUTHORIZED: refused', requestID: '' },
    vtnID: 'FlexgridVTN',
    oadrProfiles: [{ oadrProfileName: '2.0b', oadrTransports: ['simpleHttp'] }],
  },
  oadrRequestReregistration: { type: 'oadrRequestReregistration', venID: 'ven-1' },
  oadrQueryRegistration: { type: 'oadrQueryRegistration', requestID: '' },
  oadrPoll: { type: 'oadrPoll', venID: 'ven-1' },
};
