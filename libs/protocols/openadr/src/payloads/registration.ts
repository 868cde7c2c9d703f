/**
 * EiRegisterParty (§4): creating, querying, cancelling and renewing a VEN's registration, read and written.
 */
import type { XmlElement } from '@flexgrid/xml';
import { EI_NS, OADR_NS, PYLD_NS } from '../namespaces';
import { OadrDataError } from '../errors';
import { type Duration, parseBoolean } from '../values';
import { type EiResponse, type PayloadReader, durationPropXml, eiResponseXml, optionalVenId } from './common';
import { bool, each, leaf, list, node, optLeaf, optText, Sequence, text, token } from './elements';

export type ProfileName = '2.0a' | '2.0b';

export type TransportName = 'simpleHttp' | 'xmpp';

export type ServiceName = 'EiEvent' | 'EiOpt' | 'EiReport' | 'EiRegisterParty' | 'OadrPoll';

export interface OadrInfo {
  oadrKey: string;
  oadrValue: string;
}

export interface OadrProfile {
  oadrProfileName: ProfileName;
  /** oadrTransports/oadrTransport/oadrTransportName, one or more. */
  oadrTransports: TransportName[];
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

/** The EiRegisterParty payloads. */
export type RegistrationPayload =
  | OadrCancelPartyRegistration
  | OadrCanceledPartyRegistration
  | OadrCreatePartyRegistration
  | OadrCreatedPartyRegistration
  | OadrRequestReregistration
  | OadrQueryRegistration;

// ---- reading ----------------------------------------------------------------------------------

/** A schema-valid EiRegisterParty payload element as its typed payload. */
export function readRegistrationPayload(reader: PayloadReader, el: XmlElement): RegistrationPayload {
  const s = Sequence.of(el);
  const type = el.local as RegistrationPayload['type'];
  switch (type) {
    case 'oadrCancelPartyRegistration':
      return {
        type,
        requestID: text(s.required(PYLD_NS, 'requestID')),
        registrationID: text(s.required(EI_NS, 'registrationID')),
        ...optionalVenId(s),
      };
    case 'oadrCanceledPartyRegistration': {
      const response = reader.eiResponse(s.required(EI_NS, 'eiResponse'));
      const registrationID = optText(s.optional(EI_NS, 'registrationID'));
      return {
        type,
        eiResponse: response,
        ...(registrationID !== undefined && { registrationID }),
        ...optionalVenId(s),
      };
    }
    case 'oadrCreatePartyRegistration': {
      const req = text(s.required(PYLD_NS, 'requestID'));
      const registrationID = optText(s.optional(EI_NS, 'registrationID'));
      const ven = optionalVenId(s);
      const oadrProfileName = token<ProfileName>(s.required(OADR_NS, 'oadrProfileName'));
      const oadrTransportName = token<TransportName>(s.required(OADR_NS, 'oadrTransportName'));
      const oadrTransportAddress = optText(s.optional(OADR_NS, 'oadrTransportAddress'));
      const oadrReportOnly = parseBoolean(s.required(OADR_NS, 'oadrReportOnly').text);
      const oadrXmlSignature = parseBoolean(s.required(OADR_NS, 'oadrXmlSignature').text);
      const oadrVenName = optText(s.optional(OADR_NS, 'oadrVenName'));
      const pull = s.optional(OADR_NS, 'oadrHttpPullModel');
      return {
        type,
        requestID: req,
        ...(registrationID !== undefined && { registrationID }),
        ...ven,
        oadrProfileName,
        oadrTransportName,
        ...(oadrTransportAddress !== undefined && { oadrTransportAddress }),
        oadrReportOnly,
        oadrXmlSignature,
        ...(oadrVenName !== undefined && { oadrVenName }),
        ...(pull && { oadrHttpPullModel: parseBoolean(pull.text) }),
      };
    }
    case 'oadrCreatedPartyRegistration': {
      const response = reader.eiResponse(s.required(EI_NS, 'eiResponse'));
      const registrationID = optText(s.optional(EI_NS, 'registrationID'));
      const ven = optionalVenId(s);
      const vtnID = text(s.required(EI_NS, 'vtnID'));
      const oadrProfiles = Sequence.of(s.required(OADR_NS, 'oadrProfiles'))
        .many(OADR_NS, 'oadrProfile')
        .map((p) => {
          const ps = Sequence.of(p);
          const oadrProfileName = token<ProfileName>(ps.required(OADR_NS, 'oadrProfileName'));
          const oadrTransports = Sequence.of(ps.required(OADR_NS, 'oadrTransports'))
            .many(OADR_NS, 'oadrTransport')
            .map((t) => token<TransportName>(Sequence.of(t).required(OADR_NS, 'oadrTransportName')));
          return { oadrProfileName, oadrTransports };
        });
      const pollFreq = s.optional(OADR_NS, 'oadrRequestedOadrPollFreq');
      const info = s.optional(OADR_NS, 'oadrServiceSpecificInfo');
      const oadrServiceSpecificInfo = info
        ? Sequence.of(info)
            .many(OADR_NS, 'oadrService')
            .map((svc) => {
              const ss = Sequence.of(svc);
              return {
                oadrServiceName: token<ServiceName>(ss.required(OADR_NS, 'oadrServiceName')),
                oadrInfo: ss.many(OADR_NS, 'oadrInfo').map(readOadrInfo),
              };
            })
        : undefined;
      const extensions = s.optional(OADR_NS, 'oadrExtensions');
      const oadrExtensions = extensions
        ? Sequence.of(extensions)
            .many(OADR_NS, 'oadrExtension')
            .map((ext) => {
              const es = Sequence.of(ext);
              const oadrExtensionName = text(es.required(OADR_NS, 'oadrExtensionName'));
              const infos = list(es.many(OADR_NS, 'oadrInfo').map(readOadrInfo));
              return { oadrExtensionName, ...(infos && { oadrInfo: infos }) };
            })
        : undefined;
      return {
        type,
        eiResponse: response,
        ...(registrationID !== undefined && { registrationID }),
        ...ven,
        vtnID,
        oadrProfiles,
        ...(pollFreq && { oadrRequestedOadrPollFreq: reader.durationProp(pollFreq) }),
        ...(oadrServiceSpecificInfo && { oadrServiceSpecificInfo }),
        ...(oadrExtensions && { oadrExtensions }),
      };
    }
    case 'oadrRequestReregistration':
      return { type, venID: text(s.required(EI_NS, 'venID')) };
    case 'oadrQueryRegistration':
      return { type, requestID: text(s.required(PYLD_NS, 'requestID')) };
  }
}

function readOadrInfo(el: XmlElement): OadrInfo {
  const s = Sequence.of(el);
  return { oadrKey: text(s.required(OADR_NS, 'oadrKey')), oadrValue: text(s.required(OADR_NS, 'oadrValue')) };
}

// ---- writing ----------------------------------------------------------------------------------

/** The content of an EiRegisterParty payload element. */
export function registrationPayloadXml(p: RegistrationPayload): string {
  switch (p.type) {
    case 'oadrCancelPartyRegistration':
      return (
        leaf('pyld:requestID', p.requestID) + leaf('ei:registrationID', p.registrationID) + optLeaf('ei:venID', p.venID)
      );
    case 'oadrCanceledPartyRegistration':
      return (
        eiResponseXml(p.eiResponse) + optLeaf('ei:registrationID', p.registrationID) + optLeaf('ei:venID', p.venID)
      );
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
        eiResponseXml(p.eiResponse) +
        optLeaf('ei:registrationID', p.registrationID) +
        optLeaf('ei:venID', p.venID) +
        leaf('ei:vtnID', p.vtnID) +
        `<oadr:oadrProfiles>${profiles}</oadr:oadrProfiles>` +
        (p.oadrRequestedOadrPollFreq === undefined
          ? ''
          : durationPropXml('oadr:oadrRequestedOadrPollFreq', p.oadrRequestedOadrPollFreq)) +
        (p.oadrServiceSpecificInfo
          ? node(
              'oadr:oadrServiceSpecificInfo',
              each(p.oadrServiceSpecificInfo, (svc) => {
                if (svc.oadrInfo.length === 0) throw new OadrDataError('an oadrService needs at least one oadrInfo');
                return `<oadr:oadrService>${leaf('oadr:oadrServiceName', svc.oadrServiceName)}${each(svc.oadrInfo, oadrInfoXml)}</oadr:oadrService>`;
              }),
            )
          : '') +
        (p.oadrExtensions
          ? node(
              'oadr:oadrExtensions',
              each(
                p.oadrExtensions,
                (ext) =>
                  `<oadr:oadrExtension>${leaf('oadr:oadrExtensionName', ext.oadrExtensionName)}${each(ext.oadrInfo, oadrInfoXml)}</oadr:oadrExtension>`,
              ),
            )
          : '')
      );
    }
    case 'oadrRequestReregistration':
      return leaf('ei:venID', p.venID);
    case 'oadrQueryRegistration':
      return leaf('pyld:requestID', p.requestID);
  }
}

function oadrInfoXml(i: OadrInfo): string {
  return `<oadr:oadrInfo>${leaf('oadr:oadrKey', i.oadrKey)}${leaf('oadr:oadrValue', i.oadrValue)}</oadr:oadrInfo>`;
}
