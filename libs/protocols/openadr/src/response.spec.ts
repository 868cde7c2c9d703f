import { vtnIdProblem, operatorIdProblem } from './ids';
import { OADR_PAYLOAD_TYPES } from './payloads/types';
import { EI_RESPONSE_CODES, eiResponse, eiResponseDescription, eiResponseName } from './response';
import { acceptsPayload, ANSWER_TYPE, isOadrService, OADR_SERVICES, requestIdOf } from './routing';
import { minimalSamples } from './testing/samples.test-util';

describe('TR-5 / TR-6 eiResponse', () => {
  it('TR-5: the codes the VTN emits and the ones it only stores', () => {
    expect(EI_RESPONSE_CODES).toEqual({
      OK: '200', OUT_OF_SEQUENCE: '450', NOT_ALLOWED: '451', INVALID_ID: '452', INVALID_DATA: '454', COMPLIANCE_ERROR: '459',
      SIGNAL_NOT_SUPPORTED: '460', REPORT_NOT_SUPPORTED: '461', TARGET_MISMATCH: '462', NOT_REGISTERED_OR_AUTHORIZED: '463', OTHER: '469',
    });
    expect(eiResponseName('452')).toBe('INVALID_ID');
    expect(eiResponseName('499')).toBeUndefined();
  });

  it('TR-6: OK for 200, else NAME: reason', () => {
    expect(eiResponse('OK', 'r-1')).toEqual({ responseCode: '200', responseDescription: 'OK', requestID: 'r-1' });
    expect(eiResponse('INVALID_ID', 'r-2', 'unknown registrationID')).toEqual({ responseCode: '452', responseDescription: 'INVALID_ID: unknown registrationID', requestID: 'r-2' });
    expect(eiResponseDescription('OK', 'ignored')).toBe('OK');
    expect(eiResponseDescription('COMPLIANCE_ERROR')).toBe('COMPLIANCE_ERROR');
  });
});

describe('§2.1 routing', () => {
  it('TR-2: each service takes its payloads (and the generic oadrResponse), nothing else', () => {
    expect(OADR_SERVICES.filter(isOadrService)).toEqual(['EiRegisterParty', 'EiEvent', 'EiOpt', 'EiReport', 'OadrPoll']);
    expect(isOadrService('eiEvent')).toBe(false);
    expect(OADR_PAYLOAD_TYPES.filter((t) => acceptsPayload('EiEvent', t))).toEqual(['oadrCreatedEvent', 'oadrRequestEvent', 'oadrResponse']);
    expect(OADR_PAYLOAD_TYPES.filter((t) => acceptsPayload('OadrPoll', t))).toEqual(['oadrResponse', 'oadrPoll']);
    expect(OADR_PAYLOAD_TYPES.filter((t) => acceptsPayload('EiOpt', t))).toEqual(['oadrResponse', 'oadrCancelOpt', 'oadrCreateOpt']);
    expect(OADR_PAYLOAD_TYPES.filter((t) => acceptsPayload('EiRegisterParty', t))).toEqual(['oadrResponse', 'oadrCancelPartyRegistration', 'oadrCanceledPartyRegistration', 'oadrCreatePartyRegistration', 'oadrQueryRegistration']);
    expect(OADR_PAYLOAD_TYPES.filter((t) => acceptsPayload('EiReport', t))).toEqual([
      'oadrResponse', 'oadrCancelReport', 'oadrCanceledReport', 'oadrCreateReport', 'oadrCreatedReport', 'oadrRegisterReport', 'oadrRegisteredReport', 'oadrUpdateReport', 'oadrUpdatedReport',
    ]);
    const vtnOnly = ['oadrDistributeEvent', 'oadrCreatedPartyRegistration', 'oadrRequestReregistration', 'oadrCreatedOpt', 'oadrCanceledOpt'] as const;
    for (const type of vtnOnly) expect(OADR_SERVICES.some((s) => acceptsPayload(s, type))).toBe(false);
  });

  it('TR-3: the answer type of every inbound payload', () => {
    expect(ANSWER_TYPE).toMatchObject({
      oadrQueryRegistration: 'oadrCreatedPartyRegistration',
      oadrCreatePartyRegistration: 'oadrCreatedPartyRegistration',
      oadrCancelPartyRegistration: 'oadrCanceledPartyRegistration',
      oadrRequestEvent: 'oadrDistributeEvent',
      oadrCreateOpt: 'oadrCreatedOpt',
      oadrCancelOpt: 'oadrCanceledOpt',
      oadrRegisterReport: 'oadrRegisteredReport',
      oadrCreateReport: 'oadrCreatedReport',
      oadrUpdateReport: 'oadrUpdatedReport',
      oadrCancelReport: 'oadrCanceledReport',
      oadrPoll: 'oadrResponse',
    });
    for (const service of OADR_SERVICES) for (const type of OADR_PAYLOAD_TYPES) if (acceptsPayload(service, type)) expect(ANSWER_TYPE[type]).toBeDefined();
  });

  it('RID-1 / RID-2: where the requestID to echo is', () => {
    expect(requestIdOf({ ...minimalSamples.oadrQueryRegistration, requestID: 'q' } as never)).toBe('q');
    expect(requestIdOf({ type: 'oadrRequestEvent', requestID: 're', venID: 'v' })).toBe('re');
    expect(requestIdOf({ type: 'oadrCreatedEvent', eiResponse: { responseCode: '200', requestID: 'ce' }, venID: 'v' })).toBe('ce');
    expect(requestIdOf({ type: 'oadrCreatedReport', eiResponse: { responseCode: '200', requestID: 'cr' }, oadrPendingReports: [] })).toBe('cr');
    expect(requestIdOf({ type: 'oadrPoll', venID: 'v' })).toBeUndefined();
  });
});

describe('ID-1 / ID-3 identifiers', () => {
  it('ID-3: operator IDs are 1-128 safe characters, not numeric-looking, not true/false', () => {
    for (const ok of ['event-1', 'a.b:c_d', 'E'.repeat(128), '1a']) expect(operatorIdProblem(ok)).toBeUndefined();
    for (const bad of ['', 'E'.repeat(129), 'with space', '123', '-1.5', '1.2.3', 'true', 'false', 'é']) expect(operatorIdProblem(bad)).toBeDefined();
  });

  it('ID-1: the vtnID needs an upper-case ASCII letter', () => {
    expect(vtnIdProblem('FlexgridVTN')).toBeUndefined();
    expect(vtnIdProblem('flexgrid')).toContain('upper-case');
    expect(vtnIdProblem('123')).toContain('upper-case');
    expect(vtnIdProblem('A b')).toBeDefined();
  });
});
