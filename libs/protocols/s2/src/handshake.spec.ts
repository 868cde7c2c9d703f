import {
  frbc,
  handshake,
  handshakeResponse,
  type Message,
  powerMeasurement,
  resourceManagerDetails,
  selectControlType,
  sessionRequest,
} from './messages.test-util';
import { connected, script, withoutDetail } from './script.test-util';

const state = (rule: string, seq: number, path: string) => ({ seq, rule, level: 'state', severity: 'error', path });

describe('S2-AFTER-TERMINATE', () => {
  it('S2-AFTER-TERMINATE: a measurement after TERMINATE is flagged, tracked and not applied; without it there is none', () => {
    const late = powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 7]]);
    const base = () => connected().rmOk(powerMeasurement()).cemOk(sessionRequest('TERMINATE'));
    const { findings, state: after } = base().rm(late).answer('CEM', late, 'INVALID_CONTENT').run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-AFTER-TERMINATE', 13, '/message_type')]);
    expect(findings[0]?.detail).toBe("PowerMeasurement after the CEM's SessionRequest TERMINATE at seq 11");
    expect(after.lastPowerMeasurement?.seq).toBe(9);
    expect(after.terminated).toEqual({ seq: 11, side: 'CEM', request: 'TERMINATE' });
    expect(base().run().findings).toEqual([]);
  });

  it('S2-AFTER-TERMINATE: a second SessionRequest gets it too, and still needs its answer', () => {
    const { findings } = connected().rmOk(sessionRequest('RECONNECT')).cem(sessionRequest('TERMINATE')).run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [11, 'S2-AFTER-TERMINATE'],
      [11, 'S2-RS-MISSING'],
    ]);
  });

  it('S2-AFTER-TERMINATE: a ReceptionStatus after TERMINATE is not flagged', () => {
    const measurement = powerMeasurement();
    expect(
      connected().rm(measurement).cemOk(sessionRequest('TERMINATE')).answer('CEM', measurement).run().findings,
    ).toEqual([]);
  });

  it('S2-AFTER-TERMINATE: a SessionRequest is allowed during the handshake and terminates', () => {
    const { findings, state: after } = script()
      .rmOk(handshake('RM'))
      .rmOk(sessionRequest('RECONNECT'))
      .cem(handshake('CEM'))
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [5, 'S2-AFTER-TERMINATE'],
      [5, 'S2-RS-MISSING'],
    ]);
    expect(after.terminated).toEqual({ seq: 3, side: 'RM', request: 'RECONNECT' });
  });
});

describe('S2-DIRECTION', () => {
  const flagged = (message: Message, by: 'RM' | 'CEM') =>
    connected(['FILL_RATE_BASED_CONTROL'])
      .send(by, message)
      .answer(by === 'RM' ? 'CEM' : 'RM', message, 'INVALID_CONTENT')
      .run();

  it('S2-DIRECTION: the CEM sends a PowerMeasurement (not applied); from the RM it is fine', () => {
    const { findings, state: after } = flagged(powerMeasurement(), 'CEM');
    expect(findings.map(withoutDetail)).toEqual([state('S2-DIRECTION', 9, '/message_type')]);
    expect(findings[0]?.detail).toBe('the CEM may not send PowerMeasurement');
    expect(after.lastPowerMeasurement).toBeNull();
    expect(connected().rmOk(powerMeasurement()).run().findings).toEqual([]);
  });

  it('S2-DIRECTION: the RM sends an instruction', () => {
    const { findings } = flagged(frbc.instruction('i', 'heater', 'on'), 'RM');
    expect(findings.map(withoutDetail)).toEqual([state('S2-DIRECTION', 9, '/message_type')]);
  });

  it('S2-DIRECTION: the RM sends SelectControlType', () => {
    const { findings, state: after } = flagged(selectControlType('FILL_RATE_BASED_CONTROL'), 'RM');
    expect(findings.map(withoutDetail)).toEqual([state('S2-DIRECTION', 9, '/message_type')]);
    expect(after.activeControlType).toBe('NO_SELECTION');
  });

  it('S2-DIRECTION: the RM sends a HandshakeResponse, which only the CEM may send', () => {
    const { findings } = script().rmOk(handshake('RM')).rm(handshakeResponse()).run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [3, 'S2-DIRECTION'],
      [3, 'S2-RS-MISSING'],
    ]);
  });
});

