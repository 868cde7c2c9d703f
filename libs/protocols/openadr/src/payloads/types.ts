/**
 * The 23 payload types of OpenADR 2.0b profile B, both directions, in the protocol's own words.
 *
 * Property names are the XSD element names; `?` marks optional elements. A repeatable element is an
 * array: required when the XSD demands at least one, else optional and left out when there are none
 * (readers never produce empty optional arrays; writers treat `[]` like absent). Where an optional
 * container holds a list (`eventResponses`, `vavailability`, …), undefined means the container is absent
 * and `[]` that it is present but empty. Pure wrappers with one child are flattened:
 * `xcal:dtstart/xcal:date-time` is `dtstart`, `xcal:duration/xcal:duration` is `duration`,
 * `xcal:uid/xcal:text` is `uid`, `ei:eiMarketContext/emix:marketContext` is `marketContext`,
 * `strm:intervals/ei:interval` is `intervals`, `pyld:eiRequestEvent` and `pyld:eiCreatedEvent` are merged
 * into their payloads, and `x-eiNotification`, `x-eiRampUp`, `x-eiRecovery` are `notification`,
 * `rampUp`, `recovery`.
 */
import type { DecimalText, Duration, Instant } from '../values';

export type EventStatus = 'none' | 'far' | 'near' | 'active' | 'completed' | 'cancelled';
export type OptType = 'optIn' | 'optOut';
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
export type SiScaleCode = 'p' | 'n' | 'micro' | 'm' | 'c' | 'd' | 'none' | 'k' | 'M' | 'G' | 'T';
/** The EiExtensionTokenType pattern `x-\S.*` many enumerations admit. */
export type Extension = `x-${string}`;
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
export type OptReason =
  | 'economic'
  | 'emergency'
  | 'mustRun'
  | 'notParticipating'
  | 'outageRunStatus'
  | 'overrideStatus'
  | 'participating'
  | Extension;
export type DataQuality =
  | 'No Quality - No Value'
  | 'No New Value - Previous Value Used'
  | 'Quality Bad - Non Specific'
  | 'Quality Bad - Configuration Error'
  | 'Quality Bad - Not Connected'
  | 'Quality Bad - Device Failure'
  | 'Quality Bad - Sensor Failure'
  | 'Quality Bad - Last Known Value'
  | 'Quality Bad - Comm Failure'
  | 'Quality Bad - Out of Service'
  | 'Quality Uncertain - Non Specific'
  | 'Quality Uncertain - Last Usable Value'
  | 'Quality Uncertain - Sensor Not Accurate'
  | 'Quality Uncertain - EU Units Exceeded'
  | 'Quality Uncertain - Sub Normal'
  | 'Quality Good - Non Specific'
  | 'Quality Good - Local Override'
  | 'Quality Limit - Field/Not'
  | 'Quality Limit - Field/Low'
  | 'Quality Limit - Field/High'
  | 'Quality Limit - Field/Constant'
  | Extension;
export type ProfileName = '2.0a' | '2.0b';
export type TransportName = 'simpleHttp' | 'xmpp';
export type ServiceName = 'EiEvent' | 'EiOpt' | 'EiReport' | 'EiRegisterParty' | 'OadrPoll';

export interface EiResponse {
  /** Three digits (TR-5). */
  responseCode: string;
  responseDescription?: string;
  requestID: string;
}

/** xcal:properties: the period of an event, an availability or a report interval. */
export interface Properties {
  dtstart: Instant;
  duration: Duration;
  /** xcal:tolerance/xcal:tolerate; `{}` when the tolerance carries no startafter. */
  tolerance?: { startafter?: Duration };
  notification?: Duration;
  rampUp?: Duration;
  recovery?: Duration;
}

export interface QualifiedEventID {
  eventID: string;
  modificationNumber: number;
}

export interface TransportInterface {
  pointOfReceipt: string;
  pointOfDelivery: string;
}

/** gml:FeatureCollection as the schema profiles it: one polygon. */
export interface FeatureCollection {
  id?: string;
  location: { polygon: { id?: string; exterior: { linearRing: { posList: DecimalText[] } } } };
}

export interface EiTarget {
  aggregatedPnode?: string[];
  endDeviceAsset?: string[];
  meterAsset?: string[];
  pnode?: string[];
  serviceArea?: FeatureCollection[];
  serviceDeliveryPoint?: string[];
  serviceLocation?: FeatureCollection[];
  transportInterface?: TransportInterface[];
  groupID?: string[];
  groupName?: string[];
  resourceID?: string[];
  venID?: string[];
  partyID?: string[];
}

