/**
 * EiEvent (§5): oadrDistributeEvent, oadrCreatedEvent and oadrRequestEvent with their parts (events, signals,
 * baselines, event responses), read and written.
 */
import type { XmlElement } from '@flexgrid/xml';
import { EI_NS, EMIX_NS, OADR_NS, PYLD_NS, STRM_NS, XCAL_NS } from '../namespaces';
import { OadrDataError } from '../errors';
import {
  type DecimalText,
  formatDecimal,
  type Duration,
  type Instant,
  parseDateTime,
  parseDecimalText,
  parseTestEvent,
  parseUnsignedInt,
} from '../values';
import {
  type EiResponse,
  type EiTarget,
  type Extension,
  type Interval,
  type ItemBase,
  type OptType,
  type PayloadReader,
  type Properties,
  type QualifiedEventID,
  dateTimeXml,
  dtstartXml,
  durationPropXml,
  eiResponseXml,
  intervalsXml,
  itemBaseXml,
  propertiesXml,
  qualifiedEventIdXml,
  targetXml,
} from './common';
import {
  bool,
  each,
  extensible,
  leaf,
  list,
  node,
  optLeaf,
  optText,
  responseCode,
  Sequence,
  text,
  token,
  unsignedInt,
} from './elements';

export type EventStatus = 'none' | 'far' | 'near' | 'active' | 'completed' | 'cancelled';

export type ResponseRequired = 'always' | 'never';

export type SignalType =
  | 'delta'
  | 'level'
  | 'multiplier'
  | 'price'
  | 'priceMultiplier'
  | 'priceRelative'
  | 'setpoint'
  | 'x-loadControlCapacity'
  | 'x-loadControlLevelOffset'
  | 'x-loadControlPercentOffset'
  | 'x-loadControlSetpoint';

export type SignalName =
  | 'SIMPLE'
  | 'simple'
  | 'ELECTRICITY_PRICE'
  | 'ENERGY_PRICE'
  | 'DEMAND_CHARGE'
  | 'BID_PRICE'
  | 'BID_LOAD'
  | 'BID_ENERGY'
  | 'CHARGE_STATE'
  | 'LOAD_DISPATCH'
  | 'LOAD_CONTROL'
  | Extension;

export interface EiEventSignal {
  intervals: Interval[];
  eiTarget?: EiTarget;
  signalName: SignalName;
  signalType: SignalType;
  signalID: string;
  itemBase?: ItemBase;
  currentValue?: DecimalText;
}

export interface EiEventBaseline {
  dtstart: Instant;
  duration: Duration;
  intervals: Interval[];
  baselineID: string;
  resourceID?: string[];
  baselineName: string;
  itemBase?: ItemBase;
}

export interface EventDescriptor {
  eventID: string;
  modificationNumber: number;
  modificationDateTime?: Instant;
  modificationReason?: string;
  priority?: number;
  marketContext: string;
  createdDateTime: Instant;
  eventStatus: EventStatus;
  /** FMT-3: anything but `false` on the wire is a test event. */
  testEvent?: boolean;
  vtnComment?: string;
}

export interface EiEvent {
  eventDescriptor: EventDescriptor;
  /** ei:eiActivePeriod/xcal:properties (its empty xcal:components is implied). */
  eiActivePeriod: Properties;
  eiEventSignals: { eiEventSignal: EiEventSignal[]; eiEventBaseline?: EiEventBaseline };
  eiTarget: EiTarget;
}

export interface OadrEvent {
  eiEvent: EiEvent;
  oadrResponseRequired: ResponseRequired;
}

export interface EventResponse {
  responseCode: string;
  responseDescription?: string;
  requestID: string;
  qualifiedEventID: QualifiedEventID;
  optType: OptType;
}

export interface OadrDistributeEvent {
  type: 'oadrDistributeEvent';
  eiResponse?: EiResponse;
  requestID: string;
  vtnID: string;
  oadrEvent?: OadrEvent[];
}

export interface OadrCreatedEvent {
  type: 'oadrCreatedEvent';
  eiResponse: EiResponse;
  /** Undefined when ei:eventResponses is absent. */
  eventResponses?: EventResponse[];
  venID: string;
}

