/**
 * Typed payloads → XML text that follows the XSD sequences (XW-1, XW-2, XW-3): every element prefixed
 * with the §2.3 prefixes, optional elements without a value left out, no pretty-printing, and the same
 * payload always gives the same bytes.
 */
import { escapeAttribute, escapeText, readXml, XmlReadError } from '@flexgrid/xml';
import { ATOM_NS, WRITTEN_PREFIXES } from '../namespaces';
import { formatDateTime, formatDecimal, formatDuration, type Instant, OadrDataError } from '../values';
import { OADR_XML_LIMITS } from '../xml-limits';
import type {
  EiEvent,
  EiResponse,
  EiTarget,
  EventResponse,
  FeatureCollection,
  Interval,
  ItemBase,
  LoadControlStateValue,
  OadrCancelReport,
  OadrInfo,
  OadrPayload,
  OadrReport,
  OadrReportDescription,
  OadrReportRequest,
  PayloadBase,
  Properties,
  QualifiedEventID,
  StreamPayload,
} from './types';

const ROOT_OPEN = `<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload${WRITTEN_PREFIXES.map(([p, uri]) => ` xmlns:${p}="${uri}"`).join('')}><oadr:oadrSignedObject oadr:Id="oadrSignedObject">`;
const ROOT_CLOSE = '</oadr:oadrSignedObject></oadr:oadrPayload>';

/** Green Button content is carried as XML text; it must be one atom:feed element. */
function feed(xml: string): string {
  try {
    const { root } = readXml(xml, OADR_XML_LIMITS);
    if (root.ns === ATOM_NS && root.local === 'feed') return xml.replace(/^<\?xml[^>]*\?>/, '');
  } catch (error) {
    if (!(error instanceof XmlReadError)) throw error;
  }
  throw new OadrDataError('Green Button content must be a well-formed atom:feed element');
}

/** `<name>text</name>`, or `<name/>` for the empty string (XW-2). */
function leaf(name: string, value: string): string {
  return value === '' ? `<${name}/>` : `<${name}>${escapeText(value)}</${name}>`;
}

function optLeaf(name: string, value: string | undefined): string {
  return value === undefined ? '' : leaf(name, value);
}

