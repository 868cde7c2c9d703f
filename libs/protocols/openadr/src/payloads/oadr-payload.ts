/**
 * The 23 payload types of OpenADR 2.0b profile B, both directions, in the protocol's own words, grouped by
 * service: registration, event, opt, report and poll, each module holding its payloads' types, reader and
 * writer, with what they share in common.ts.
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
import type { XmlElement } from '@flexgrid/xml';
import { WRITTEN_PREFIXES } from '../namespaces';
import { PayloadReader, type ReadContext } from './common';
import { type EventPayload, eventPayloadXml, readEventPayload } from './event';
import { type OptPayload, optPayloadXml, readOptPayload } from './opt';
import { type ReportPayload, reportPayloadXml, readReportPayload } from './report';
import { type RegistrationPayload, registrationPayloadXml, readRegistrationPayload } from './registration';
import { type PollPayload, pollPayloadXml, readPollPayload } from './poll';

export type OadrPayload = EventPayload | OptPayload | ReportPayload | RegistrationPayload | PollPayload;

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

/** The payload element (the child of oadrSignedObject) of a schema-valid message as its typed payload. */
export function readPayloadElement(el: XmlElement, context: ReadContext): OadrPayload {
  const reader = new PayloadReader(context);
  const type = el.local as OadrPayloadType;
  switch (type) {
    case 'oadrDistributeEvent':
    case 'oadrCreatedEvent':
    case 'oadrRequestEvent':
      return readEventPayload(reader, el);
    case 'oadrCancelOpt':
    case 'oadrCanceledOpt':
    case 'oadrCreateOpt':
    case 'oadrCreatedOpt':
      return readOptPayload(reader, el);
    case 'oadrCancelReport':
    case 'oadrCanceledReport':
    case 'oadrCreateReport':
    case 'oadrCreatedReport':
    case 'oadrRegisterReport':
    case 'oadrRegisteredReport':
    case 'oadrUpdateReport':
    case 'oadrUpdatedReport':
      return readReportPayload(reader, el);
    case 'oadrCancelPartyRegistration':
    case 'oadrCanceledPartyRegistration':
    case 'oadrCreatePartyRegistration':
    case 'oadrCreatedPartyRegistration':
    case 'oadrRequestReregistration':
    case 'oadrQueryRegistration':
      return readRegistrationPayload(reader, el);
    case 'oadrResponse':
    case 'oadrPoll':
      return readPollPayload(reader, el);
  }
}

const ROOT_OPEN = `<?xml version="1.0" encoding="UTF-8"?><oadr:oadrPayload${WRITTEN_PREFIXES.map(([p, uri]) => ` xmlns:${p}="${uri}"`).join('')}><oadr:oadrSignedObject oadr:Id="oadrSignedObject">`;
const ROOT_CLOSE = '</oadr:oadrSignedObject></oadr:oadrPayload>';

/**
 * Writes a payload as a complete message (XW-1..3): the envelope, the signed object and the payload.
 * Throws OadrDataError or XmlWriteError when a value cannot be written (a negative duration, NaN, a
 * character XML forbids…).
 */
export function writeOadrPayload(p: OadrPayload): string {
  return `${ROOT_OPEN}<oadr:${p.type} ei:schemaVersion="2.0b">${payloadContentXml(p)}</oadr:${p.type}>${ROOT_CLOSE}`;
}

function payloadContentXml(p: OadrPayload): string {
  switch (p.type) {
    case 'oadrDistributeEvent':
    case 'oadrCreatedEvent':
    case 'oadrRequestEvent':
      return eventPayloadXml(p);
    case 'oadrCancelOpt':
    case 'oadrCanceledOpt':
    case 'oadrCreateOpt':
    case 'oadrCreatedOpt':
      return optPayloadXml(p);
    case 'oadrCancelReport':
    case 'oadrCanceledReport':
    case 'oadrCreateReport':
    case 'oadrCreatedReport':
    case 'oadrRegisterReport':
    case 'oadrRegisteredReport':
    case 'oadrUpdateReport':
    case 'oadrUpdatedReport':
      return reportPayloadXml(p);
    case 'oadrCancelPartyRegistration':
    case 'oadrCanceledPartyRegistration':
    case 'oadrCreatePartyRegistration':
    case 'oadrCreatedPartyRegistration':
    case 'oadrRequestReregistration':
    case 'oadrQueryRegistration':
      return registrationPayloadXml(p);
    case 'oadrResponse':
    case 'oadrPoll':
      return pollPayloadXml(p);
  }
}
