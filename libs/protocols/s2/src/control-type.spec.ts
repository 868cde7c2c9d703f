import {
  frbc,
  handshake,
  handshakeResponse,
  instructionStatusUpdate,
  ombc,
  resourceManagerDetails,
  revokeObject,
  selectControlType,
  uuid,
} from './messages.test-util';
import { connected, controlled, script, withoutDetail } from './script.test-util';

const heater = () => frbc.systemDescription([{ id: 'heater', modes: ['off', 'on'], timers: ['min-on'] }]);
const both = ['FILL_RATE_BASED_CONTROL', 'OPERATION_MODE_BASED_CONTROL', 'NOT_CONTROLABLE'] as const;

describe('S2-SCT-NO-RMD', () => {
  it('S2-SCT-NO-RMD: SelectControlType right after the handshake is rejected; after an RMD it is applied', () => {
    const select = selectControlType('NOT_CONTROLABLE');
    const { findings, state } = script()
      .rmOk(handshake('RM'))
      .cemOk(handshake('CEM'))
      .cemOk(handshakeResponse())
      .cem(select)
      .answer('RM', select, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 7, rule: 'S2-SCT-NO-RMD', level: 'state', severity: 'error', path: '/message_type' },
    ]);
    expect(state.activeControlType).toBe('NO_SELECTION');
    expect(state.controlTypeHistory).toEqual([]);
    expect(connected().cemOk(selectControlType('NOT_CONTROLABLE')).run().findings).toEqual([]);
  });
});

describe('S2-SCT-UNSUPPORTED', () => {
  const select = (type: Parameters<typeof selectControlType>[0]) => {
    const message = selectControlType(type);
    return connected(['OPERATION_MODE_BASED_CONTROL']).cem(message).answer('RM', message, 'INVALID_CONTENT').run();
  };

  it('S2-SCT-UNSUPPORTED: a type that is not offered', () => {
    const { findings, state } = select('FILL_RATE_BASED_CONTROL');
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 9, rule: 'S2-SCT-UNSUPPORTED', level: 'state', severity: 'error', path: '/control_type' },
    ]);
    expect(findings[0]?.detail).toBe(
      "control_type 'FILL_RATE_BASED_CONTROL' is not in available_control_types [OPERATION_MODE_BASED_CONTROL]",
    );
    expect(state.activeControlType).toBe('NO_SELECTION');
  });

  it('S2-SCT-UNSUPPORTED: NOT_CONTROLABLE is not exempt when not offered', () => {
    expect(select('NOT_CONTROLABLE').findings.map((f) => f.rule)).toEqual(['S2-SCT-UNSUPPORTED']);
  });

  it('S2-SCT-UNSUPPORTED: the offered type and NO_SELECTION are accepted', () => {
    expect(
      connected(['OPERATION_MODE_BASED_CONTROL']).cemOk(selectControlType('OPERATION_MODE_BASED_CONTROL')).run()
        .findings,
    ).toEqual([]);
    const { findings, state } = controlled('OPERATION_MODE_BASED_CONTROL')
      .cemOk(selectControlType('NO_SELECTION'))
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('NO_SELECTION');
    expect(state.controlTypeHistory.map(({ from, to }) => [from, to])).toEqual([
      ['NO_SELECTION', 'OPERATION_MODE_BASED_CONTROL'],
      ['OPERATION_MODE_BASED_CONTROL', 'NO_SELECTION'],
    ]);
  });
});

