/**
 * @flexgrid/xml: XML for pure protocol libraries: decoding a received body, a namespace-aware reader with
 * caps for untrusted input, escaping and serializing for writers, and an XSD 1.0 compiler whose compiled
 * model a fast validator checks element trees against, accepting and refusing what libxml2 does.
 */
export * from './names';
export { decodeXml, xmlCharset, type XmlCharset } from './decode';
export {
  ContentModelError,
  XmlReadError,
  XmlWriteError,
  XsdCompileError,
  XsdPatternError,
  type XmlErrorCode,
} from './errors';
export {
  lookupNamespace,
  positionOf,
  readXml,
  XML_NAMESPACE,
  type NamespaceScope,
  type XmlAttribute,
  type XmlDocument,
  type XmlElement,
  type XmlReadLimits,
} from './reader';
export { escapeAttribute, escapeText, serializeElement } from './writer';
export { compileSchema } from './xsd/compile';
export type * from './xsd/model';
export { nameKey } from './xsd/model';
export { applyWhitespace, checkBuiltin } from './xsd/builtins';
export { compileXsdPattern } from './xsd/pattern';
export { SchemaValidator, type SchemaViolation } from './xsd/validator';
