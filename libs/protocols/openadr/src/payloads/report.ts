/**
 * EiReport (§8): registering, requesting, updating and cancelling reports, with their parts (report requests
 * and specifiers, report descriptions, reports), read and written.
 */
import type { XmlElement } from '@flexgrid/xml';
import { EI_NS, EMIX_NS, OADR_NS, PYLD_NS, XCAL_NS, STRM_NS } from '../namespaces';
import { OadrDataError } from '../errors';
import { type Duration, formatDuration, type Instant, parseBoolean, parseDateTime } from '../values';
import {
  type EiResponse,
  type EiTarget,
  type Extension,
  type Interval,
  type ItemBase,
  type PayloadReader,
  type Properties,
  dateTimeXml,
  dtstartXml,
  durationPropXml,
  eiResponseXml,
  intervalsXml,
  itemBaseXml,
  optionalVenId,
  propertiesXml,
  targetXml,
} from './common';
import { bool, each, extensible, leaf, list, node, optLeaf, optText, Sequence, text, token } from './elements';

export type ReportName =
  | 'METADATA_HISTORY_USAGE'
  | 'HISTORY_USAGE'
  | 'METADATA_HISTORY_GREENBUTTON'
  | 'HISTORY_GREENBUTTON'
  | 'METADATA_TELEMETRY_USAGE'
  | 'TELEMETRY_USAGE'
  | 'METADATA_TELEMETRY_STATUS'
  | 'TELEMETRY_STATUS'
  | Extension;

export type ReportType =
  | 'reading'
  | 'usage'
  | 'demand'
  | 'setPoint'
  | 'deltaUsage'
  | 'deltaSetPoint'
  | 'deltaDemand'
  | 'baseline'
  | 'deviation'
  | 'avgUsage'
  | 'avgDemand'
  | 'operatingState'
  | 'upRegulationCapacityAvailable'
  | 'downRegulationCapacityAvailable'
  | 'regulationSetpoint'
  | 'storedEnergy'
  | 'targetEnergyStorage'
  | 'availableEnergyStorage'
  | 'price'
  | 'level'
  | 'powerFactor'
  | 'percentUsage'
  | 'percentDemand'
  | Extension;

export type ReadingType =
  | 'Direct Read'
  | 'Net'
  | 'Allocated'
  | 'Estimated'
  | 'Summed'
  | 'Derived'
  | 'Mean'
  | 'Peak'
  | 'Hybrid'
  | 'Contract'
  | 'Projected'
  | Extension;

export interface SpecifierPayload {
  rID: string;
  itemBase?: ItemBase;
  readingType: ReadingType;
}

export interface ReportSpecifier {
  reportSpecifierID: string;
  granularity: Duration;
  reportBackDuration: Duration;
  reportInterval?: Properties;
  specifierPayload: SpecifierPayload[];
}

export interface OadrReportRequest {
  reportRequestID: string;
  reportSpecifier: ReportSpecifier;
}

export interface SamplingRate {
  oadrMinPeriod: Duration;
  oadrMaxPeriod: Duration;
  oadrOnChange: boolean;
}

export interface OadrReportDescription {
  rID: string;
  reportSubject?: EiTarget;
  reportDataSource?: EiTarget;
  reportType: ReportType;
  itemBase?: ItemBase;
  readingType: ReadingType;
  marketContext?: string;
  oadrSamplingRate?: SamplingRate;
}

export interface OadrReport {
  dtstart?: Instant;
  duration?: Duration;
  /** Undefined when strm:intervals is absent. */
  intervals?: Interval[];
  eiReportID?: string;
  oadrReportDescription?: OadrReportDescription[];
  reportRequestID: string;
  reportSpecifierID: string;
  reportName?: ReportName;
  createdDateTime: Instant;
}

export interface OadrCancelReport {
  type: 'oadrCancelReport';
  requestID: string;
  /** One or more. */
  reportRequestID: string[];
  reportToFollow: boolean;
  venID?: string;
}

export interface OadrCanceledReport {
  type: 'oadrCanceledReport';
  eiResponse: EiResponse;
  oadrPendingReports: string[];
  venID?: string;
}

export interface OadrCreateReport {
  type: 'oadrCreateReport';
  requestID: string;
  /** One or more. */
  oadrReportRequest: OadrReportRequest[];
  venID?: string;
}

export interface OadrCreatedReport {
  type: 'oadrCreatedReport';
  eiResponse: EiResponse;
  oadrPendingReports: string[];
  venID?: string;
}

export interface OadrRegisterReport {
  type: 'oadrRegisterReport';
  requestID: string;
  oadrReport?: OadrReport[];
  venID?: string;
  reportRequestID?: string;
}