describe('S2-HS-FIRST', () => {
  it('S2-HS-FIRST: the RM sends a measurement before its own Handshake; after its Handshake it is HS-INCOMPLETE instead', () => {
    const measurement = powerMeasurement();
    const { findings } = script().rm(measurement).answer('CEM', measurement, 'INVALID_CONTENT').run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-FIRST', 1, '/message_type')]);
    expect(findings[0]?.detail).toBe('PowerMeasurement before the RM sent its Handshake');
    expect(connected().rmOk(measurement).run().findings).toEqual([]);
  });

  it('S2-HS-FIRST: the CEM sends SelectControlType before its own Handshake', () => {
    const select = selectControlType('NOT_CONTROLABLE');
    const { findings } = script().rmOk(handshake('RM')).cem(select).answer('RM', select, 'INVALID_CONTENT').run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-FIRST', 3, '/message_type')]);
  });

  it('S2-HS-FIRST: a HandshakeResponse before the CEM sent its own Handshake is HS-FIRST, not HSR-ORDER', () => {
    const response = handshakeResponse();
    const { findings } = script().rmOk(handshake('RM')).cem(response).answer('RM', response, 'INVALID_CONTENT').run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-FIRST', 3, '/message_type')]);
  });
});

describe('S2-HS-ROLE and S2-HS-VERSIONS', () => {
  it('S2-HS-ROLE + S2-HS-VERSIONS: both on one RM Handshake, which is still applied; the session then continues without handshake findings', () => {
    const sloppy = handshake('CEM', null);
    const { findings, state: after } = script()
      .rm(sloppy)
      .answer('CEM', sloppy, 'INVALID_CONTENT')
      .cemOk(handshake('CEM'))
      .cemOk(handshakeResponse())
      .rmOk(resourceManagerDetails(['NOT_CONTROLABLE']))
      .cemOk(selectControlType('NOT_CONTROLABLE'))
      .rmOk(powerMeasurement())
      .run();
    expect(findings.map(withoutDetail)).toEqual([
      state('S2-HS-ROLE', 1, '/role'),
      state('S2-HS-VERSIONS', 1, '/supported_protocol_versions'),
    ]);
    expect(findings[0]?.detail).toBe("Handshake role 'CEM' sent by the RM");
    expect(after.handshake.rm).toEqual({ seq: 1, role: 'CEM', supportedProtocolVersions: null });
    expect(after.phase).toBe('ended');
    expect(after.activeControlType).toBe('NOT_CONTROLABLE');
  });

  it('S2-HS-ROLE, S2-HS-VERSIONS: the repaired Handshakes give none; the CEM needs no version list', () => {
    expect(script().rmOk(handshake('RM')).cemOk(handshake('CEM', null)).run().findings).toEqual([]);
  });
});

describe('S2-HS-REPEAT', () => {
  it('S2-HS-REPEAT: a second Handshake from a side is flagged and not applied', () => {
    const again = handshake('RM', ['1.0.0']);
    const { findings, state: after } = script()
      .rmOk(handshake('RM'))
      .rm(again)
      .answer('CEM', again, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-REPEAT', 3, '/message_type')]);
    expect(findings[0]?.detail).toBe('second Handshake from the RM, the first was at seq 1');
    expect(after.handshake.rm?.supportedProtocolVersions).toEqual(['0.0.2-beta']);
    expect(script().rmOk(handshake('RM')).run().findings).toEqual([]);
  });

  it('S2-HS-REPEAT: a second applied HandshakeResponse; one alone gives none', () => {
    const again = handshakeResponse();
    const { findings } = connected().cem(again).answer('RM', again, 'INVALID_CONTENT').run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-REPEAT', 9, '/message_type')]);
    expect(connected().run().findings).toEqual([]);
  });

  it('S2-HS-REPEAT, P1: a rejected HandshakeResponse is not applied, so a later correct one is not a repeat', () => {
    const early = handshakeResponse();
    const { findings, state: after } = script()
      .cemOk(handshake('CEM'))
      .cem(early)
      .answer('RM', early, 'INVALID_CONTENT')
      .rmOk(handshake('RM'))
      .cemOk(handshakeResponse())
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[3, 'S2-HSR-ORDER']]);
    expect(after.handshake.response?.seq).toBe(7);
    expect(after.selectedProtocolVersion).toBe('0.0.2-beta');
  });
});