export interface OadrRequestEvent {
  type: 'oadrRequestEvent';
  requestID: string;
  venID: string;
  replyLimit?: number;
}

/** The EiEvent payloads. */
export type EventPayload = OadrDistributeEvent | OadrCreatedEvent | OadrRequestEvent;

// ---- reading ----------------------------------------------------------------------------------

/** A schema-valid EiEvent payload element as its typed payload. */
export function readEventPayload(reader: PayloadReader, el: XmlElement): EventPayload {
  const s = Sequence.of(el);
  const type = el.local as EventPayload['type'];
  switch (type) {
    case 'oadrDistributeEvent': {
      const response = s.optional(EI_NS, 'eiResponse');
      const req = text(s.required(PYLD_NS, 'requestID'));
      const vtnID = text(s.required(EI_NS, 'vtnID'));
      const events = list(
        s.many(OADR_NS, 'oadrEvent').map((e) => {
          const es = Sequence.of(e);
          const eiEvent = readEiEvent(reader, es.required(EI_NS, 'eiEvent'));
          return {
            eiEvent,
            oadrResponseRequired: token<'always' | 'never'>(es.required(OADR_NS, 'oadrResponseRequired')),
          };
        }),
      );
      return {
        type,
        ...(response && { eiResponse: reader.eiResponse(response) }),
        requestID: req,
        vtnID,
        ...(events && { oadrEvent: events }),
      };
    }
    case 'oadrCreatedEvent': {
      const c = Sequence.of(s.required(PYLD_NS, 'eiCreatedEvent'));
      const response = reader.eiResponse(c.required(EI_NS, 'eiResponse'));
      const responses = c.optional(EI_NS, 'eventResponses');
      const eventResponses = responses
        ? Sequence.of(responses)
            .many(EI_NS, 'eventResponse')
            .map((r) => readEventResponse(reader, r))
        : undefined;
      return {
        type,
        eiResponse: response,
        ...(eventResponses && { eventResponses }),
        venID: text(c.required(EI_NS, 'venID')),
      };
    }
    case 'oadrRequestEvent': {
      const r = Sequence.of(s.required(PYLD_NS, 'eiRequestEvent'));
      const req = text(r.required(PYLD_NS, 'requestID'));
      const ven = text(r.required(EI_NS, 'venID'));
      const replyLimit = r.optional(PYLD_NS, 'replyLimit');
      return {
        type,
        requestID: req,
        venID: ven,
        ...(replyLimit && { replyLimit: parseUnsignedInt(replyLimit.text) }),
      };
    }
  }
}

function readEventSignal(reader: PayloadReader, el: XmlElement): EiEventSignal {
  const s = Sequence.of(el);
  const intervals = reader.intervals(s.required(STRM_NS, 'intervals'));
  const eiTarget = s.optional(EI_NS, 'eiTarget');
  const signalName = token<SignalName>(s.required(EI_NS, 'signalName'));
  const signalType = token<SignalType>(s.required(EI_NS, 'signalType'));
  const signalID = text(s.required(EI_NS, 'signalID'));
  const itemBase = reader.optionalItemBase(s, { ns: EI_NS, local: 'currentValue' });
  const currentValue = s.optional(EI_NS, 'currentValue');
  return {
    intervals,
    ...(eiTarget && { eiTarget: reader.eiTarget(eiTarget) }),
    signalName,
    signalType,
    signalID,
    ...(itemBase && { itemBase }),
    ...(currentValue && {
      currentValue: parseDecimalText(
        Sequence.of(Sequence.of(currentValue).required(EI_NS, 'payloadFloat')).required(EI_NS, 'value').text,
      ),
    }),
  };
}

