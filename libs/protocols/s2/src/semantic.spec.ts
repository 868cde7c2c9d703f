import type { ControlType } from './catalog';
import {
  ddbc,
  frbc,
  handshake,
  handshakeResponse,
  instructionStatusUpdate,
  type Message,
  ombc,
  pebc,
  powerMeasurement,
  type PowerProfileInstructionType,
  ppbc,
  revokeObject,
  uuid,
} from './messages.test-util';
import { connected, controlled, script, type Script, withoutDetail } from './script.test-util';

const semantic = (rule: string, seq: number, path: string) => ({
  seq,
  rule,
  level: 'semantic',
  severity: 'error',
  path,
});

/** Under `type`, the RM or CEM sends each message of `setup` (answered OK), then `probe` (answered INVALID_CONTENT). */
function probe(type: ControlType, setup: Message[], message: Message): ReturnType<Script['run']> & { seq: number } {
  const s = controlled(type);
  for (const each of setup) send(s, each);
  const seq = s.nextSeq;
  send(s, message, 'INVALID_CONTENT');
  return { ...s.run(), seq };
}

const CEM_TYPES = /Instruction$|^RevokeObject$/;
function send(s: Script, message: Message, status = 'OK'): void {
  const fromCem = CEM_TYPES.test(String(message['message_type']));
  s.send(fromCem ? 'CEM' : 'RM', message).answer(fromCem ? 'RM' : 'CEM', message, status);
}

const FRBC = 'FILL_RATE_BASED_CONTROL';
const OMBC = 'OPERATION_MODE_BASED_CONTROL';
const DDBC = 'DEMAND_DRIVEN_BASED_CONTROL';
const PPBC = 'POWER_PROFILE_BASED_CONTROL';
const PEBC = 'POWER_ENVELOPE_BASED_CONTROL';

const frbcHeater = () => frbc.systemDescription([{ id: 'heater', modes: ['off', 'on'], timers: ['min-on'] }]);
const ombcChp = () => ombc.systemDescription(['idle', 'run'], ['cool-down']);
const ddbcHybrid = () =>
  ddbc.systemDescription([
    { id: 'heat pump', modes: ['hp off', 'hp on'], timers: ['hp-min'] },
    { id: 'boiler', modes: ['gas off', 'gas on'] },
  ]);

describe('S2-SEM-PRECONDITION', () => {
  it.each([
    ['FRBC.ActuatorStatus', FRBC, () => frbc.actuatorStatus('heater', 'on')],
    ['FRBC.StorageStatus', FRBC, () => frbc.storageStatus()],
    ['FRBC.LeakageBehaviour', FRBC, () => frbc.leakageBehaviour()],
    ['FRBC.UsageForecast', FRBC, () => frbc.usageForecast()],
    ['FRBC.FillLevelTargetProfile', FRBC, () => frbc.fillLevelTargetProfile()],
    ['FRBC.TimerStatus', FRBC, () => frbc.timerStatus('heater', 'min-on')],
    ['OMBC.Status', OMBC, () => ombc.status('run')],
    ['OMBC.TimerStatus', OMBC, () => ombc.timerStatus('cool-down')],
    ['DDBC.ActuatorStatus', DDBC, () => ddbc.actuatorStatus('heat pump', 'hp on')],
    ['DDBC.TimerStatus', DDBC, () => ddbc.timerStatus('heat pump', 'hp-min')],
    ['DDBC.AverageDemandRateForecast', DDBC, () => ddbc.averageDemandRateForecast()],
  ] as const)(
    'S2-SEM-PRECONDITION: %s before its SystemDescription is flagged and applied; after it, clean',
    (type, controlType, message) => {
      const broken = probe(controlType, [], message());
      expect(broken.findings.map(withoutDetail)).toEqual([
        semantic('S2-SEM-PRECONDITION', broken.seq, '/message_type'),
      ]);
      expect(broken.findings[0]?.detail).toBe(`${type} before any ${type.slice(0, 4)}.SystemDescription`);
      const applied = [...Object.values(broken.state.statuses), ...Object.values(broken.state.forecasts)].map(
        (entry) => entry.seq,
      );
      expect(applied).toEqual([broken.seq]);
      const description = {
        FILL_RATE_BASED_CONTROL: frbcHeater,
        OPERATION_MODE_BASED_CONTROL: ombcChp,
        DEMAND_DRIVEN_BASED_CONTROL: ddbcHybrid,
      }[controlType];
      expect(probe(controlType, [description()], message()).findings).toEqual([]);
    },
  );

  it('S2-SEM-PRECONDITION: PPBC has none; a status before any definition names unknown ids instead', () => {
    const { findings, seq } = probe(
      PPBC,
      [],
      ppbc.powerProfileStatus([{ profile: 'wash', container: 'main', status: 'NOT_SCHEDULED' }]),
    );
    expect(findings.map(withoutDetail)).toEqual([
      semantic('S2-SEM-REF', seq, '/sequence_container_status/0/power_profile_id'),
    ]);
  });
});