export interface PowerAttributes {
  hertz: DecimalText;
  voltage: DecimalText;
  ac: boolean;
}

/** A member of emix:itemBase whose description and unit the XSD fixes (or enumerates) as D and U. */
interface ScaledItem<T extends string, D extends string, U extends string> {
  type: T;
  itemDescription: D;
  itemUnits: U;
  siScaleCode: SiScaleCode;
}

type PowerItem<T extends string, D extends string, U extends string> = ScaledItem<T, D, U> & {
  powerAttributes: PowerAttributes;
};

/**
 * Members of the emix:itemBase substitution group (the unit of a signal or a report data point). Where
 * the XSD fixes a description or a unit, the type does too, so every itemBase written is XSD-valid.
 */
export type ItemBase =
  | PowerItem<'powerReal', 'RealPower', 'W' | 'J/s'>
  | PowerItem<'powerApparent', 'ApparentPower', 'VA'>
  | PowerItem<'powerReactive', 'ReactivePower', 'VAR'>
  | ScaledItem<'energyReal', 'RealEnergy', 'Wh'>
  | ScaledItem<'energyApparent', 'ApparentEnergy', 'VAh'>
  | ScaledItem<'energyReactive', 'ReactiveEnergy', 'VARh'>
  | ScaledItem<'voltage', 'Voltage', 'V'>
  /** itemUnits: an ISO 4217 code. */
  | ScaledItem<
      'currency' | 'currencyPerKWh' | 'currencyPerKW' | 'currencyPerThm',
      'currency' | 'currencyPerKWh' | 'currencyPerKW',
      string
    >
  | ScaledItem<'customUnit', string, string>
  | ScaledItem<'current', 'Current', 'A'>
  | ScaledItem<'frequency', 'Frequency', 'Hz'>
  | ScaledItem<'Therm', 'Therm', 'thm'>
  | ScaledItem<'temperature', 'temperature', 'celsius' | 'fahrenheit'>
  | { type: 'pulseCount'; itemDescription: 'pulse count'; itemUnits: 'count'; pulseFactor: DecimalText }
  | { type: 'oadrGBDataDescription'; feed: string };

export type ItemBaseType = ItemBase['type'];

export interface LoadControlStateValue {
  oadrMin?: DecimalText;
  oadrMax?: DecimalText;
  oadrCurrent: DecimalText;
  oadrNormal?: DecimalText;
}

export interface LoadControlState {
  oadrCapacity?: LoadControlStateValue;
  oadrLevelOffset?: LoadControlStateValue;
  oadrPercentOffset?: LoadControlStateValue;
  oadrSetPoint?: LoadControlStateValue;
}

/** Members of the ei:payloadBase substitution group. */
export type PayloadBase =
  | { type: 'payloadFloat'; value: DecimalText }
  | {
      type: 'oadrPayloadResourceStatus';
      oadrOnline: boolean;
      oadrManualOverride: boolean;
      oadrLoadControlState?: LoadControlState;
    };

export interface SignalPayload {
  type: 'signalPayload';
  payloadBase: PayloadBase;
}

export interface OadrReportPayload {
  type: 'oadrReportPayload';
  rID: string;
  /** 0…100. */
  confidence?: number;
  accuracy?: DecimalText;
  payloadBase: PayloadBase;
  oadrDataQuality?: DataQuality;
}

export interface OadrGBPayload {
  type: 'oadrGBPayload';
  /** The atom:feed element, as canonical XML (HISTORY_GREENBUTTON content is carried, not interpreted). */
  feed: string;
}

/** Members of the strm:streamPayloadBase substitution group. */
export type StreamPayload = SignalPayload | OadrReportPayload | OadrGBPayload;

export interface Interval {
  dtstart?: Instant;
  duration?: Duration;
  uid?: string;
  /** One or more. */
  payloads: StreamPayload[];
}

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

export interface OadrInfo {
  oadrKey: string;
  oadrValue: string;
}

export interface OadrProfile {
  oadrProfileName: ProfileName;
  /** oadrTransports/oadrTransport/oadrTransportName, one or more. */
  oadrTransports: TransportName[];
}

// ---- the payloads ----------------------------------------------------------------------------

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

export interface OadrResponse {
  type: 'oadrResponse';
  eiResponse: EiResponse;
  venID?: string;
}

export interface OadrCancelOpt {
  type: 'oadrCancelOpt';
  requestID: string;
  optID: string;
  venID: string;
}