function readEiEvent(reader: PayloadReader, el: XmlElement): EiEvent {
  const s = Sequence.of(el);
  const d = Sequence.of(s.required(EI_NS, 'eventDescriptor'));
  const eventID = text(d.required(EI_NS, 'eventID'));
  const modificationNumber = parseUnsignedInt(d.required(EI_NS, 'modificationNumber').text);
  const modificationDateTime = d.optional(EI_NS, 'modificationDateTime');
  const modificationReason = d.optional(EI_NS, 'modificationReason');
  const priority = d.optional(EI_NS, 'priority');
  const marketContext = text(Sequence.of(d.required(EI_NS, 'eiMarketContext')).required(EMIX_NS, 'marketContext'));
  const createdDateTime = parseDateTime(d.required(EI_NS, 'createdDateTime').text);
  const eventStatus = token<EventStatus>(d.required(EI_NS, 'eventStatus'));
  const testEvent = d.optional(EI_NS, 'testEvent');
  const vtnComment = d.optional(EI_NS, 'vtnComment');
  const eiActivePeriod = reader.properties(
    Sequence.of(s.required(EI_NS, 'eiActivePeriod')).required(XCAL_NS, 'properties'),
  );
  const signals = Sequence.of(s.required(EI_NS, 'eiEventSignals'));
  const eiEventSignal = signals.many(EI_NS, 'eiEventSignal').map((e) => readEventSignal(reader, e));
  const baselineEl = signals.optional(EI_NS, 'eiEventBaseline');
  let eiEventBaseline: EiEventBaseline | undefined;
  if (baselineEl) {
    const b = Sequence.of(baselineEl);
    const dtstart = reader.dtstart(b.required(XCAL_NS, 'dtstart'));
    const duration = reader.durationProp(b.required(XCAL_NS, 'duration'));
    const intervals = reader.intervals(b.required(STRM_NS, 'intervals'));
    const baselineID = text(b.required(EI_NS, 'baselineID'));
    const resourceID = list(b.many(EI_NS, 'resourceID').map(text));
    const baselineName = text(b.required(EI_NS, 'baselineName'));
    const itemBase = b.peek() ? reader.itemBase(b.member()) : undefined;
    eiEventBaseline = {
      dtstart,
      duration,
      intervals,
      baselineID,
      ...(resourceID && { resourceID }),
      baselineName,
      ...(itemBase && { itemBase }),
    };
  }
  const eiTarget = reader.eiTarget(s.required(EI_NS, 'eiTarget'));
  return {
    eventDescriptor: {
      eventID,
      modificationNumber,
      ...(modificationDateTime && { modificationDateTime: parseDateTime(modificationDateTime.text) }),
      ...(modificationReason && { modificationReason: text(modificationReason) }),
      ...(priority && { priority: parseUnsignedInt(priority.text) }),
      marketContext,
      createdDateTime,
      eventStatus,
      ...(testEvent && { testEvent: parseTestEvent(testEvent.text) }),
      ...(vtnComment && { vtnComment: text(vtnComment) }),
    },
    eiActivePeriod,
    eiEventSignals: { eiEventSignal, ...(eiEventBaseline && { eiEventBaseline }) },
    eiTarget,
  };
}

function readEventResponse(reader: PayloadReader, el: XmlElement): EventResponse {
  const s = Sequence.of(el);
  const responseCode = text(s.required(EI_NS, 'responseCode'));
  const responseDescription = optText(s.optional(EI_NS, 'responseDescription'));
  const requestID = text(s.required(PYLD_NS, 'requestID'));
  const qualifiedEventID = reader.qualifiedEventID(s.required(EI_NS, 'qualifiedEventID'));
  const optType = token<OptType>(s.required(EI_NS, 'optType'));
  return {
    responseCode,
    ...(responseDescription !== undefined && { responseDescription }),
    requestID,
    qualifiedEventID,
    optType,
  };
}

// ---- writing ----------------------------------------------------------------------------------