describe('S2-CT-NOT-ACTIVE', () => {
  const notActive = (seq: number) => [
    { seq, rule: 'S2-CT-NOT-ACTIVE', level: 'state', severity: 'error', path: '/message_type' },
  ];

  it('S2-CT-NOT-ACTIVE: a family message before any selection is rejected; after selecting its type it is applied', () => {
    const description = heater();
    const { findings, state } = connected(['FILL_RATE_BASED_CONTROL'])
      .rm(description)
      .answer('CEM', description, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual(notActive(9));
    expect(findings[0]?.detail).toBe('FRBC.SystemDescription while NO_SELECTION is active');
    expect(state.systemDescription).toBeNull();
    expect(controlled('FILL_RATE_BASED_CONTROL').rmOk(heater()).run().findings).toEqual([]);
  });

  it("S2-CT-NOT-ACTIVE: another family's message", () => {
    const description = heater();
    const { findings } = controlled('OPERATION_MODE_BASED_CONTROL')
      .rm(description)
      .answer('CEM', description, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual(notActive(11));
  });

  it('S2-CT-NOT-ACTIVE: RevokeObject and InstructionStatusUpdate under NOT_CONTROLABLE', () => {
    const revoke = revokeObject('FRBC.Instruction', uuid('i1'));
    const update = instructionStatusUpdate(uuid('i1'), 'ACCEPTED');
    const { findings } = controlled('NOT_CONTROLABLE')
      .cem(revoke)
      .answer('RM', revoke, 'INVALID_CONTENT')
      .rm(update)
      .answer('CEM', update, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual([...notActive(11), ...notActive(13)]);
    expect(findings[0]?.detail).toBe('RevokeObject while no controllable type is active (NOT_CONTROLABLE)');
  });

  it('S2-CT-NOT-ACTIVE: a later RMD that no longer lists the active type is not flagged', () => {
    const { findings, state } = controlled('FILL_RATE_BASED_CONTROL')
      .rmOk(resourceManagerDetails(['NOT_CONTROLABLE']))
      .rmOk(heater())
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('FILL_RATE_BASED_CONTROL');
  });
});

describe('P4: undoing a refused SelectControlType', () => {
  const withFrbcRegistry = () => controlled('FILL_RATE_BASED_CONTROL', [...both]).rmOk(heater());

  it('P4: a non-OK answer to the latest switch restores the previous type and its registries; old-family messages are then clean', () => {
    const toOmbc = selectControlType('OPERATION_MODE_BASED_CONTROL');
    const { findings, state } = withFrbcRegistry()
      .cem(toOmbc) // 13
      .answer('RM', toOmbc, 'INVALID_CONTENT') // 14
      .rmOk(frbc.actuatorStatus('heater', 'on', 'off'))
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('FILL_RATE_BASED_CONTROL');
    expect(state.systemDescription?.seq).toBe(11);
    expect(state.statuses[`actuator:${uuid('heater')}`]?.seq).toBe(15);
    expect(state.controlTypeHistory).toEqual([
      { seq: 9, from: 'NO_SELECTION', to: 'FILL_RATE_BASED_CONTROL' },
      { seq: 13, from: 'FILL_RATE_BASED_CONTROL', to: 'OPERATION_MODE_BASED_CONTROL', undoneAtSeq: 14 },
    ]);
  });

  it('P4: messages of the refused family sent before the refusal are dropped with it', () => {
    const toOmbc = selectControlType('OPERATION_MODE_BASED_CONTROL');
    const { findings, state } = withFrbcRegistry()
      .cem(toOmbc)
      .rmOk(ombc.systemDescription(['idle', 'run']))
      .answer('RM', toOmbc, 'TEMPORARY_ERROR')
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('FILL_RATE_BASED_CONTROL');
    expect(state.systemDescription).toMatchObject({ seq: 11, messageType: 'FRBC.SystemDescription' });
  });

  it('P4: a non-OK answer to an earlier switch undoes nothing, even when its type is active', () => {
    const first = selectControlType('OPERATION_MODE_BASED_CONTROL');
    const second = selectControlType('OPERATION_MODE_BASED_CONTROL');
    const { findings, state } = withFrbcRegistry()
      .cem(first)
      .cemOk(second)
      .answer('RM', first, 'INVALID_CONTENT')
      .rmOk(ombc.systemDescription(['idle']))
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('OPERATION_MODE_BASED_CONTROL');
    expect(state.systemDescription).toMatchObject({ seq: 17, messageType: 'OMBC.SystemDescription' });
    expect(state.controlTypeHistory).toEqual([
      { seq: 9, from: 'NO_SELECTION', to: 'FILL_RATE_BASED_CONTROL' },
      { seq: 13, from: 'FILL_RATE_BASED_CONTROL', to: 'OPERATION_MODE_BASED_CONTROL' },
      { seq: 14, from: 'OPERATION_MODE_BASED_CONTROL', to: 'OPERATION_MODE_BASED_CONTROL' },
    ]);
  });

  it('P4 and P5: a switch refused with TEMPORARY_ERROR and then resent unchanged is a retry and switches again', () => {
    const toOmbc = selectControlType('OPERATION_MODE_BASED_CONTROL');
    const { findings, state } = withFrbcRegistry()
      .cem(toOmbc) // 13
      .answer('RM', toOmbc, 'TEMPORARY_ERROR') // 14
      .cemOk({ ...toOmbc }) // 15, 16
      .rmOk(ombc.systemDescription(['idle']))
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('OPERATION_MODE_BASED_CONTROL');
    expect(state.controlTypeHistory).toEqual([
      { seq: 9, from: 'NO_SELECTION', to: 'FILL_RATE_BASED_CONTROL' },
      { seq: 13, from: 'FILL_RATE_BASED_CONTROL', to: 'OPERATION_MODE_BASED_CONTROL', undoneAtSeq: 14 },
      { seq: 15, from: 'FILL_RATE_BASED_CONTROL', to: 'OPERATION_MODE_BASED_CONTROL' },
    ]);
  });

  it('P4: an answer with an invalid status closes the switch but undoes nothing', () => {
    const toOmbc = selectControlType('OPERATION_MODE_BASED_CONTROL');
    const { findings, state } = withFrbcRegistry().cem(toOmbc).answer('RM', toOmbc, 'REFUSED').run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[14, 'S2-SCHEMA']]);
    expect(state.activeControlType).toBe('OPERATION_MODE_BASED_CONTROL');
  });

  it('P4: an OK answer keeps the switch', () => {
    const { findings, state } = withFrbcRegistry().cemOk(selectControlType('OPERATION_MODE_BASED_CONTROL')).run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('OPERATION_MODE_BASED_CONTROL');
    expect(state.systemDescription).toBeNull();
  });
});

describe('control-type switches and registries (§6)', () => {
  it('switching clears the family registries and statuses: back in FRBC, a status needs a new SystemDescription', () => {
    const early = frbc.actuatorStatus('heater', 'off');
    const { findings, state } = controlled('FILL_RATE_BASED_CONTROL', [...both])
      .rmOk(heater())
      .rmOk(frbc.actuatorStatus('heater', 'on'))
      .cemOk(selectControlType('OPERATION_MODE_BASED_CONTROL'))
      .cemOk(selectControlType('FILL_RATE_BASED_CONTROL'))
      .rm(early)
      .answer('CEM', early, 'INVALID_CONTENT')
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[19, 'S2-SEM-PRECONDITION']]);
    expect(Object.keys(state.statuses)).toEqual([`actuator:${uuid('heater')}`]);
    expect(state.statuses[`actuator:${uuid('heater')}`]?.seq).toBe(19);
  });

  it('selecting the type that is already active keeps the registries', () => {
    const { findings, state } = controlled('FILL_RATE_BASED_CONTROL')
      .rmOk(heater())
      .cemOk(selectControlType('FILL_RATE_BASED_CONTROL'))
      .rmOk(frbc.actuatorStatus('heater', 'on'))
      .run();
    expect(findings).toEqual([]);
    expect(state.systemDescription?.seq).toBe(11);
  });

  it('instructions, objects and forecasts survive a switch', () => {
    const instruction = frbc.instruction('i1', 'heater', 'on');
    const { findings, state } = controlled('FILL_RATE_BASED_CONTROL', [...both])
      .rmOk(heater())
      .rmOk(frbc.usageForecast())
      .cemOk(instruction)
      .cemOk(selectControlType('OPERATION_MODE_BASED_CONTROL'))
      .rmOk(ombc.systemDescription(['idle']))
      .rmOk(ombc.status('idle'))
      .rmOk(instructionStatusUpdate(uuid('i1'), 'STARTED'))
      .cemOk(revokeObject('FRBC.Instruction', uuid('i1')))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.forecasts)).toEqual(['FRBC.UsageForecast']);
    expect(state.instructions[uuid('i1')]).toEqual({
      seq: 15,
      messageType: 'FRBC.Instruction',
      status: 'STARTED',
      statusSeq: 23,
      revokedAtSeq: 25,
    });
    expect(state.openInstructions).toEqual([uuid('i1')]);
  });

  it('ResourceManagerDetails re-sent in every phase after the handshake is accepted and replaces the previous one', () => {
    const { findings, state } = connected(['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE'])
      .rmOk(resourceManagerDetails(['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE'], ['ELECTRIC.POWER.L1']))
      .cemOk(selectControlType('NOT_CONTROLABLE'))
      .rmOk(resourceManagerDetails(['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE']))
      .cemOk(selectControlType('FILL_RATE_BASED_CONTROL'))
      .rmOk(resourceManagerDetails(['FILL_RATE_BASED_CONTROL'], ['ELECTRIC.POWER.L2']))
      .run();
    expect(findings).toEqual([]);
    expect(state.resourceManagerDetails?.seq).toBe(17);
    expect(state.resourceManagerDetails?.message['provides_power_measurement_types']).toEqual(['ELECTRIC.POWER.L2']);
  });
});