describe('S2-SEM-REF: FRBC, OMBC and DDBC', () => {
  it.each([
    [
      'FRBC unknown actuator (Instruction)',
      FRBC,
      frbcHeater,
      () => frbc.instruction('i', 'pump', 'on'),
      '/actuator_id',
    ],
    [
      'FRBC unknown mode (Instruction)',
      FRBC,
      frbcHeater,
      () => frbc.instruction('i', 'heater', 'boost'),
      '/operation_mode',
    ],
    [
      'FRBC unknown actuator (ActuatorStatus)',
      FRBC,
      frbcHeater,
      () => frbc.actuatorStatus('pump', 'on'),
      '/actuator_id',
    ],
    [
      'FRBC unknown active mode',
      FRBC,
      frbcHeater,
      () => frbc.actuatorStatus('heater', 'boost'),
      '/active_operation_mode_id',
    ],
    [
      'FRBC unknown previous mode',
      FRBC,
      frbcHeater,
      () => frbc.actuatorStatus('heater', 'on', 'boost'),
      '/previous_operation_mode_id',
    ],
    ['FRBC unknown timer', FRBC, frbcHeater, () => frbc.timerStatus('heater', 'max-on'), '/timer_id'],
    ['FRBC unknown actuator (TimerStatus)', FRBC, frbcHeater, () => frbc.timerStatus('pump', 'min-on'), '/actuator_id'],
    ['OMBC unknown mode (Instruction)', OMBC, ombcChp, () => ombc.instruction('i', 'turbo'), '/operation_mode_id'],
    ['OMBC unknown active mode', OMBC, ombcChp, () => ombc.status('turbo'), '/active_operation_mode_id'],
    ['OMBC unknown previous mode', OMBC, ombcChp, () => ombc.status('run', 'turbo'), '/previous_operation_mode_id'],
    ['OMBC unknown timer', OMBC, ombcChp, () => ombc.timerStatus('warm-up'), '/timer_id'],
    [
      'DDBC unknown actuator (Instruction)',
      DDBC,
      ddbcHybrid,
      () => ddbc.instruction('i', 'stove', 'gas on'),
      '/actuator_id',
    ],
    [
      'DDBC unknown mode (Instruction)',
      DDBC,
      ddbcHybrid,
      () => ddbc.instruction('i', 'boiler', 'hp on'),
      '/operation_mode_id',
    ],
    [
      'DDBC unknown actuator (ActuatorStatus)',
      DDBC,
      ddbcHybrid,
      () => ddbc.actuatorStatus('stove', 'gas on'),
      '/actuator_id',
    ],
    [
      'DDBC unknown active mode',
      DDBC,
      ddbcHybrid,
      () => ddbc.actuatorStatus('boiler', 'hp on'),
      '/active_operation_mode_id',
    ],
    [
      'DDBC unknown previous mode',
      DDBC,
      ddbcHybrid,
      () => ddbc.actuatorStatus('boiler', 'gas on', 'hp off'),
      '/previous_operation_mode_id',
    ],
    ['DDBC unknown timer', DDBC, ddbcHybrid, () => ddbc.timerStatus('boiler', 'hp-min'), '/timer_id'],
  ] as const)('S2-SEM-REF: %s', (_case, controlType, description, message, path) => {
    const broken = probe(controlType, [description()], message());
    expect(broken.findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', broken.seq, path)]);
  });

  it.each([
    ['FRBC.Instruction', FRBC, () => frbc.instruction('i', 'heater', 'on'), '/actuator_id'],
    ['OMBC.Instruction', OMBC, () => ombc.instruction('i', 'run'), '/operation_mode_id'],
    ['DDBC.Instruction', DDBC, () => ddbc.instruction('i', 'boiler', 'gas on'), '/actuator_id'],
  ] as const)(
    'S2-SEM-REF: %s before any SystemDescription names an unknown id, and is registered',
    (_type, controlType, message, path) => {
      const { findings, seq, state } = probe(controlType, [], message());
      expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, path)]);
      expect(state.instructions[uuid('i')]?.seq).toBe(seq);
    },
  );

  it('S2-SEM-REF: the repaired FRBC, OMBC and DDBC references give none', () => {
    expect(probe(FRBC, [frbcHeater()], frbc.instruction('i', 'heater', 'on')).findings).toEqual([]);
    expect(probe(FRBC, [frbcHeater()], frbc.timerStatus('heater', 'min-on')).findings).toEqual([]);
    expect(probe(FRBC, [frbcHeater()], frbc.actuatorStatus('heater', 'on', 'off')).findings).toEqual([]);
    expect(probe(OMBC, [ombcChp()], ombc.instruction('i', 'run')).findings).toEqual([]);
    expect(probe(OMBC, [ombcChp()], ombc.status('run', 'idle')).findings).toEqual([]);
    expect(probe(OMBC, [ombcChp()], ombc.timerStatus('cool-down')).findings).toEqual([]);
    expect(probe(DDBC, [ddbcHybrid()], ddbc.instruction('i', 'boiler', 'gas on')).findings).toEqual([]);
    expect(probe(DDBC, [ddbcHybrid()], ddbc.actuatorStatus('boiler', 'gas on', 'gas off')).findings).toEqual([]);
    expect(probe(DDBC, [ddbcHybrid()], ddbc.timerStatus('heat pump', 'hp-min')).findings).toEqual([]);
  });

  it('S2-SEM-REF: every bad reference of one message goes into one finding at the first pointer', () => {
    const { findings, seq } = probe(FRBC, [frbcHeater()], frbc.actuatorStatus('heater', 'boost', 'turbo'));
    expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, '/active_operation_mode_id')]);
    expect(findings[0]?.detail).toBe(
      `active_operation_mode_id '${uuid('boost')}' is not an operation mode of actuator '${uuid('heater')}'; ` +
        `previous_operation_mode_id '${uuid('turbo')}' is not an operation mode of actuator '${uuid('heater')}'`,
    );
  });

  it('S2-SEM-REF: the latest SystemDescription replaces the registry', () => {
    const replaced = frbc.systemDescription([{ id: 'heater', modes: ['eco'] }]);
    expect(
      probe(FRBC, [frbcHeater(), replaced], frbc.instruction('i', 'heater', 'on')).findings.map((f) => f.rule),
    ).toEqual(['S2-SEM-REF']);
  });
});