/** The content of an EiEvent payload element. */
export function eventPayloadXml(p: EventPayload): string {
  switch (p.type) {
    case 'oadrDistributeEvent':
      return (
        (p.eiResponse ? eiResponseXml(p.eiResponse) : '') +
        leaf('pyld:requestID', p.requestID) +
        leaf('ei:vtnID', p.vtnID) +
        each(
          p.oadrEvent,
          (e) =>
            `<oadr:oadrEvent>${eiEventXml(e.eiEvent)}${leaf('oadr:oadrResponseRequired', e.oadrResponseRequired)}</oadr:oadrEvent>`,
        )
      );
    case 'oadrCreatedEvent':
      return (
        `<pyld:eiCreatedEvent>${eiResponseXml(p.eiResponse)}` +
        (p.eventResponses ? node('ei:eventResponses', each(p.eventResponses, eventResponseXml)) : '') +
        `${leaf('ei:venID', p.venID)}</pyld:eiCreatedEvent>`
      );
    case 'oadrRequestEvent':
      return `<pyld:eiRequestEvent>${leaf('pyld:requestID', p.requestID)}${leaf('ei:venID', p.venID)}${p.replyLimit === undefined ? '' : leaf('pyld:replyLimit', unsignedInt(p.replyLimit))}</pyld:eiRequestEvent>`;
  }
}

function eiEventXml(e: EiEvent): string {
  const d = e.eventDescriptor;
  const descriptor =
    leaf('ei:eventID', d.eventID) +
    leaf('ei:modificationNumber', unsignedInt(d.modificationNumber)) +
    (d.modificationDateTime === undefined ? '' : dateTimeXml('ei:modificationDateTime', d.modificationDateTime)) +
    optLeaf('ei:modificationReason', d.modificationReason) +
    (d.priority === undefined ? '' : leaf('ei:priority', unsignedInt(d.priority))) +
    `<ei:eiMarketContext>${leaf('emix:marketContext', d.marketContext)}</ei:eiMarketContext>` +
    dateTimeXml('ei:createdDateTime', d.createdDateTime) +
    leaf('ei:eventStatus', d.eventStatus) +
    (d.testEvent === undefined ? '' : leaf('ei:testEvent', bool(d.testEvent))) +
    optLeaf('ei:vtnComment', d.vtnComment);
  const signals = each(
    e.eiEventSignals.eiEventSignal,
    (s) =>
      '<ei:eiEventSignal>' +
      intervalsXml(s.intervals) +
      (s.eiTarget ? targetXml('ei:eiTarget', s.eiTarget) : '') +
      leaf('ei:signalName', extensible(s.signalName)) +
      leaf('ei:signalType', s.signalType) +
      leaf('ei:signalID', s.signalID) +
      (s.itemBase ? itemBaseXml(s.itemBase) : '') +
      (s.currentValue === undefined
        ? ''
        : `<ei:currentValue><ei:payloadFloat>${leaf('ei:value', formatDecimal(s.currentValue))}</ei:payloadFloat></ei:currentValue>`) +
      '</ei:eiEventSignal>',
  );
  const b = e.eiEventSignals.eiEventBaseline;
  const baseline = b
    ? '<ei:eiEventBaseline>' +
      dtstartXml(b.dtstart) +
      durationPropXml('xcal:duration', b.duration) +
      intervalsXml(b.intervals) +
      leaf('ei:baselineID', b.baselineID) +
      each(b.resourceID, (r) => leaf('ei:resourceID', r)) +
      leaf('ei:baselineName', b.baselineName) +
      (b.itemBase ? itemBaseXml(b.itemBase) : '') +
      '</ei:eiEventBaseline>'
    : '';
  if (e.eiEventSignals.eiEventSignal.length === 0) throw new OadrDataError('an event needs at least one signal');
  return (
    `<ei:eiEvent><ei:eventDescriptor>${descriptor}</ei:eventDescriptor>` +
    `<ei:eiActivePeriod>${propertiesXml(e.eiActivePeriod)}<xcal:components/></ei:eiActivePeriod>` +
    `<ei:eiEventSignals>${signals}${baseline}</ei:eiEventSignals>${targetXml('ei:eiTarget', e.eiTarget)}</ei:eiEvent>`
  );
}

function eventResponseXml(r: EventResponse): string {
  return (
    `<ei:eventResponse>${leaf('ei:responseCode', responseCode(r.responseCode))}${optLeaf('ei:responseDescription', r.responseDescription)}` +
    `${leaf('pyld:requestID', r.requestID)}${qualifiedEventIdXml(r.qualifiedEventID)}${leaf('ei:optType', r.optType)}</ei:eventResponse>`
  );
}