export interface OadrCanceledOpt {
  type: 'oadrCanceledOpt';
  eiResponse: EiResponse;
  optID?: string;
}

export interface OadrCreateOpt {
  type: 'oadrCreateOpt';
  optID: string;
  optType: OptType;
  optReason: OptReason;
  marketContext?: string;
  venID: string;
  /** xcal:vavailability/xcal:components/xcal:available/xcal:properties; undefined when absent. */
  vavailability?: Properties[];
  createdDateTime: Instant;
  requestID: string;
  qualifiedEventID?: QualifiedEventID;
  eiTarget: EiTarget;
  oadrDeviceClass?: EiTarget;
}

export interface OadrCreatedOpt {
  type: 'oadrCreatedOpt';
  eiResponse: EiResponse;
  optID: string;
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

export interface OadrCancelPartyRegistration {
  type: 'oadrCancelPartyRegistration';
  requestID: string;
  registrationID: string;
  venID?: string;
}

export interface OadrCanceledPartyRegistration {
  type: 'oadrCanceledPartyRegistration';
  eiResponse: EiResponse;
  registrationID?: string;
  venID?: string;
}

export interface OadrCreatePartyRegistration {
  type: 'oadrCreatePartyRegistration';
  requestID: string;
  registrationID?: string;
  venID?: string;
  oadrProfileName: ProfileName;
  oadrTransportName: TransportName;
  /** Kept as text (openleadr sends the literal `None`). */
  oadrTransportAddress?: string;
  oadrReportOnly: boolean;
  oadrXmlSignature: boolean;
  oadrVenName?: string;
  oadrHttpPullModel?: boolean;
}

export interface OadrCreatedPartyRegistration {
  type: 'oadrCreatedPartyRegistration';
  eiResponse: EiResponse;
  registrationID?: string;
  venID?: string;
  vtnID: string;
  /** One or more. */
  oadrProfiles: OadrProfile[];
  oadrRequestedOadrPollFreq?: Duration;
  /** oadrServiceSpecificInfo/oadrService; undefined when absent. */
  oadrServiceSpecificInfo?: { oadrServiceName: ServiceName; oadrInfo: OadrInfo[] }[];
  /** oadrExtensions/oadrExtension; undefined when absent. */
  oadrExtensions?: { oadrExtensionName: string; oadrInfo?: OadrInfo[] }[];
}

export interface OadrRequestReregistration {
  type: 'oadrRequestReregistration';
  venID: string;
}

export interface OadrQueryRegistration {
  type: 'oadrQueryRegistration';
  requestID: string;
}

export interface OadrPoll {
  type: 'oadrPoll';
  venID: string;
}

export type OadrPayload =
  | OadrDistributeEvent
  | OadrCreatedEvent
  | OadrRequestEvent
  | OadrResponse
  | OadrCancelOpt
  | OadrCanceledOpt
  | OadrCreateOpt
  | OadrCreatedOpt
  | OadrCancelReport
  | OadrCanceledReport
  | OadrCreateReport
  | OadrCreatedReport
  | OadrRegisterReport
  | OadrRegisteredReport
  | OadrUpdateReport
  | OadrUpdatedReport
  | OadrCancelPartyRegistration
  | OadrCanceledPartyRegistration
  | OadrCreatePartyRegistration
  | OadrCreatedPartyRegistration
  | OadrRequestReregistration
  | OadrQueryRegistration
  | OadrPoll;

export type OadrPayloadType = OadrPayload['type'];

/** The payload types in the order of the oadrSignedObject choice. */
export const OADR_PAYLOAD_TYPES: readonly OadrPayloadType[] = [
  'oadrDistributeEvent',
  'oadrCreatedEvent',
  'oadrRequestEvent',
  'oadrResponse',
  'oadrCancelOpt',
  'oadrCanceledOpt',
  'oadrCreateOpt',
  'oadrCreatedOpt',
  'oadrCancelReport',
  'oadrCanceledReport',
  'oadrCreateReport',
  'oadrCreatedReport',
  'oadrRegisterReport',
  'oadrRegisteredReport',
  'oadrUpdateReport',
  'oadrUpdatedReport',
  'oadrCancelPartyRegistration',
  'oadrCanceledPartyRegistration',
  'oadrCreatePartyRegistration',
  'oadrCreatedPartyRegistration',
  'oadrRequestReregistration',
  'oadrQueryRegistration',
  'oadrPoll',
];