describe('S2-SEM-REF: PPBC', () => {
  const washer = () =>
    ppbc.powerProfileDefinition('wash', { prewash: ['short', 'long'], main: ['eco 40', 'cotton 60'] });
  const statusOf = (profile: string, container: string, sequence?: string) =>
    ppbc.powerProfileStatus([
      { profile: 'wash', container: 'prewash', sequence: 'short', status: 'FINISHED' },
      { profile, container, status: 'SCHEDULED', ...(sequence ? { sequence } : {}) },
    ]);

  it.each([
    ['unknown profile', 'dry', 'main', undefined, '/sequence_container_status/1/power_profile_id'],
    ['unknown container', 'wash', 'spin', undefined, '/sequence_container_status/1/sequence_container_id'],
    ['unknown selected sequence', 'wash', 'main', 'short', '/sequence_container_status/1/selected_sequence_id'],
  ])(
    'S2-SEM-REF: PowerProfileStatus with an %s; both status entries are still applied',
    (_case, profile, container, sequence, path) => {
      const { findings, seq, state } = probe(PPBC, [washer()], statusOf(profile, container, sequence));
      expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, path)]);
      const applied = Object.fromEntries(Object.entries(state.statuses).map(([key, entry]) => [key, entry.seq]));
      expect(applied).toEqual({
        [`container:${uuid('wash')}/${uuid('prewash')}`]: seq,
        [`container:${uuid(profile)}/${uuid(container)}`]: seq,
      });
    },
  );

  it('S2-SEM-REF: the repaired PowerProfileStatus gives none', () => {
    expect(probe(PPBC, [washer()], statusOf('wash', 'main', 'cotton 60')).findings).toEqual([]);
  });

  const instructionTypes: PowerProfileInstructionType[] = [
    'PPBC.ScheduleInstruction',
    'PPBC.StartInterruptionInstruction',
    'PPBC.EndInterruptionInstruction',
  ];
  it.each(
    instructionTypes.flatMap(
      (type) =>
        [
          [type, { profile: 'dry', container: 'main', sequence: 'eco 40' }, '/power_profile_id'],
          [type, { profile: 'wash', container: 'spin', sequence: 'eco 40' }, '/sequence_container_id'],
          [type, { profile: 'wash', container: 'main', sequence: 'short' }, '/power_sequence_id'],
        ] as const,
    ),
  )('S2-SEM-REF: %s naming %j', (type, reference, path) => {
    const { findings, seq } = probe(PPBC, [washer()], ppbc.instruction(type, 'w1', reference));
    expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, path)]);
    expect(
      probe(PPBC, [washer()], ppbc.instruction(type, 'w1', { profile: 'wash', container: 'main', sequence: 'eco 40' }))
        .findings,
    ).toEqual([]);
  });

  it('S2-SEM-REF: a re-sent profile definition replaces the profile', () => {
    const smaller = ppbc.powerProfileDefinition('wash', { main: ['eco 40'] });
    const { findings } = probe(
      PPBC,
      [washer(), smaller],
      ppbc.instruction('PPBC.ScheduleInstruction', 'w1', { profile: 'wash', container: 'prewash', sequence: 'short' }),
    );
    expect(findings.map((f) => f.path)).toEqual(['/sequence_container_id']);
  });
});

