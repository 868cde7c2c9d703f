/**
 * The README's example, kept type-checked and run: the region below is the README's code block (with the
 * package name for './index'), and the test fails when the two differ.
 */
import { readmeExample } from '@flexgrid/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOadrPayload as readAnswer } from './message';
import type { OadrPayload } from './payloads/oadr-payload';
import { richSamples } from './testing/samples.test-util';
import { writeOadrPayload as writeRequest } from './payloads/oadr-payload';

// #region README
import {
  acceptsPayload,
  eiResponse,
  type OadrPayloadType,
  readOadrPayload,
  requestIdOf,
  writeOadrPayload,
} from './index';

/**
 * The answer to a body POSTed to …/OadrPoll while the VEN's queue is empty (§6): an oadrResponse, or
 * undefined for HTTP 400. `charset` is the Content-Type's charset parameter, if any (XML-2).
 */
export function answerPoll(body: Uint8Array, charset?: string): string | undefined {
  const read = readOadrPayload(body, { charset }); // TR-4 steps 6-8; never throws for bad input
  if (read.ok) {
    const { payload } = read.message;
    return pollAnswer(payload.type, requestIdOf(payload) ?? '', 'venID' in payload ? payload.venID : undefined); // RID-1, RID-2
  }
  const { error } = read;
  if (error.kind !== 'data') return undefined; // HTTP 400 with error.message ("line:column: …", ≤ 1 KiB)
  return pollAnswer(error.payloadType, error.requestID ?? '', error.venID, error.message); // schema-valid, unusable
}

/** TR-2 comes first (459), then 454 for unusable data, else 200 (TR-5, TR-6). */
function pollAnswer(type: OadrPayloadType, requestID: string, venID: string | undefined, unusable?: string): string {
  const response = !acceptsPayload('OadrPoll', type)
    ? eiResponse('COMPLIANCE_ERROR', requestID, `${type} is not taken by OadrPoll`)
    : unusable === undefined
      ? eiResponse('OK', requestID)
      : eiResponse('INVALID_DATA', requestID, unusable);
  return writeOadrPayload({ type: 'oadrResponse', eiResponse: response, ...(venID !== undefined && { venID }) });
}
// #endregion

const bytes = (xml: string): Uint8Array => new TextEncoder().encode(xml);

function answered(body: Uint8Array): unknown {
  const xml = answerPoll(body, 'utf-8');
  if (xml === undefined) return 'HTTP 400';
  const read = readAnswer(xml);
  return read.ok ? read.message.payload : read.error;
}

describe('the README example', () => {
  it('is the code block of README.md', () => {
    const { documented, tested } = readmeExample(__filename, '@flexgrid/protocol-openadr');
    expect(documented).toBe(tested);
  });

  it('RID-2: an openleadr oadrPoll gets oadrResponse 200 with an empty requestID and its venID', () => {
    expect(answered(readFileSync(join(__dirname, 'payloads/openleadr-fixtures/oadrPoll.xml')))).toEqual({
      type: 'oadrResponse',
      eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
      venID: '123',
    });
  });

  it('TR-2: a payload OadrPoll does not take gets 459, echoing its requestID (RID-1), also when its data is unusable', () => {
    expect(answered(bytes(writeRequest({ type: 'oadrRequestEvent', requestID: 'req-5', venID: 'ven-5' })))).toEqual({
      type: 'oadrResponse',
      eiResponse: {
        responseCode: '459',
        responseDescription: 'COMPLIANCE_ERROR: oadrRequestEvent is not taken by OadrPoll',
        requestID: 'req-5',
      },
      venID: 'ven-5',
    });
    const distribute = writeRequest({ ...richSamples.oadrDistributeEvent, requestID: 'dist-5' } as OadrPayload);
    expect(answered(bytes(distribute.replace('<ei:createdDateTime>', '<ei:createdDateTime>-')))).toMatchObject({
      eiResponse: { responseCode: '459', requestID: 'dist-5' },
    });
  });

  it('TR-4: what is not XML, has a DOCTYPE or is not valid against the schema is HTTP 400', () => {
    const poll = writeRequest({ type: 'oadrPoll', venID: 'v' });
    for (const body of ['not xml', `<!DOCTYPE p>${poll}`, poll.replace('<ei:venID>v</ei:venID>', '')])
      expect(answered(bytes(body))).toBe('HTTP 400');
  });
});
