/**
 * Reading and writing whole OpenADR messages: TR-4 steps 6 to 8 on the way in (well-formed within the
 * caps, valid against oadr_20b.xsd, one payload in oadrSignedObject), XW-1 to XW-4 on the way out.
 */
import {
  decodeXml,
  positionOf,
  readXml,
  XmlReadError,
  type XmlElement,
  type XmlErrorCode,
  type XmlReadLimits,
} from '@flexgrid/xml';
import { EI_NS, OADR_NS, PYLD_NS } from './namespaces';
import { trimmed } from './payloads/elements';
import { type OadrPayload, type OadrPayloadType, readPayloadElement } from './payloads/oadr-payload';
import { OadrDataError } from './errors';
import { OADR_XML_LIMITS } from './xml-limits';
import { oadrSchema } from './xsd/oadr-schema';

export interface OadrMessage {
  readonly payload: OadrPayload;
  /** Whether the message carried a ds:Signature (tolerated, not verified: SEC-5). */
  readonly signed: boolean;
  /** Lenient-input notes, e.g. durations in years or months (FMT-2). */
  readonly warnings: readonly string[];
}

/** Not XML, or not within the caps of TR-4 step 6: HTTP 400. */
export interface OadrXmlFailure {
  readonly kind: 'xml';
  readonly code: XmlErrorCode;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** Not valid against oadr_20b.xsd (TR-4 step 7): HTTP 400. */
export interface OadrSchemaFailure {
  readonly kind: 'schema';
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** Schema-valid but unusable (FMT-1..4): answered with the payload's answer type and eiResponse 454. */
export interface OadrDataFailure {
  readonly kind: 'data';
  readonly message: string;
  readonly payloadType: OadrPayloadType;
  /** The requestID to echo (RID-1), if the payload has one. */
  readonly requestID: string | undefined;
  /** The payload's venID, if it has one. */
  readonly venID: string | undefined;
}

export type OadrReadFailure = OadrXmlFailure | OadrSchemaFailure | OadrDataFailure;

export type OadrReadResult =
  { readonly ok: true; readonly message: OadrMessage } | { readonly ok: false; readonly error: OadrReadFailure };

export interface ReadOptions {
  /** The charset parameter of the Content-Type, if any (XML-2). */
  readonly charset?: string;
  readonly limits?: XmlReadLimits;
}

const MAX_MESSAGE = 1024;

function clip(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}

type Validated =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly error: OadrXmlFailure | OadrSchemaFailure };

function validated(body: string | Uint8Array, options: ReadOptions): Validated {
  let root: XmlElement;
  let source: string;
  try {
    source = typeof body === 'string' ? body : decodeXml(body, options.charset);
    root = readXml(source, options.limits ?? OADR_XML_LIMITS).root;
  } catch (error) {
    if (!(error instanceof XmlReadError)) throw error;
    return {
      ok: false,
      error: { kind: 'xml', code: error.code, message: clip(error.message), line: error.line, column: error.column },
    };
  }
  // Any global element validates on its own; a message is an oadrPayload (§2.3).
  const violation =
    root.ns === OADR_NS && root.local === 'oadrPayload'
      ? oadrSchema.validate(root)
      : {
          message: `the root element must be {${OADR_NS}}oadrPayload, not {${root.ns}}${root.local}`,
          offset: root.offset,
        };
  if (violation) {
    const { line, column } = positionOf(source, violation.offset);
    return {
      ok: false,
      error: { kind: 'schema', message: clip(`${line}:${column}: ${violation.message}`), line, column },
    };
  }
  return { ok: true, root };
}

/**
 * The fast validator on its own (XML-4): why a message is not a well-formed, XSD-valid OpenADR 2.0b
 * message within the caps of TR-4 step 6, or undefined when it is. It accepts and refuses what xmllint
 * does with oadr_20b.xsd (besides XML-3's DOCTYPE refusal), at a small fraction of the cost, so a VEN
 * or a test can check every answer it gets.
 */
export function validateOadrMessage(
  body: string | Uint8Array,
  options: ReadOptions = {},
): OadrXmlFailure | OadrSchemaFailure | undefined {
  const result = validated(body, options);
  return result.ok ? undefined : result.error;
}

/**
 * Reads an inbound message. Never throws for bad input: every failure is a typed result saying how to
 * answer it.
 */
export function readOadrPayload(body: string | Uint8Array, options: ReadOptions = {}): OadrReadResult {
  const result = validated(body, options);
  if (!result.ok) return result;
  const { root } = result;
  // The schema guarantees: oadrPayload → ds:Signature? → oadrSignedObject → exactly one payload element.
  const signed = root.children.length === 2;
  const element = root.children[root.children.length - 1].children[0];
  const warnings: string[] = [];
  try {
    return { ok: true, message: { payload: readPayloadElement(element, { warnings }), signed, warnings } };
  } catch (error) {
    if (!(error instanceof OadrDataError)) throw error;
    const type = element.local as OadrPayloadType;
    return {
      ok: false,
      error: {
        kind: 'data',
        message: clip(error.message),
        payloadType: type,
        requestID: requestIdInElement(element),
        venID: venIdIn(element),
      },
    };
  }
}

function child(el: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return el?.children.find((c) => c.ns === ns && c.local === local);
}

/** RID-1 on the payload element, for payloads that could not be decoded (the rule of requestIdOf). */
export function requestIdInElement(payload: XmlElement): string | undefined {
  const own =
    child(payload, PYLD_NS, 'requestID') ?? child(child(payload, PYLD_NS, 'eiRequestEvent'), PYLD_NS, 'requestID');
  const response =
    child(payload, EI_NS, 'eiResponse') ?? child(child(payload, PYLD_NS, 'eiCreatedEvent'), EI_NS, 'eiResponse');
  const id = own ?? child(response, PYLD_NS, 'requestID');
  return id ? trimmed(id.text) : undefined;
}

function venIdIn(payload: XmlElement): string | undefined {
  const holder = child(payload, PYLD_NS, 'eiRequestEvent') ?? child(payload, PYLD_NS, 'eiCreatedEvent') ?? payload;
  const id = child(holder, EI_NS, 'venID');
  return id ? trimmed(id.text) : undefined;
}