describe('S2-SEM-REF: PEBC', () => {
  it('S2-SEM-REF: an unknown power_constraints_id; the repaired one gives none', () => {
    const { findings, seq } = probe(
      PEBC,
      [pebc.powerConstraints('pv limits')],
      pebc.instruction('curtail', 'other limits'),
    );
    expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, '/power_constraints_id')]);
    expect(
      probe(PEBC, [pebc.powerConstraints('pv limits')], pebc.instruction('curtail', 'pv limits')).findings,
    ).toEqual([]);
  });

  it('S2-SEM-REF: an EnergyConstraint id does not count as power_constraints_id (ours)', () => {
    const { findings, seq } = probe(
      PEBC,
      [pebc.energyConstraint('daily budget')],
      pebc.instruction('curtail', 'daily budget'),
    );
    expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, '/power_constraints_id')]);
    expect(findings[0]?.detail).toMatch(/only a PEBC.EnergyConstraint has that id/);
  });
});

describe('S2-SEM-REF: instructions and revocation', () => {
  it('S2-SEM-REF: an InstructionStatusUpdate for an unknown instruction_id; for a known one, none', () => {
    const { findings, seq } = probe(FRBC, [frbcHeater()], instructionStatusUpdate(uuid('i9'), 'ACCEPTED'));
    expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', seq, '/instruction_id')]);
    const known = probe(
      FRBC,
      [frbcHeater(), frbc.instruction('i9', 'heater', 'on')],
      instructionStatusUpdate(uuid('i9'), 'SUCCEEDED'),
    );
    expect(known.findings).toEqual([]);
    expect(known.state.openInstructions).toEqual([]);
    expect(known.state.instructions[uuid('i9')]).toMatchObject({ status: 'SUCCEEDED', statusSeq: known.seq });
  });

  it('S2-SEM-REF: an instruction rejected by a gate was never applied, so its id is unknown', () => {
    const instruction = frbc.instruction('i9', 'heater', 'on');
    const { findings } = controlled(OMBC)
      .cem(instruction)
      .answer('RM', instruction, 'INVALID_CONTENT')
      .rmOk(instructionStatusUpdate(uuid('i9'), 'REJECTED'))
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [11, 'S2-CT-NOT-ACTIVE'],
      [13, 'S2-SEM-REF'],
    ]);
  });

  it('S2-SEM-REF: RevokeObject of an unknown object; a SystemDescription revoked by its message_id is accepted', () => {
    const description = frbcHeater();
    const unknown = probe(FRBC, [description], revokeObject('FRBC.SystemDescription', uuid('some other')));
    expect(unknown.findings.map(withoutDetail)).toEqual([semantic('S2-SEM-REF', unknown.seq, '/object_id')]);
    const byMessageId = probe(
      FRBC,
      [description],
      revokeObject('FRBC.SystemDescription', description['message_id'] as string),
    );
    expect(byMessageId.findings).toEqual([]);
  });

  it('S2-SEM-REF: RevokeObject needs the right object_type; a revoked instruction stays known and gets revokedAtSeq', () => {
    const wrongType = probe(
      FRBC,
      [frbcHeater(), frbc.instruction('i1', 'heater', 'on')],
      revokeObject('PEBC.Instruction', uuid('i1')),
    );
    expect(wrongType.findings.map((f) => f.rule)).toEqual(['S2-SEM-REF']);
    const twice = controlled(FRBC)
      .rmOk(frbcHeater())
      .cemOk(frbc.instruction('i1', 'heater', 'on'))
      .cemOk(revokeObject('FRBC.Instruction', uuid('i1')));
    const seq = twice.nextSeq;
    const { findings, state } = twice.cemOk(revokeObject('FRBC.Instruction', uuid('i1'))).run();
    expect(findings).toEqual([]);
    expect(state.instructions[uuid('i1')]?.revokedAtSeq).toBe(seq);
  });

  it('RevokeObject of another family is allowed while any controllable type is active', () => {
    const { findings } = controlled(FRBC, [FRBC, PEBC])
      .cemOk({ message_type: 'SelectControlType', message_id: uuid('to pebc'), control_type: PEBC })
      .rmOk(pebc.powerConstraints('pv limits'))
      .cemOk({ message_type: 'SelectControlType', message_id: uuid('back'), control_type: FRBC })
      .rmOk(revokeObject('PEBC.PowerConstraints', uuid('pv limits')))
      .run();
    expect(findings).toEqual([]);
  });
});