function node(name: string, content: string): string {
  return content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

function each<T>(items: readonly T[] | undefined, render: (item: T) => string): string {
  if (!items) return '';
  let out = '';
  for (const item of items) out += render(item);
  return out;
}

function unsignedInt(value: number, max = 4_294_967_295): string {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new OadrDataError(`${value} is not an integer in 0…${max}`);
  return String(value);
}

function bool(value: boolean): string {
  return value ? 'true' : 'false';
}

/**
 * Enumerations that admit extensions (signal and report names, report and reading types, opt reasons,
 * data qualities) take them as EiExtensionTokenType `x-\S.*`; the types allow any `x-` text.
 */
function extensible(value: string): string {
  if (value.startsWith('x-') && !/^x-\S/.test(value))
    throw new OadrDataError(`'${value}' is not an extension token (x- and then a non-space)`);
  return value;
}

function responseCode(code: string): string {
  if (!/^[0-9]{3}$/.test(code)) throw new OadrDataError(`response code '${code}' is not three digits`);
  return code;
}

const dateTime = (name: string, instant: Instant): string => leaf(name, formatDateTime(instant));
const dtstart = (instant: Instant): string => `<xcal:dtstart>${dateTime('xcal:date-time', instant)}</xcal:dtstart>`;
const durationProp = (name: string, seconds: number): string =>
  `<${name}>${leaf('xcal:duration', formatDuration(seconds))}</${name}>`;

function eiResponse(r: EiResponse): string {
  return `<ei:eiResponse>${leaf('ei:responseCode', responseCode(r.responseCode))}${optLeaf('ei:responseDescription', r.responseDescription)}${leaf('pyld:requestID', r.requestID)}</ei:eiResponse>`;
}

function properties(p: Properties): string {
  let out = dtstart(p.dtstart) + durationProp('xcal:duration', p.duration);
  if (p.tolerance) {
    const startafter =
      p.tolerance.startafter === undefined ? '' : leaf('xcal:startafter', formatDuration(p.tolerance.startafter));
    out += `<xcal:tolerance>${node('xcal:tolerate', startafter)}</xcal:tolerance>`;
  }
  if (p.notification !== undefined) out += durationProp('ei:x-eiNotification', p.notification);
  if (p.rampUp !== undefined) out += durationProp('ei:x-eiRampUp', p.rampUp);
  if (p.recovery !== undefined) out += durationProp('ei:x-eiRecovery', p.recovery);
  return `<xcal:properties>${out}</xcal:properties>`;
}

function qualifiedEventID(q: QualifiedEventID): string {
  return `<ei:qualifiedEventID>${leaf('ei:eventID', q.eventID)}${leaf('ei:modificationNumber', unsignedInt(q.modificationNumber))}</ei:qualifiedEventID>`;
}

function featureCollection(f: FeatureCollection): string {
  const id = (value: string | undefined): string => (value === undefined ? '' : ` gml:id="${escapeAttribute(value)}"`);
  const posList = f.location.polygon.exterior.linearRing.posList.map((v) => formatDecimal(v)).join(' ');
  return (
    `<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"${id(f.id)}><gml:location><gml:Polygon${id(f.location.polygon.id)}>` +
    `<gml:exterior><gml:LinearRing>${leaf('gml:posList', posList)}</gml:LinearRing></gml:exterior></gml:Polygon></gml:location></gml:FeatureCollection>`
  );
}

/** The content of an EiTargetType element (ei:eiTarget, oadr:oadrDeviceClass, ei:reportSubject, ei:reportDataSource). */
function target(name: string, t: EiTarget): string {
  const wrapped = (outer: string, inner: string) => (value: string) => `<${outer}>${leaf(inner, value)}</${outer}>`;
  const content =
    each(t.aggregatedPnode, wrapped('power:aggregatedPnode', 'power:node')) +
    each(t.endDeviceAsset, wrapped('power:endDeviceAsset', 'power:mrid')) +
    each(t.meterAsset, wrapped('power:meterAsset', 'power:mrid')) +
    each(t.pnode, wrapped('power:pnode', 'power:node')) +
    each(t.serviceArea, (f) => `<emix:serviceArea>${featureCollection(f)}</emix:serviceArea>`) +
    each(t.serviceDeliveryPoint, wrapped('power:serviceDeliveryPoint', 'power:node')) +
    each(t.serviceLocation, (f) => `<power:serviceLocation>${featureCollection(f)}</power:serviceLocation>`) +
    each(
      t.transportInterface,
      (i) =>
        `<power:transportInterface>${leaf('power:pointOfReceipt', i.pointOfReceipt)}${leaf('power:pointOfDelivery', i.pointOfDelivery)}</power:transportInterface>`,
    ) +
    each(t.groupID, (v) => leaf('ei:groupID', v)) +
    each(t.groupName, (v) => leaf('ei:groupName', v)) +
    each(t.resourceID, (v) => leaf('ei:resourceID', v)) +
    each(t.venID, (v) => leaf('ei:venID', v)) +
    each(t.partyID, (v) => leaf('ei:partyID', v));
  return node(name, content);
}

/** Namespace prefix of each itemBase member. */
const ITEM_BASE_PREFIX: Record<ItemBase['type'], 'power' | 'oadr'> = {
  powerReal: 'power',
  powerApparent: 'power',
  powerReactive: 'power',
  energyReal: 'power',
  energyApparent: 'power',
  energyReactive: 'power',
  voltage: 'power',
  currency: 'oadr',
  currencyPerKWh: 'oadr',
  currencyPerKW: 'oadr',
  currencyPerThm: 'oadr',
  customUnit: 'oadr',
  current: 'oadr',
  frequency: 'oadr',
  Therm: 'oadr',
  temperature: 'oadr',
  pulseCount: 'oadr',
  oadrGBDataDescription: 'oadr',
};

function itemBase(i: ItemBase): string {
  const prefix = ITEM_BASE_PREFIX[i.type];
  const name = `${prefix}:${i.type}`;
  if (i.type === 'oadrGBDataDescription') return `<${name}>${feed(i.feed)}</${name}>`;
  let out = leaf(`${prefix}:itemDescription`, i.itemDescription) + leaf(`${prefix}:itemUnits`, i.itemUnits);
  if (i.type === 'pulseCount') out += leaf('oadr:pulseFactor', formatDecimal(i.pulseFactor));
  else out += leaf('scale:siScaleCode', i.siScaleCode);
  if (i.type === 'powerReal' || i.type === 'powerApparent' || i.type === 'powerReactive') {
    const a = i.powerAttributes;
    out += `<power:powerAttributes>${leaf('power:hertz', formatDecimal(a.hertz))}${leaf('power:voltage', formatDecimal(a.voltage))}${leaf('power:ac', bool(a.ac))}</power:powerAttributes>`;
  }
  return `<${name}>${out}</${name}>`;
}

function loadControlValue(name: string, v: LoadControlStateValue | undefined): string {
  if (!v) return '';
  const opt = (n: string, value: string | undefined) => (value === undefined ? '' : leaf(n, formatDecimal(value)));
  return `<${name}>${opt('oadr:oadrMin', v.oadrMin)}${opt('oadr:oadrMax', v.oadrMax)}${leaf('oadr:oadrCurrent', formatDecimal(v.oadrCurrent))}${opt('oadr:oadrNormal', v.oadrNormal)}</${name}>`;
}

function payloadBase(p: PayloadBase): string {
  if (p.type === 'payloadFloat')
    return `<ei:payloadFloat>${leaf('ei:value', formatDecimal(p.value))}</ei:payloadFloat>`;
  const s = p.oadrLoadControlState;
  const state = s
    ? node(
        'oadr:oadrLoadControlState',
        loadControlValue('oadr:oadrCapacity', s.oadrCapacity) +
          loadControlValue('oadr:oadrLevelOffset', s.oadrLevelOffset) +
          loadControlValue('oadr:oadrPercentOffset', s.oadrPercentOffset) +
          loadControlValue('oadr:oadrSetPoint', s.oadrSetPoint),
      )
    : '';
  return `<oadr:oadrPayloadResourceStatus>${leaf('oadr:oadrOnline', bool(p.oadrOnline))}${leaf('oadr:oadrManualOverride', bool(p.oadrManualOverride))}${state}</oadr:oadrPayloadResourceStatus>`;
}

function streamPayload(p: StreamPayload): string {
  switch (p.type) {
    case 'signalPayload':
      return `<ei:signalPayload>${payloadBase(p.payloadBase)}</ei:signalPayload>`;
    case 'oadrGBPayload':
      return `<oadr:oadrGBPayload>${feed(p.feed)}</oadr:oadrGBPayload>`;
    case 'oadrReportPayload':
      return (
        `<oadr:oadrReportPayload>${leaf('ei:rID', p.rID)}` +
        (p.confidence === undefined ? '' : leaf('ei:confidence', unsignedInt(p.confidence, 100))) +
        (p.accuracy === undefined ? '' : leaf('ei:accuracy', formatDecimal(p.accuracy))) +
        payloadBase(p.payloadBase) +
        optLeaf('oadr:oadrDataQuality', p.oadrDataQuality && extensible(p.oadrDataQuality)) +
        '</oadr:oadrReportPayload>'
      );
  }
}

function intervals(list: readonly Interval[]): string {
  if (list.length === 0) throw new OadrDataError('strm:intervals needs at least one interval');
  return `<strm:intervals>${each(list, (i) => {
    if (i.payloads.length === 0) throw new OadrDataError('an interval needs at least one payload');
    return (
      '<ei:interval>' +
      (i.dtstart === undefined ? '' : dtstart(i.dtstart)) +
      (i.duration === undefined ? '' : durationProp('xcal:duration', i.duration)) +
      (i.uid === undefined ? '' : `<xcal:uid>${leaf('xcal:text', i.uid)}</xcal:uid>`) +
      each(i.payloads, streamPayload) +
      '</ei:interval>'
    );
  })}</strm:intervals>`;
}

function eiEvent(e: EiEvent): string {
  const d = e.eventDescriptor;
  const descriptor =
    leaf('ei:eventID', d.eventID) +
    leaf('ei:modificationNumber', unsignedInt(d.modificationNumber)) +
    (d.modificationDateTime === undefined ? '' : dateTime('ei:modificationDateTime', d.modificationDateTime)) +
    optLeaf('ei:modificationReason', d.modificationReason) +
    (d.priority === undefined ? '' : leaf('ei:priority', unsignedInt(d.priority))) +
    `<ei:eiMarketContext>${leaf('emix:marketContext', d.marketContext)}</ei:eiMarketContext>` +
    dateTime('ei:createdDateTime', d.createdDateTime) +
    leaf('ei:eventStatus', d.eventStatus) +
    (d.testEvent === undefined ? '' : leaf('ei:testEvent', bool(d.testEvent))) +
    optLeaf('ei:vtnComment', d.vtnComment);
  const signals = each(
    e.eiEventSignals.eiEventSignal,
    (s) =>
      '<ei:eiEventSignal>' +
      intervals(s.intervals) +
      (s.eiTarget ? target('ei:eiTarget', s.eiTarget) : '') +
      leaf('ei:signalName', extensible(s.signalName)) +
      leaf('ei:signalType', s.signalType) +
      leaf('ei:signalID', s.signalID) +
      (s.itemBase ? itemBase(s.itemBase) : '') +
      (s.currentValue === undefined
        ? ''
        : `<ei:currentValue><ei:payloadFloat>${leaf('ei:value', formatDecimal(s.currentValue))}</ei:payloadFloat></ei:currentValue>`) +
      '</ei:eiEventSignal>',
  );
  const b = e.eiEventSignals.eiEventBaseline;
  const baseline = b
    ? '<ei:eiEventBaseline>' +
      dtstart(b.dtstart) +
      durationProp('xcal:duration', b.duration) +
      intervals(b.intervals) +
      leaf('ei:baselineID', b.baselineID) +
      each(b.resourceID, (r) => leaf('ei:resourceID', r)) +
      leaf('ei:baselineName', b.baselineName) +
      (b.itemBase ? itemBase(b.itemBase) : '') +
      '</ei:eiEventBaseline>'
    : '';
  if (e.eiEventSignals.eiEventSignal.length === 0) throw new OadrDataError('an event needs at least one signal');
  return (
    `<ei:eiEvent><ei:eventDescriptor>${descriptor}</ei:eventDescriptor>` +
    `<ei:eiActivePeriod>${properties(e.eiActivePeriod)}<xcal:components/></ei:eiActivePeriod>` +
    `<ei:eiEventSignals>${signals}${baseline}</ei:eiEventSignals>${target('ei:eiTarget', e.eiTarget)}</ei:eiEvent>`
  );
}

function eventResponse(r: EventResponse): string {
  return (
    `<ei:eventResponse>${leaf('ei:responseCode', responseCode(r.responseCode))}${optLeaf('ei:responseDescription', r.responseDescription)}` +
    `${leaf('pyld:requestID', r.requestID)}${qualifiedEventID(r.qualifiedEventID)}${leaf('ei:optType', r.optType)}</ei:eventResponse>`
  );
}

function reportRequest(r: OadrReportRequest): string {
  const s = r.reportSpecifier;
  if (s.specifierPayload.length === 0)
    throw new OadrDataError('a report specifier needs at least one specifierPayload');
  return (
    `<oadr:oadrReportRequest>${leaf('ei:reportRequestID', r.reportRequestID)}<ei:reportSpecifier>` +
    leaf('ei:reportSpecifierID', s.reportSpecifierID) +
    durationProp('xcal:granularity', s.granularity) +
    durationProp('ei:reportBackDuration', s.reportBackDuration) +
    (s.reportInterval ? `<ei:reportInterval>${properties(s.reportInterval)}</ei:reportInterval>` : '') +
    each(
      s.specifierPayload,
      (p) =>
        `<ei:specifierPayload>${leaf('ei:rID', p.rID)}${p.itemBase ? itemBase(p.itemBase) : ''}${leaf('ei:readingType', extensible(p.readingType))}</ei:specifierPayload>`,
    ) +
    '</ei:reportSpecifier></oadr:oadrReportRequest>'
  );
}

function reportDescription(d: OadrReportDescription): string {
  const rate = d.oadrSamplingRate;
  return (
    '<oadr:oadrReportDescription>' +
    leaf('ei:rID', d.rID) +
    (d.reportSubject ? target('ei:reportSubject', d.reportSubject) : '') +
    (d.reportDataSource ? target('ei:reportDataSource', d.reportDataSource) : '') +
    leaf('ei:reportType', extensible(d.reportType)) +
    (d.itemBase ? itemBase(d.itemBase) : '') +
    leaf('ei:readingType', extensible(d.readingType)) +
    optLeaf('emix:marketContext', d.marketContext) +
    (rate
      ? `<oadr:oadrSamplingRate>${leaf('oadr:oadrMinPeriod', formatDuration(rate.oadrMinPeriod))}${leaf('oadr:oadrMaxPeriod', formatDuration(rate.oadrMaxPeriod))}${leaf('oadr:oadrOnChange', bool(rate.oadrOnChange))}</oadr:oadrSamplingRate>`
      : '') +
    '</oadr:oadrReportDescription>'
  );
}

function report(r: OadrReport): string {
  return (
    '<oadr:oadrReport>' +
    (r.dtstart === undefined ? '' : dtstart(r.dtstart)) +
    (r.duration === undefined ? '' : durationProp('xcal:duration', r.duration)) +
    (r.intervals ? intervals(r.intervals) : '') +
    optLeaf('ei:eiReportID', r.eiReportID) +
    each(r.oadrReportDescription, reportDescription) +
    leaf('ei:reportRequestID', r.reportRequestID) +
    leaf('ei:reportSpecifierID', r.reportSpecifierID) +
    optLeaf('ei:reportName', r.reportName && extensible(r.reportName)) +
    dateTime('ei:createdDateTime', r.createdDateTime) +
    '</oadr:oadrReport>'
  );
}

function cancelReport(c: Omit<OadrCancelReport, 'type'>): string {
  if (c.reportRequestID.length === 0) throw new OadrDataError('oadrCancelReport needs at least one reportRequestID');
  return (
    leaf('pyld:requestID', c.requestID) +
    each(c.reportRequestID, (id) => leaf('ei:reportRequestID', id)) +
    leaf('pyld:reportToFollow', bool(c.reportToFollow)) +
    optLeaf('ei:venID', c.venID)
  );
}

function info(i: OadrInfo): string {
  return `<oadr:oadrInfo>${leaf('oadr:oadrKey', i.oadrKey)}${leaf('oadr:oadrValue', i.oadrValue)}</oadr:oadrInfo>`;
}

function pendingReports(ids: readonly string[]): string {
  return node(
    'oadr:oadrPendingReports',
    each(ids, (id) => leaf('ei:reportRequestID', id)),
  );
}

/** The content of the payload element. */
function payloadContent(p: OadrPayload): string {
  switch (p.type) {
    case 'oadrDistributeEvent':
      return (
        (p.eiResponse ? eiResponse(p.eiResponse) : '') +
        leaf('pyld:requestID', p.requestID) +
        leaf('ei:vtnID', p.vtnID) +
        each(
          p.oadrEvent,
          (e) =>
            `<oadr:oadrEvent>${eiEvent(e.eiEvent)}${leaf('oadr:oadrResponseRequired', e.oadrResponseRequired)}</oadr:oadrEvent>`,
        )
      );
    case 'oadrCreatedEvent':
      return (
        `<pyld:eiCreatedEvent>${eiResponse(p.eiResponse)}` +
        (p.eventResponses ? node('ei:eventResponses', each(p.eventResponses, eventResponse)) : '') +
        `${leaf('ei:venID', p.venID)}</pyld:eiCreatedEvent>`
      );
    case 'oadrRequestEvent':
      return `<pyld:eiRequestEvent>${leaf('pyld:requestID', p.requestID)}${leaf('ei:venID', p.venID)}${p.replyLimit === undefined ? '' : leaf('pyld:replyLimit', unsignedInt(p.replyLimit))}</pyld:eiRequestEvent>`;
    case 'oadrResponse':
      return eiResponse(p.eiResponse) + optLeaf('ei:venID', p.venID);
    case 'oadrCancelOpt':
      return leaf('pyld:requestID', p.requestID) + leaf('ei:optID', p.optID) + leaf('ei:venID', p.venID);
    case 'oadrCanceledOpt':
      return eiResponse(p.eiResponse) + optLeaf('ei:optID', p.optID);
    case 'oadrCreateOpt':
      return (
        leaf('ei:optID', p.optID) +
        leaf('ei:optType', p.optType) +
        leaf('ei:optReason', extensible(p.optReason)) +
        optLeaf('emix:marketContext', p.marketContext) +
        leaf('ei:venID', p.venID) +
        (p.vavailability
          ? `<xcal:vavailability>${node(
              'xcal:components',
              each(p.vavailability, (a) => `<xcal:available>${properties(a)}</xcal:available>`),
            )}</xcal:vavailability>`
          : '') +
        dateTime('ei:createdDateTime', p.createdDateTime) +
        leaf('pyld:requestID', p.requestID) +
        (p.qualifiedEventID ? qualifiedEventID(p.qualifiedEventID) : '') +
        target('ei:eiTarget', p.eiTarget) +
        (p.oadrDeviceClass ? target('oadr:oadrDeviceClass', p.oadrDeviceClass) : '')
      );
    case 'oadrCreatedOpt':
      return eiResponse(p.eiResponse) + leaf('ei:optID', p.optID);
    case 'oadrCancelReport':
      return cancelReport(p);
    case 'oadrCanceledReport':
    case 'oadrCreatedReport':
      return eiResponse(p.eiResponse) + pendingReports(p.oadrPendingReports) + optLeaf('ei:venID', p.venID);
    case 'oadrCreateReport':
      if (p.oadrReportRequest.length === 0)
        throw new OadrDataError('oadrCreateReport needs at least one oadrReportRequest');
      return (
        leaf('pyld:requestID', p.requestID) + each(p.oadrReportRequest, reportRequest) + optLeaf('ei:venID', p.venID)
      );
    case 'oadrRegisterReport':
      return (
        leaf('pyld:requestID', p.requestID) +
        each(p.oadrReport, report) +
        optLeaf('ei:venID', p.venID) +
        optLeaf('ei:reportRequestID', p.reportRequestID)
      );
    case 'oadrRegisteredReport':
      return eiResponse(p.eiResponse) + each(p.oadrReportRequest, reportRequest) + optLeaf('ei:venID', p.venID);
    case 'oadrUpdateReport':
      return leaf('pyld:requestID', p.requestID) + each(p.oadrReport, report) + optLeaf('ei:venID', p.venID);
    case 'oadrUpdatedReport':
      return (
        eiResponse(p.eiResponse) +
        (p.oadrCancelReport
          ? `<oadr:oadrCancelReport>${cancelReport(p.oadrCancelReport)}</oadr:oadrCancelReport>`
          : '') +
        optLeaf('ei:venID', p.venID)
      );
    case 'oadrCancelPartyRegistration':
      return (
        leaf('pyld:requestID', p.requestID) + leaf('ei:registrationID', p.registrationID) + optLeaf('ei:venID', p.venID)
      );
    case 'oadrCanceledPartyRegistration':
      return eiResponse(p.eiResponse) + optLeaf('ei:registrationID', p.registrationID) + optLeaf('ei:venID', p.venID);
    case 'oadrCreatePartyRegistration':
      return (
        leaf('pyld:requestID', p.requestID) +
        optLeaf('ei:registrationID', p.registrationID) +
        optLeaf('ei:venID', p.venID) +
        leaf('oadr:oadrProfileName', p.oadrProfileName) +
        leaf('oadr:oadrTransportName', p.oadrTransportName) +
        optLeaf('oadr:oadrTransportAddress', p.oadrTransportAddress) +
        leaf('oadr:oadrReportOnly', bool(p.oadrReportOnly)) +
        leaf('oadr:oadrXmlSignature', bool(p.oadrXmlSignature)) +
        optLeaf('oadr:oadrVenName', p.oadrVenName) +
        (p.oadrHttpPullModel === undefined ? '' : leaf('oadr:oadrHttpPullModel', bool(p.oadrHttpPullModel)))
      );
    case 'oadrCreatedPartyRegistration': {
      if (p.oadrProfiles.length === 0) throw new OadrDataError('oadrProfiles needs at least one oadrProfile');
      const profiles = each(p.oadrProfiles, (profile) => {
        if (profile.oadrTransports.length === 0) throw new OadrDataError('an oadrProfile needs at least one transport');
        const transports = each(
          profile.oadrTransports,
          (t) => `<oadr:oadrTransport>${leaf('oadr:oadrTransportName', t)}</oadr:oadrTransport>`,
        );
        return `<oadr:oadrProfile>${leaf('oadr:oadrProfileName', profile.oadrProfileName)}<oadr:oadrTransports>${transports}</oadr:oadrTransports></oadr:oadrProfile>`;
      });
      return (
        eiResponse(p.eiResponse) +
        optLeaf('ei:registrationID', p.registrationID) +
        optLeaf('ei:venID', p.venID) +
        leaf('ei:vtnID', p.vtnID) +
        `<oadr:oadrProfiles>${profiles}</oadr:oadrProfiles>` +
        (p.oadrRequestedOadrPollFreq === undefined
          ? ''
          : durationProp('oadr:oadrRequestedOadrPollFreq', p.oadrRequestedOadrPollFreq)) +
        (p.oadrServiceSpecificInfo
          ? node(
              'oadr:oadrServiceSpecificInfo',
              each(p.oadrServiceSpecificInfo, (svc) => {
                if (svc.oadrInfo.length === 0) throw new OadrDataError('an oadrService needs at least one oadrInfo');
                return `<oadr:oadrService>${leaf('oadr:oadrServiceName', svc.oadrServiceName)}${each(svc.oadrInfo, info)}</oadr:oadrService>`;
              }),
            )
          : '') +
        (p.oadrExtensions
          ? node(
              'oadr:oadrExtensions',
              each(
                p.oadrExtensions,
                (ext) =>
                  `<oadr:oadrExtension>${leaf('oadr:oadrExtensionName', ext.oadrExtensionName)}${each(ext.oadrInfo, info)}</oadr:oadrExtension>`,
              ),
            )
          : '')
      );
    }
    case 'oadrRequestReregistration':
    case 'oadrPoll':
      return leaf('ei:venID', p.venID);
    case 'oadrQueryRegistration':
      return leaf('pyld:requestID', p.requestID);
  }
}

/**
 * Writes a payload as a complete message (XW-1..3): the envelope, the signed object and the payload.
 * Throws OadrDataError or XmlWriteError when a value cannot be written (a negative duration, NaN, a
 * character XML forbids…).
 */
export function writeOadrPayload(p: OadrPayload): string {
  return `${ROOT_OPEN}<oadr:${p.type} ei:schemaVersion="2.0b">${payloadContent(p)}</oadr:${p.type}>${ROOT_CLOSE}`;
}