export interface OadrRegisteredReport {
  type: 'oadrRegisteredReport';
  eiResponse: EiResponse;
  oadrReportRequest?: OadrReportRequest[];
  venID?: string;
}

export interface OadrUpdateReport {
  type: 'oadrUpdateReport';
  requestID: string;
  oadrReport?: OadrReport[];
  venID?: string;
}

export interface OadrUpdatedReport {
  type: 'oadrUpdatedReport';
  eiResponse: EiResponse;
  oadrCancelReport?: Omit<OadrCancelReport, 'type'>;
  venID?: string;
}

/** The EiReport payloads. */
export type ReportPayload =
  | OadrCancelReport
  | OadrCanceledReport
  | OadrCreateReport
  | OadrCreatedReport
  | OadrRegisterReport
  | OadrRegisteredReport
  | OadrUpdateReport
  | OadrUpdatedReport;

// ---- reading ----------------------------------------------------------------------------------

/** A schema-valid EiReport payload element as its typed payload. */
export function readReportPayload(reader: PayloadReader, el: XmlElement): ReportPayload {
  const s = Sequence.of(el);
  const type = el.local as ReportPayload['type'];
  switch (type) {
    case 'oadrCancelReport':
      return { type, ...readCancelReportBody(reader, s) };
    case 'oadrCanceledReport':
    case 'oadrCreatedReport': {
      const response = reader.eiResponse(s.required(EI_NS, 'eiResponse'));
      const oadrPendingReports = Sequence.of(s.required(OADR_NS, 'oadrPendingReports'))
        .many(EI_NS, 'reportRequestID')
        .map(text);
      return { type, eiResponse: response, oadrPendingReports, ...optionalVenId(s) };
    }
    case 'oadrCreateReport': {
      const req = text(s.required(PYLD_NS, 'requestID'));
      const oadrReportRequest = s.many(OADR_NS, 'oadrReportRequest').map((r) => readReportRequest(reader, r));
      return { type, requestID: req, oadrReportRequest, ...optionalVenId(s) };
    }
    case 'oadrRegisterReport': {
      const req = text(s.required(PYLD_NS, 'requestID'));
      const reports = list(s.many(OADR_NS, 'oadrReport').map((r) => readReport(reader, r)));
      const ven = optionalVenId(s);
      const reportRequestID = optText(s.optional(EI_NS, 'reportRequestID'));
      return {
        type,
        requestID: req,
        ...(reports && { oadrReport: reports }),
        ...ven,
        ...(reportRequestID !== undefined && { reportRequestID }),
      };
    }
    case 'oadrRegisteredReport': {
      const response = reader.eiResponse(s.required(EI_NS, 'eiResponse'));
      const requests = list(s.many(OADR_NS, 'oadrReportRequest').map((r) => readReportRequest(reader, r)));
      return { type, eiResponse: response, ...(requests && { oadrReportRequest: requests }), ...optionalVenId(s) };
    }
    case 'oadrUpdateReport': {
      const req = text(s.required(PYLD_NS, 'requestID'));
      const reports = list(s.many(OADR_NS, 'oadrReport').map((r) => readReport(reader, r)));
      return { type, requestID: req, ...(reports && { oadrReport: reports }), ...optionalVenId(s) };
    }
    case 'oadrUpdatedReport': {
      const response = reader.eiResponse(s.required(EI_NS, 'eiResponse'));
      const cancel = s.optional(OADR_NS, 'oadrCancelReport');
      return {
        type,
        eiResponse: response,
        ...(cancel && { oadrCancelReport: readCancelReportBody(reader, Sequence.of(cancel)) }),
        ...optionalVenId(s),
      };
    }
  }
}

function readReportRequest(reader: PayloadReader, el: XmlElement): OadrReportRequest {
  const s = Sequence.of(el);
  const reportRequestID = text(s.required(EI_NS, 'reportRequestID'));
  const r = Sequence.of(s.required(EI_NS, 'reportSpecifier'));
  const reportSpecifierID = text(r.required(EI_NS, 'reportSpecifierID'));
  const granularity = reader.durationProp(r.required(XCAL_NS, 'granularity'));
  const reportBackDuration = reader.durationProp(r.required(EI_NS, 'reportBackDuration'));
  const interval = r.optional(EI_NS, 'reportInterval');
  const reportInterval = interval
    ? reader.properties(Sequence.of(interval).required(XCAL_NS, 'properties'))
    : undefined;
  const specifierPayload = r.many(EI_NS, 'specifierPayload').map((p) => {
    const ps = Sequence.of(p);
    const rID = text(ps.required(EI_NS, 'rID'));
    const itemBase = reader.optionalItemBase(ps, { ns: EI_NS, local: 'readingType' });
    const readingType = token<ReadingType>(ps.required(EI_NS, 'readingType'));
    return { rID, ...(itemBase && { itemBase }), readingType };
  });
  return {
    reportRequestID,
    reportSpecifier: {
      reportSpecifierID,
      granularity,
      reportBackDuration,
      ...(reportInterval && { reportInterval }),
      specifierPayload,
    },
  };
}

