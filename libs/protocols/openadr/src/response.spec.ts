import { vtnIdProblem, operatorIdProblem } from './ids';
import { OADR_PAYLOAD_TYPES, type OadrPayloadType } from './payloads/oadr-payload';
import { EI_RESPONSE_CODES, type EiErrorName, eiResponse, eiResponseName } from './response';
import { acceptsPayload, ANSWER_TYPE, isOadrService, OADR_SERVICES, type OadrService, requestIdOf } from './routing';
import { minimalSamples } from './testing/samples.test-util';

describe('TR-5 / TR-6 eiResponse', () => {
  it('TR-5: the codes the VTN emits and the ones it only stores', () => {
    expect(EI_RESPONSE_CODES).toEqual({
      OK: '200',
      OUT_OF_SEQUENCE: '450',
      NOT_ALLOWED: '451',
      INVALID_ID: '452',
      INVALID_DATA: '454',
      COMPLIANCE_ERROR: '459',
      SIGNAL_NOT_SUPPORTED: '460',
      REPORT_NOT_SUPPORTED: '461',
      TARGET_MISMATCH: '462',
      NOT_REGISTERED_OR_AUTHORIZED: '463',
      OTHER: '469',
    });
    expect(eiResponseName('452')).toBe('INVALID_ID');
    expect(eiResponseName('499')).toBeUndefined();
  });

  it('TR-6: OK for 200, else NAME: reason, for every code', () => {
    expect(eiResponse('OK', 'r-1')).toEqual({ responseCode: '200', responseDescription: 'OK', requestID: 'r-1' });
    expect(eiResponse('INVALID_ID', 'r-2', 'unknown registrationID')).toEqual({
      responseCode: '452',
      responseDescription: 'INVALID_ID: unknown registrationID',
      requestID: 'r-2',
    });
    for (const name of Object.keys(EI_RESPONSE_CODES).filter((n): n is EiErrorName => n !== 'OK')) {
      const response = eiResponse(name, '', 'why');
      expect([response.responseCode, response.responseDescription]).toEqual([EI_RESPONSE_CODES[name], `${name}: why`]);
      expect(eiResponseName(response.responseCode)).toBe(name);
    }
  });
});

describe('§2.1 routing', () => {
  /** The table of §2.1 as rows [service, inbound payload, answer payload]; oadrResponse is taken by every service. */
  const table: readonly (readonly [OadrService, OadrPayloadType, OadrPayloadType])[] = [
    ['EiRegisterParty', 'oadrQueryRegistration', 'oadrCreatedPartyRegistration'],
    ['EiRegisterParty', 'oadrCreatePartyRegistration', 'oadrCreatedPartyRegistration'],
    ['EiRegisterParty', 'oadrCancelPartyRegistration', 'oadrCanceledPartyRegistration'],
    ['EiRegisterParty', 'oadrCanceledPartyRegistration', 'oadrResponse'],
    ['EiEvent', 'oadrRequestEvent', 'oadrDistributeEvent'],
    ['EiEvent', 'oadrCreatedEvent', 'oadrResponse'],
    ['EiOpt', 'oadrCreateOpt', 'oadrCreatedOpt'],
    ['EiOpt', 'oadrCancelOpt', 'oadrCanceledOpt'],
    ['EiReport', 'oadrRegisterReport', 'oadrRegisteredReport'],
    ['EiReport', 'oadrCreateReport', 'oadrCreatedReport'],
    ['EiReport', 'oadrUpdateReport', 'oadrUpdatedReport'],
    ['EiReport', 'oadrCancelReport', 'oadrCanceledReport'],
    ...(['oadrRegisteredReport', 'oadrCreatedReport', 'oadrCanceledReport', 'oadrUpdatedReport'] as const).map(
      (ack) => ['EiReport', ack, 'oadrResponse'] as const,
    ),
    ['OadrPoll', 'oadrPoll', 'oadrResponse'],
    ...OADR_SERVICES.map((service) => [service, 'oadrResponse', 'oadrResponse'] as const),
  ];

  it('TR-2: each service takes exactly its payloads of the table (and oadrResponse); VTN-only types nowhere', () => {
    expect(OADR_SERVICES.filter(isOadrService)).toEqual([
      'EiRegisterParty',
      'EiEvent',
      'EiOpt',
      'EiReport',
      'OadrPoll',
    ]);
    expect(isOadrService('eiEvent')).toBe(false);
    for (const service of OADR_SERVICES) {
      const taken = OADR_PAYLOAD_TYPES.filter((type) => acceptsPayload(service, type));
      expect([service, ...[...taken].sort()]).toEqual([
        service,
        ...table
          .filter(([s]) => s === service)
          .map(([, type]) => type)
          .sort(),
      ]);
    }
    const vtnOnly = [
      'oadrDistributeEvent',
      'oadrCreatedPartyRegistration',
      'oadrRequestReregistration',
      'oadrCreatedOpt',
      'oadrCanceledOpt',
    ] as const;
    for (const type of vtnOnly) expect(OADR_SERVICES.some((s) => acceptsPayload(s, type))).toBe(false);
  });

  it('TR-3: every inbound payload has the answer type of the table, and VTN-only types have none', () => {
    for (const [, type, answer] of table) expect([type, ANSWER_TYPE[type]]).toEqual([type, answer]);
    const inbound = new Set(table.map(([, type]) => type));
    expect(OADR_PAYLOAD_TYPES.filter((type) => !inbound.has(type) && ANSWER_TYPE[type] !== undefined)).toEqual([]);
  });

  it('RID-1 / RID-2: where the requestID to echo is', () => {
    expect(requestIdOf({ ...minimalSamples.oadrQueryRegistration, requestID: 'q' } as never)).toBe('q');
    expect(requestIdOf({ type: 'oadrRequestEvent', requestID: 're', venID: 'v' })).toBe('re');
    expect(
      requestIdOf({ type: 'oadrCreatedEvent', eiResponse: { responseCode: '200', requestID: 'ce' }, venID: 'v' }),
    ).toBe('ce');
    expect(
      requestIdOf({
        type: 'oadrCreatedReport',
        eiResponse: { responseCode: '200', requestID: 'cr' },
        oadrPendingReports: [],
      }),
    ).toBe('cr');
    expect(requestIdOf({ type: 'oadrPoll', venID: 'v' })).toBeUndefined();
  });
});

describe('ID-1 / ID-3 identifiers', () => {
  it('ID-3: operator IDs are 1-128 safe characters, not numeric-looking, not true/false', () => {
    for (const ok of ['event-1', 'a.b:c_d', 'E'.repeat(128), '1a']) expect(operatorIdProblem(ok)).toBeUndefined();
    for (const bad of ['', 'E'.repeat(129), 'with space', '123', '-1.5', '1.2.3', 'true', 'false', 'é'])
      expect(operatorIdProblem(bad)).toBeDefined();
  });

  it('ID-1: the vtnID needs an upper-case ASCII letter', () => {
    expect(vtnIdProblem('FlexgridVTN')).toBeUndefined();
    expect(vtnIdProblem('flexgrid')).toContain('upper-case');
    expect(vtnIdProblem('123')).toContain('upper-case');
    expect(vtnIdProblem('A b')).toBeDefined();
  });
});
