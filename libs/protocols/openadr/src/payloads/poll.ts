/** OadrPoll (§6): the poll, and the plain oadrResponse that answers it and most other payloads. */
import type { XmlElement } from '@flexgrid/xml';
import { EI_NS } from '../namespaces';
import { type EiResponse, type PayloadReader, eiResponseXml, optionalVenId } from './common';
import { leaf, optLeaf, Sequence, text } from './elements';

export interface OadrPoll {
  type: 'oadrPoll';
  venID: string;
}

export interface OadrResponse {
  type: 'oadrResponse';
  eiResponse: EiResponse;
  venID?: string;
}

/** The OadrPoll payloads. */
export type PollPayload = OadrPoll | OadrResponse;

// ---- reading ----------------------------------------------------------------------------------

/** A schema-valid OadrPoll payload element as its typed payload. */
export function readPollPayload(reader: PayloadReader, el: XmlElement): PollPayload {
  const s = Sequence.of(el);
  const type = el.local as PollPayload['type'];
  switch (type) {
    case 'oadrResponse':
      return { type, eiResponse: reader.eiResponse(s.required(EI_NS, 'eiResponse')), ...optionalVenId(s) };
    case 'oadrPoll':
      return { type, venID: text(s.required(EI_NS, 'venID')) };
  }
}

// ---- writing ----------------------------------------------------------------------------------

/** The content of an OadrPoll payload element. */
export function pollPayloadXml(p: PollPayload): string {
  switch (p.type) {
    case 'oadrResponse':
      return eiResponseXml(p.eiResponse) + optLeaf('ei:venID', p.venID);
    case 'oadrPoll':
      return leaf('ei:venID', p.venID);
  }
}