function readReportDescription(reader: PayloadReader, el: XmlElement): OadrReportDescription {
  const s = Sequence.of(el);
  const rID = text(s.required(EI_NS, 'rID'));
  const reportSubject = s.optional(EI_NS, 'reportSubject');
  const reportDataSource = s.optional(EI_NS, 'reportDataSource');
  const reportType = token<ReportType>(s.required(EI_NS, 'reportType'));
  const itemBase = reader.optionalItemBase(s, { ns: EI_NS, local: 'readingType' });
  const readingType = token<ReadingType>(s.required(EI_NS, 'readingType'));
  const marketContext = s.optional(EMIX_NS, 'marketContext');
  const rate = s.optional(OADR_NS, 'oadrSamplingRate');
  let oadrSamplingRate: OadrReportDescription['oadrSamplingRate'];
  if (rate) {
    const r = Sequence.of(rate);
    oadrSamplingRate = {
      oadrMinPeriod: reader.duration(r.required(OADR_NS, 'oadrMinPeriod')),
      oadrMaxPeriod: reader.duration(r.required(OADR_NS, 'oadrMaxPeriod')),
      oadrOnChange: parseBoolean(r.required(OADR_NS, 'oadrOnChange').text),
    };
  }
  return {
    rID,
    ...(reportSubject && { reportSubject: reader.eiTarget(reportSubject) }),
    ...(reportDataSource && { reportDataSource: reader.eiTarget(reportDataSource) }),
    reportType,
    ...(itemBase && { itemBase }),
    readingType,
    ...(marketContext && { marketContext: text(marketContext) }),
    ...(oadrSamplingRate && { oadrSamplingRate }),
  };
}

function readReport(reader: PayloadReader, el: XmlElement): OadrReport {
  const s = Sequence.of(el);
  const dtstart = s.optional(XCAL_NS, 'dtstart');
  const duration = s.optional(XCAL_NS, 'duration');
  const intervals = s.optional(STRM_NS, 'intervals');
  const eiReportID = s.optional(EI_NS, 'eiReportID');
  const descriptions = list(s.many(OADR_NS, 'oadrReportDescription').map((d) => readReportDescription(reader, d)));
  const reportRequestID = text(s.required(EI_NS, 'reportRequestID'));
  const reportSpecifierID = text(s.required(EI_NS, 'reportSpecifierID'));
  const reportName = s.optional(EI_NS, 'reportName');
  const createdDateTime = parseDateTime(s.required(EI_NS, 'createdDateTime').text);
  return {
    ...(dtstart && { dtstart: reader.dtstart(dtstart) }),
    ...(duration && { duration: reader.durationProp(duration) }),
    ...(intervals && { intervals: reader.intervals(intervals) }),
    ...(eiReportID && { eiReportID: text(eiReportID) }),
    ...(descriptions && { oadrReportDescription: descriptions }),
    reportRequestID,
    reportSpecifierID,
    ...(reportName && { reportName: token<ReportName>(reportName) }),
    createdDateTime,
  };
}

function readCancelReportBody(
  reader: PayloadReader,
  s: Sequence,
): {
  requestID: string;
  reportRequestID: string[];
  reportToFollow: boolean;
  venID?: string;
} {
  const requestID = text(s.required(PYLD_NS, 'requestID'));
  const reportRequestID = s.many(EI_NS, 'reportRequestID').map(text);
  const reportToFollow = parseBoolean(s.required(PYLD_NS, 'reportToFollow').text);
  const venID = optText(s.optional(EI_NS, 'venID'));
  return { requestID, reportRequestID, reportToFollow, ...(venID !== undefined && { venID }) };
}

// ---- writing ----------------------------------------------------------------------------------