describe('S2-SEM-MEASUREMENT', () => {
  const connectedMeasuring = (measures: string[]) => connected(['NOT_CONTROLABLE'], measures);

  it('S2-SEM-MEASUREMENT: an unannounced quantity is flagged and the measurement applied; announced ones give none', () => {
    const measurement = powerMeasurement([
      ['ELECTRIC.POWER.L1', 230],
      ['ELECTRIC.POWER.L2', 120],
      ['ELECTRIC.POWER.L3', 110],
    ]);
    const { findings, state } = connectedMeasuring(['ELECTRIC.POWER.L1'])
      .rm(measurement)
      .answer('CEM', measurement, 'INVALID_CONTENT')
      .run();
    expect(findings.map(withoutDetail)).toEqual([semantic('S2-SEM-MEASUREMENT', 9, '/values/1/commodity_quantity')]);
    expect(findings[0]?.detail).toBe(
      "'ELECTRIC.POWER.L2', 'ELECTRIC.POWER.L3' not in provides_power_measurement_types of the ResourceManagerDetails",
    );
    expect(state.lastPowerMeasurement?.seq).toBe(9);
    expect(
      connectedMeasuring(['ELECTRIC.POWER.L1', 'ELECTRIC.POWER.L2', 'ELECTRIC.POWER.L3']).rmOk(measurement).run()
        .findings,
    ).toEqual([]);
  });

  it('S2-SEM-MEASUREMENT: no check before any ResourceManagerDetails', () => {
    const measurement = powerMeasurement([['HEAT.THERMAL_POWER', 4000]]);
    expect(
      script().rmOk(handshake('RM')).cemOk(handshake('CEM')).cemOk(handshakeResponse()).rmOk(measurement).run()
        .findings,
    ).toEqual([]);
  });

  it('semantic off: no S2-SEM-* finding at all, but the registries and statuses are kept', () => {
    const measurement = powerMeasurement([['HEAT.THERMAL_POWER', 4000]]);
    const s = controlled(FRBC)
      .rmOk(measurement)
      .rmOk(frbc.actuatorStatus('heater', 'on'))
      .cemOk(frbc.instruction('i', 'pump', 'on'))
      .rmOk(instructionStatusUpdate(uuid('nothing'), 'NEW'));
    expect(
      s
        .run()
        .findings.map((f) => f.rule)
        .sort(),
    ).toEqual(['S2-SEM-MEASUREMENT', 'S2-SEM-PRECONDITION', 'S2-SEM-REF', 'S2-SEM-REF']);
    const { findings, state } = s.run({ semantic: false });
    expect(findings).toEqual([]);
    expect(state.statuses[`actuator:${uuid('heater')}`]?.seq).toBe(13);
    expect(state.instructions[uuid('i')]?.seq).toBe(15);
  });
});
