import { randomUUID } from 'node:crypto';
import type { ContractValidator } from '@flexgrid/contracts';
import { type CloudEvent, ContractViolation, type OutgoingEvent } from './bus';

/**
 * CloudEvents 1.0, Kafka protocol binding, binary content mode: attributes travel as `ce_*` headers and
 * the record value is the event data as JSON.
 */
export interface EncodedRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export const CONTENT_TYPE = 'application/json';

export function encodeEvent(event: OutgoingEvent, defaultSource: string): EncodedRecord {
  const time = event.time === undefined ? new Date() : event.time;
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: event.id ?? randomUUID(),
    ce_type: event.type,
    ce_source: event.source ?? defaultSource,
    ce_time: typeof time === 'string' ? time : time.toISOString(),
    'content-type': CONTENT_TYPE,
  };
  if (event.subject !== undefined) headers['ce_subject'] = event.subject;
  checkExtensionNames(event.extensions);
  for (const [name, value] of Object.entries(event.extensions ?? {})) headers[`ce_${name}`] = value;
  return { key: event.key, value: event.value ?? JSON.stringify(event.data), headers };
}

/** Refuses extension attribute names that CloudEvents does not allow or that would shadow a core attribute. */
export function checkExtensionNames(extensions: Readonly<Record<string, string>> | undefined): void {
  for (const name of Object.keys(extensions ?? {}))
    if (!EXTENSION_NAME.test(name) || CORE_ATTRIBUTES.has(name))
      throw new Error(`'${name}' cannot name a CloudEvents extension attribute.`);
}

/** CloudEvents 1.0: attribute names are lower-case letters and digits, at most 20 (recommended) characters. */
const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
const CORE_ATTRIBUTES = new Set([
  'id',
  'source',
  'specversion',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
]);

/** Validates every event against `topic`'s contract, then encodes them; one bad event stops the whole batch. */
export function encodeValidEvents(
  validator: ContractValidator,
  topic: string,
  events: readonly OutgoingEvent[],
  defaultSource: string,
): EncodedRecord[] {
  return events.map((event) => {
    const check = validator.check(topic, event.type, event.key, event.data);
    if (!check.ok) throw new ContractViolation(topic, check.reason);
    return encodeEvent(event, defaultSource);
  });
}

export type DecodeResult = { ok: true; event: CloudEvent } | { ok: false; reason: string };

/** Reads a record back into an event; anything that is not a well-formed binary-mode CloudEvent is a reason. */
export function decodeRecord(
  key: string | null,
  value: string | null,
  headers: Readonly<Record<string, string | undefined>>,
): DecodeResult {
  if (headers['ce_specversion'] !== '1.0') {
    return {
      ok: false,
      reason: `ce_specversion is ${JSON.stringify(headers['ce_specversion'] ?? null)}, expected "1.0"`,
    };
  }
  const { ce_id: id, ce_type: type, ce_source: source } = headers;
  if (!id) return { ok: false, reason: 'header ce_id is missing' };
  if (!type) return { ok: false, reason: 'header ce_type is missing' };
  if (!source) return { ok: false, reason: 'header ce_source is missing' };
  const contentType = headers['content-type'];
  if (contentType !== undefined && !contentType.startsWith(CONTENT_TYPE)) {
    return { ok: false, reason: `content-type ${contentType} is not ${CONTENT_TYPE}` };
  }
  if (key === null || key === '') return { ok: false, reason: 'record has no key' };
  if (value === null) return { ok: false, reason: 'record has no value' };
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch (e) {
    return { ok: false, reason: `value is not JSON: ${(e as Error).message}` };
  }
  const extensions: Record<string, string> = {};
  for (const [name, header] of Object.entries(headers)) {
    const attribute = name.startsWith('ce_') ? name.slice(3) : undefined;
    if (attribute !== undefined && header !== undefined && !CORE_ATTRIBUTES.has(attribute))
      extensions[attribute] = header;
  }
  return {
    ok: true,
    event: {
      id,
      type,
      source,
      time: headers['ce_time'],
      subject: headers['ce_subject'],
      key,
      data,
      ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
    },
  };
}
