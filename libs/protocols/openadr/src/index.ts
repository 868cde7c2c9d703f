/**
 * @flexgrid/protocol-openadr: OpenADR 2.0b profile B (simple HTTP, pull) as pure TypeScript: the 23
 * payload types, reading (namespace-aware, XSD-validated) and writing (XSD-true) of messages, value
 * formats, event status and content rules, EiOpt, telemetry conversion and the certificate fingerprint.
 */
export * from './payloads/types';
export { readOadrPayload } from './message';
export type {
  OadrMessage,
  OadrReadResult,
  OadrReadFailure,
  OadrXmlFailure,
  OadrSchemaFailure,
  OadrDataFailure,
  ReadOptions,
} from './message';
export { writeOadrPayload } from './payloads/write';
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