/** The content of an EiReport payload element. */
export function reportPayloadXml(p: ReportPayload): string {
  switch (p.type) {
    case 'oadrCancelReport':
      return cancelReportXml(p);
    case 'oadrCanceledReport':
    case 'oadrCreatedReport':
      return eiResponseXml(p.eiResponse) + pendingReportsXml(p.oadrPendingReports) + optLeaf('ei:venID', p.venID);
    case 'oadrCreateReport':
      if (p.oadrReportRequest.length === 0)
        throw new OadrDataError('oadrCreateReport needs at least one oadrReportRequest');
      return (
        leaf('pyld:requestID', p.requestID) + each(p.oadrReportRequest, reportRequestXml) + optLeaf('ei:venID', p.venID)
      );
    case 'oadrRegisterReport':
      return (
        leaf('pyld:requestID', p.requestID) +
        each(p.oadrReport, reportXml) +
        optLeaf('ei:venID', p.venID) +
        optLeaf('ei:reportRequestID', p.reportRequestID)
      );
    case 'oadrRegisteredReport':
      return eiResponseXml(p.eiResponse) + each(p.oadrReportRequest, reportRequestXml) + optLeaf('ei:venID', p.venID);
    case 'oadrUpdateReport':
      return leaf('pyld:requestID', p.requestID) + each(p.oadrReport, reportXml) + optLeaf('ei:venID', p.venID);
    case 'oadrUpdatedReport':
      return (
        eiResponseXml(p.eiResponse) +
        (p.oadrCancelReport
          ? `<oadr:oadrCancelReport>${cancelReportXml(p.oadrCancelReport)}</oadr:oadrCancelReport>`
          : '') +
        optLeaf('ei:venID', p.venID)
      );
  }
}

function reportRequestXml(r: OadrReportRequest): string {
  const s = r.reportSpecifier;
  if (s.specifierPayload.length === 0)
    throw new OadrDataError('a report specifier needs at least one specifierPayload');
  return (
    `<oadr:oadrReportRequest>${leaf('ei:reportRequestID', r.reportRequestID)}<ei:reportSpecifier>` +
    leaf('ei:reportSpecifierID', s.reportSpecifierID) +
    durationPropXml('xcal:granularity', s.granularity) +
    durationPropXml('ei:reportBackDuration', s.reportBackDuration) +
    (s.reportInterval ? `<ei:reportInterval>${propertiesXml(s.reportInterval)}</ei:reportInterval>` : '') +
    each(
      s.specifierPayload,
      (p) =>
        `<ei:specifierPayload>${leaf('ei:rID', p.rID)}${p.itemBase ? itemBaseXml(p.itemBase) : ''}${leaf('ei:readingType', extensible(p.readingType))}</ei:specifierPayload>`,
    ) +
    '</ei:reportSpecifier></oadr:oadrReportRequest>'
  );
}

function reportDescriptionXml(d: OadrReportDescription): string {
  const rate = d.oadrSamplingRate;
  return (
    '<oadr:oadrReportDescription>' +
    leaf('ei:rID', d.rID) +
    (d.reportSubject ? targetXml('ei:reportSubject', d.reportSubject) : '') +
    (d.reportDataSource ? targetXml('ei:reportDataSource', d.reportDataSource) : '') +
    leaf('ei:reportType', extensible(d.reportType)) +
    (d.itemBase ? itemBaseXml(d.itemBase) : '') +
    leaf('ei:readingType', extensible(d.readingType)) +
    optLeaf('emix:marketContext', d.marketContext) +
    (rate
      ? `<oadr:oadrSamplingRate>${leaf('oadr:oadrMinPeriod', formatDuration(rate.oadrMinPeriod))}${leaf('oadr:oadrMaxPeriod', formatDuration(rate.oadrMaxPeriod))}${leaf('oadr:oadrOnChange', bool(rate.oadrOnChange))}</oadr:oadrSamplingRate>`
      : '') +
    '</oadr:oadrReportDescription>'
  );
}

function reportXml(r: OadrReport): string {
  return (
    '<oadr:oadrReport>' +
    (r.dtstart === undefined ? '' : dtstartXml(r.dtstart)) +
    (r.duration === undefined ? '' : durationPropXml('xcal:duration', r.duration)) +
    (r.intervals ? intervalsXml(r.intervals) : '') +
    optLeaf('ei:eiReportID', r.eiReportID) +
    each(r.oadrReportDescription, reportDescriptionXml) +
    leaf('ei:reportRequestID', r.reportRequestID) +
    leaf('ei:reportSpecifierID', r.reportSpecifierID) +
    optLeaf('ei:reportName', r.reportName && extensible(r.reportName)) +
    dateTimeXml('ei:createdDateTime', r.createdDateTime) +
    '</oadr:oadrReport>'
  );
}

function cancelReportXml(c: Omit<OadrCancelReport, 'type'>): string {
  if (c.reportRequestID.length === 0) throw new OadrDataError('oadrCancelReport needs at least one reportRequestID');
  return (
    leaf('pyld:requestID', c.requestID) +
    each(c.reportRequestID, (id) => leaf('ei:reportRequestID', id)) +
    leaf('pyld:reportToFollow', bool(c.reportToFollow)) +
    optLeaf('ei:venID', c.venID)
  );
}

function pendingReportsXml(ids: readonly string[]): string {
  return node(
    'oadr:oadrPendingReports',
    each(ids, (id) => leaf('ei:reportRequestID', id)),
  );
}
