/**
 * @flexgrid/protocol-openadr: OpenADR 2.0b profile B (simple HTTP, pull) as pure TypeScript: the 23
 * payload types, reading (namespace-aware, XSD-validated) and writing (XSD-true) of messages, value
 * formats, event status and content rules, EiOpt, telemetry conversion and the certificate fingerprint.
 */
export type {
  DataQuality,
  EiResponse,
  EiTarget,
  Extension,
  FeatureCollection,
  Interval,
  ItemBase,
  ItemBaseType,
  LoadControlState,
  LoadControlStateValue,
  OadrGBPayload,
  OadrReportPayload,
  OptType,
  PayloadBase,
  PowerAttributes,
  Properties,
  QualifiedEventID,
  SiScaleCode,
  SignalPayload,
  StreamPayload,
  TransportInterface,
} from './payloads/common';
export type {
  EiEvent,
  EiEventBaseline,
  EiEventSignal,
  EventDescriptor,
  EventResponse,
  EventStatus,
  OadrCreatedEvent,
  OadrDistributeEvent,
  OadrEvent,
  OadrRequestEvent,
  ResponseRequired,
  SignalName,
  SignalType,
} from './payloads/event';
export type { OadrCancelOpt, OadrCanceledOpt, OadrCreateOpt, OadrCreatedOpt, OptReason } from './payloads/opt';
export type {
  OadrCancelReport,
  OadrCanceledReport,
  OadrCreateReport,
  OadrCreatedReport,
  OadrRegisterReport,
  OadrRegisteredReport,
  OadrReport,
  OadrReportDescription,
  OadrReportRequest,
  OadrUpdateReport,
  OadrUpdatedReport,
  ReadingType,
  ReportName,
  ReportSpecifier,
  ReportType,
  SamplingRate,
  SpecifierPayload,
} from './payloads/report';
export type {
  OadrCancelPartyRegistration,
  OadrCanceledPartyRegistration,
  OadrCreatePartyRegistration,
  OadrCreatedPartyRegistration,
  OadrInfo,
  OadrProfile,
  OadrQueryRegistration,
  OadrRequestReregistration,
  ProfileName,
  ServiceName,
  TransportName,
} from './payloads/registration';
export type { OadrPoll, OadrResponse } from './payloads/poll';
export { OADR_PAYLOAD_TYPES, type OadrPayload, type OadrPayloadType, writeOadrPayload } from './payloads/oadr-payload';
export { readOadrPayload, validateOadrMessage } from './message';
export { oadrSchema, oadrSchemaModel } from './xsd/oadr-schema';
export type {
  OadrMessage,
  OadrReadResult,
  OadrReadFailure,
  OadrXmlFailure,
  OadrSchemaFailure,
  OadrDataFailure,
  ReadOptions,
} from './message';
export * from './errors';
export * from './values';
export * from './namespaces';
export * from './response';
export * from './routing';
export * from './ids';
export * from './fingerprint';
export * from './opt';
export * from './event/model';
export * from './event/status';
export * from './event/content-rules';
export * from './event/render';
export * from './event/targeting';
export * from './report/conversion';
export * from './report/telemetry';
export * from './report/requests';
export { OADR_XML_LIMITS } from './xml-limits';
export {
  isXmlText,
  xmlCharset,
  type XmlCharset,
  type XmlErrorCode,
  type XmlReadLimits,
  XmlWriteError,
} from '@flexgrid/xml';
