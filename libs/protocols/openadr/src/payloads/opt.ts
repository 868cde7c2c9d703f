/** EiOpt (§7): oadrCreateOpt, oadrCreatedOpt, oadrCancelOpt and oadrCanceledOpt, read and written. */
import type { XmlElement } from '@flexgrid/xml';
import { EI_NS, EMIX_NS, OADR_NS, PYLD_NS, XCAL_NS } from '../namespaces';
import { type Instant, parseDateTime } from '../values';
import {
  type EiResponse,
  type EiTarget,
  type Extension,
  type OptType,
  type PayloadReader,
  type Properties,
  type QualifiedEventID,
  dateTimeXml,
  eiResponseXml,
  propertiesXml,
  qualifiedEventIdXml,
  targetXml,
} from './common';
import { each, extensible, leaf, node, optLeaf, optText, Sequence, text, token } from './elements';

export type OptReason =
  | 'economic'
  | 'emergency'
  | 'mustRun'
  | 'notParticipating'
  | 'outageRunStatus'
  | 'overrideStatus'
  | 'participating'
  | Extension;

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

/** The EiOpt payloads. */
export type OptPayload = OadrCancelOpt | OadrCanceledOpt | OadrCreateOpt | OadrCreatedOpt;

// ---- reading ----------------------------------------------------------------------------------

/** A schema-valid EiOpt payload element as its typed payload. */
export function readOptPayload(reader: PayloadReader, el: XmlElement): OptPayload {
  const s = Sequence.of(el);
  const type = el.local as OptPayload['type'];
  switch (type) {
    case 'oadrCancelOpt':
      return {
        type,
        requestID: text(s.required(PYLD_NS, 'requestID')),
        optID: text(s.required(EI_NS, 'optID')),
        venID: text(s.required(EI_NS, 'venID')),
      };
    case 'oadrCanceledOpt': {
      const response = reader.eiResponse(s.required(EI_NS, 'eiResponse'));
      const optID = optText(s.optional(EI_NS, 'optID'));
      return { type, eiResponse: response, ...(optID !== undefined && { optID }) };
    }
    case 'oadrCreateOpt': {
      const optID = text(s.required(EI_NS, 'optID'));
      const optType = token<OptType>(s.required(EI_NS, 'optType'));
      const optReason = token<OptReason>(s.required(EI_NS, 'optReason'));
      const marketContext = optText(s.optional(EMIX_NS, 'marketContext'));
      const ven = text(s.required(EI_NS, 'venID'));
      const availability = s.optional(XCAL_NS, 'vavailability');
      const vavailability = availability
        ? Sequence.of(Sequence.of(availability).required(XCAL_NS, 'components'))
            .many(XCAL_NS, 'available')
            .map((a) => reader.properties(Sequence.of(a).required(XCAL_NS, 'properties')))
        : undefined;
      const createdDateTime = parseDateTime(s.required(EI_NS, 'createdDateTime').text);
      const req = text(s.required(PYLD_NS, 'requestID'));
      const qualified = s.optional(EI_NS, 'qualifiedEventID');
      const eiTarget = reader.eiTarget(s.required(EI_NS, 'eiTarget'));
      const deviceClass = s.optional(OADR_NS, 'oadrDeviceClass');
      return {
        type,
        optID,
        optType,
        optReason,
        ...(marketContext !== undefined && { marketContext }),
        venID: ven,
        ...(vavailability && { vavailability }),
        createdDateTime,
        requestID: req,
        ...(qualified && { qualifiedEventID: reader.qualifiedEventID(qualified) }),
        eiTarget,
        ...(deviceClass && { oadrDeviceClass: reader.eiTarget(deviceClass) }),
      };
    }
    case 'oadrCreatedOpt':
      return {
        type,
        eiResponse: reader.eiResponse(s.required(EI_NS, 'eiResponse')),
        optID: text(s.required(EI_NS, 'optID')),
      };
  }
}

// ---- writing ----------------------------------------------------------------------------------

/** The content of an EiOpt payload element. */
export function optPayloadXml(p: OptPayload): string {
  switch (p.type) {
    case 'oadrCancelOpt':
      return leaf('pyld:requestID', p.requestID) + leaf('ei:optID', p.optID) + leaf('ei:venID', p.venID);
    case 'oadrCanceledOpt':
      return eiResponseXml(p.eiResponse) + optLeaf('ei:optID', p.optID);
    case 'oadrCreateOpt':
      return (
        leaf('ei:optID', p.optID) +
        leaf('ei:optType', p.optType) +
        leaf('ei:optReason', extensible(p.optReason)) +
        optLeaf('emix:marketContext', p.marketContext) +
        leaf('ei:venID', p.venID) +
        (p.vavailability
          ? `<xcal:vavailability>${node(
              'xcal:components',
              each(p.vavailability, (a) => `<xcal:available>${propertiesXml(a)}</xcal:available>`),
            )}</xcal:vavailability>`
          : '') +
        dateTimeXml('ei:createdDateTime', p.createdDateTime) +
        leaf('pyld:requestID', p.requestID) +
        (p.qualifiedEventID ? qualifiedEventIdXml(p.qualifiedEventID) : '') +
        targetXml('ei:eiTarget', p.eiTarget) +
        (p.oadrDeviceClass ? targetXml('oadr:oadrDeviceClass', p.oadrDeviceClass) : '')
      );
    case 'oadrCreatedOpt':
      return eiResponseXml(p.eiResponse) + leaf('ei:optID', p.optID);
  }
}