describe('S2-HSR-ORDER', () => {
  it('S2-HSR-ORDER: the CEM sends its Handshake, then HandshakeResponse, before the RM Handshake; in order there is none', () => {
    const early = handshakeResponse();
    const { findings, state: after } = script()
      .cemOk(handshake('CEM'))
      .cem(early)
      .answer('RM', early, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HSR-ORDER', 3, '/message_type')]);
    expect(after.phase).toBe('ended');
    expect(after.handshake.response).toBeNull();
    expect(script().cemOk(handshake('CEM')).rmOk(handshake('RM')).cemOk(handshakeResponse()).run().findings).toEqual(
      [],
    );
  });
});

describe('S2-HS-VERSION', () => {
  const negotiate = (rm: string[] | null, cem: string[] | null, selected: string) => {
    return script()
      .rmOk(handshake('RM', rm))
      .cemOk(handshake('CEM', cem))
      .cemOk(handshakeResponse(selected))
      .rmOk(resourceManagerDetails(['NOT_CONTROLABLE']))
      .run();
  };

  it("S2-HS-VERSION: a version missing from the RM's list; applied (the state shows it)", () => {
    const { findings, state: after } = negotiate(['0.0.2-beta'], ['0.0.1', '1.0.0'], '1.0.0');
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-VERSION', 5, '/selected_protocol_version')]);
    expect(findings[0]?.detail).toBe(
      "selected_protocol_version '1.0.0' is not in the supported_protocol_versions of the RM",
    );
    expect(after.selectedProtocolVersion).toBe('1.0.0');
    expect(after.resourceManagerDetails?.seq).toBe(7);
  });

  it("S2-HS-VERSION: a version missing from the CEM's list", () => {
    const { findings } = negotiate(['0.0.2-beta', '1.0.0'], ['0.0.2-beta'], '1.0.0');
    expect(findings[0]?.detail).toMatch(/of the CEM$/);
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-VERSION', 5, '/selected_protocol_version')]);
  });

  it('S2-HS-VERSION: one finding naming both when both miss it', () => {
    const { findings } = negotiate(['0.0.2-beta'], ['0.0.2-beta'], '0.0.2');
    expect(findings.map((f) => f.rule)).toEqual(['S2-HS-VERSION']);
    expect(findings[0]?.detail).toMatch(/of the RM and the CEM$/);
  });

  it('S2-HS-VERSION: none against a side whose Handshake had no list; exact string comparison', () => {
    expect(negotiate(['0.0.2-beta'], null, '0.0.2-beta').findings).toEqual([]);
    expect(negotiate(null, ['0.0.2-beta'], '0.0.2-beta').findings.map((f) => f.rule)).toEqual(['S2-HS-VERSIONS']);
    expect(negotiate(['0.0.2-beta'], null, '0.0.2-BETA').findings.map((f) => f.rule)).toEqual(['S2-HS-VERSION']);
  });
});

describe('S2-HS-INCOMPLETE', () => {
  it('S2-HS-INCOMPLETE: ResourceManagerDetails between the Handshakes and the HandshakeResponse is rejected; after it, applied', () => {
    const early = resourceManagerDetails(['NOT_CONTROLABLE']);
    const { findings, state: after } = script()
      .rmOk(handshake('RM'))
      .cemOk(handshake('CEM'))
      .rm(early)
      .answer('CEM', early, 'INVALID_CONTENT')
      .cemOk(handshakeResponse())
      .run();
    expect(findings.map(withoutDetail)).toEqual([state('S2-HS-INCOMPLETE', 5, '/message_type')]);
    expect(findings[0]?.detail).toBe('ResourceManagerDetails before the HandshakeResponse');
    expect(after.resourceManagerDetails).toBeNull();
    expect(connected().run().findings).toEqual([]);
  });
});
