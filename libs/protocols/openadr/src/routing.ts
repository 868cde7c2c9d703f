/** SPEC §2.1: which inbound payloads each service takes, what answers them, and where their requestID is. */
import type { OadrPayload, OadrPayloadType } from './payloads/oadr-payload';

export type OadrService = 'EiRegisterParty' | 'EiEvent' | 'EiOpt' | 'EiReport' | 'OadrPoll';

export const OADR_SERVICES: readonly OadrService[] = ['EiRegisterParty', 'EiEvent', 'EiOpt', 'EiReport', 'OadrPoll'];

/** The answer payload type of each payload a VEN may send (TR-3 uses it for 45x answers too). */
export const ANSWER_TYPE: Readonly<Partial<Record<OadrPayloadType, OadrPayloadType>>> = {
  oadrQueryRegistration: 'oadrCreatedPartyRegistration',
  oadrCreatePartyRegistration: 'oadrCreatedPartyRegistration',
  oadrCancelPartyRegistration: 'oadrCanceledPartyRegistration',
  oadrCanceledPartyRegistration: 'oadrResponse',
  oadrRequestEvent: 'oadrDistributeEvent',
  oadrCreatedEvent: 'oadrResponse',
  oadrCreateOpt: 'oadrCreatedOpt',
  oadrCancelOpt: 'oadrCanceledOpt',
  oadrRegisterReport: 'oadrRegisteredReport',
  oadrCreateReport: 'oadrCreatedReport',
  oadrUpdateReport: 'oadrUpdatedReport',
  oadrCancelReport: 'oadrCanceledReport',
  oadrRegisteredReport: 'oadrResponse',
  oadrCreatedReport: 'oadrResponse',
  oadrCanceledReport: 'oadrResponse',
  oadrUpdatedReport: 'oadrResponse',
  oadrPoll: 'oadrResponse',
  oadrResponse: 'oadrResponse',
};

const ACCEPTED: Readonly<Record<OadrService, readonly OadrPayloadType[]>> = {
  EiRegisterParty: [
    'oadrQueryRegistration',
    'oadrCreatePartyRegistration',
    'oadrCancelPartyRegistration',
    'oadrCanceledPartyRegistration',
    'oadrResponse',
  ],
  EiEvent: ['oadrRequestEvent', 'oadrCreatedEvent', 'oadrResponse'],
  EiOpt: ['oadrCreateOpt', 'oadrCancelOpt', 'oadrResponse'],
  EiReport: [
    'oadrRegisterReport',
    'oadrCreateReport',
    'oadrUpdateReport',
    'oadrCancelReport',
    'oadrRegisteredReport',
    'oadrCreatedReport',
    'oadrCanceledReport',
    'oadrUpdatedReport',
    'oadrResponse',
  ],
  OadrPoll: ['oadrPoll', 'oadrResponse'],
};

export function isOadrService(name: string): name is OadrService {
  return (OADR_SERVICES as readonly string[]).includes(name);
}

/** TR-2: whether the payload type may be posted to the service (else 200 + 459). */
export function acceptsPayload(service: OadrService, type: OadrPayloadType): boolean {
  return ACCEPTED[service].includes(type);
}

/**
 * RID-1: the requestID the answer echoes (trimmed, possibly empty): the payload's own pyld:requestID
 * (eiRequestEvent's for oadrRequestEvent), else that of its eiResponse (eiCreatedEvent's for
 * oadrCreatedEvent). Undefined for oadrPoll and oadrRequestReregistration (RID-2: answered with an empty one).
 */
export function requestIdOf(payload: OadrPayload): string | undefined {
  if ('requestID' in payload) return payload.requestID;
  if ('eiResponse' in payload && payload.eiResponse) return payload.eiResponse.requestID;
  return undefined;
}
