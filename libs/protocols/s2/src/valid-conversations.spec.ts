import {
  ddbc,
  frbc,
  instructionStatusUpdate,
  ombc,
  pebc,
  powerForecast,
  powerMeasurement,
  ppbc,
  revokeObject,
  selectControlType,
  sessionRequest,
  uuid,
} from './messages.test-util';
import { controlled } from './script.test-util';

/** The RM measures three-phase power and phase L1. */
const MEASURED = ['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 'ELECTRIC.POWER.L1'];
const session = (controlType: Parameters<typeof controlled>[0], available = [controlType]) =>
  controlled(controlType, available, MEASURED);

describe('valid conversations: no error and no warning', () => {
  it('FRBC: system description, statuses, forecasts, instruction with status updates, revoke, terminate', () => {
    const description = frbc.systemDescription([
      { id: 'dhw heater', modes: ['off', 'on'], timers: ['min-on', 'min-off'] },
    ]);
    const instruction = frbc.instruction('boost at noon', 'dhw heater', 'on');
    const storage = frbc.storageStatus(48.5);
    const s = session('FILL_RATE_BASED_CONTROL')
      .rmOk(description)
      .rmOk(frbc.actuatorStatus('dhw heater', 'off'))
      .rm(storage) // answered later: no lockstep
      .rmOk(frbc.leakageBehaviour())
      .answer('CEM', storage)
      .rmOk(frbc.usageForecast())
      .rmOk(frbc.fillLevelTargetProfile())
      .rmOk(frbc.timerStatus('dhw heater', 'min-off'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 30]]))
      .rmOk(powerForecast())
      .cemOk(instruction)
      .rmOk(instructionStatusUpdate(uuid('boost at noon'), 'ACCEPTED'))
      .rmOk(instructionStatusUpdate(uuid('boost at noon'), 'STARTED'))
      .rmOk(frbc.actuatorStatus('dhw heater', 'on', 'off'))
      .rmOk(instructionStatusUpdate(uuid('boost at noon'), 'SUCCEEDED'))
      .cemOk(frbc.instruction('second boost', 'dhw heater', 'on'))
      .cemOk(revokeObject('FRBC.Instruction', uuid('second boost')))
      .rmOk(instructionStatusUpdate(uuid('second boost'), 'REVOKED'))
      .rmOk(revokeObject('FRBC.SystemDescription', description['message_id'] as string))
      .cemOk(sessionRequest('TERMINATE'));
    const { findings, state } = s.run();
    expect(findings).toEqual([]);
    expect(state.summary).toMatchObject({
      verdict: 'valid',
      schemaValid: true,
      counts: { error: 0, warning: 0, schema: 0, state: 0, semantic: 0, strict: 0 },
    });
    expect(Object.keys(state.statuses).sort()).toEqual(
      [`actuator:${uuid('dhw heater')}`, 'storage', `timer:${uuid('dhw heater')}/${uuid('min-off')}`].sort(),
    );
    expect(Object.keys(state.forecasts).sort()).toEqual([
      'FRBC.FillLevelTargetProfile',
      'FRBC.LeakageBehaviour',
      'FRBC.UsageForecast',
      'PowerForecast',
    ]);
    expect(state.openInstructions).toEqual([]);
    expect(state.instructions[uuid('second boost')]).toMatchObject({ status: 'REVOKED', revokedAtSeq: 41 });
    expect(state.terminated?.request).toBe('TERMINATE');
  });

  it('PPBC: profile definition, status transitions, schedule, interruption start and end', () => {
    const washer = ppbc.powerProfileDefinition('wash', {
      prewash: ['short prewash', 'no prewash'],
      main: ['eco 40', 'cotton 60'],
      spin: ['spin 1200'],
    });
    const at = (container: string, sequence: string) => ({ profile: 'wash', container, sequence });
    const { findings, state } = session('POWER_PROFILE_BASED_CONTROL')
      .rmOk(washer)
      .rmOk(
        ppbc.powerProfileStatus([
          { profile: 'wash', container: 'prewash', status: 'NOT_SCHEDULED' },
          { profile: 'wash', container: 'main', status: 'NOT_SCHEDULED' },
        ]),
      )
      .cemOk(ppbc.instruction('PPBC.ScheduleInstruction', 'schedule prewash', at('prewash', 'short prewash')))
      .cemOk(ppbc.instruction('PPBC.ScheduleInstruction', 'schedule main', at('main', 'eco 40')))
      .rmOk(instructionStatusUpdate(uuid('schedule main'), 'ACCEPTED'))
      .rmOk(
        ppbc.powerProfileStatus([
          { ...at('prewash', 'short prewash'), status: 'EXECUTING' },
          { ...at('main', 'eco 40'), status: 'SCHEDULED' },
        ]),
      )
      .cemOk(ppbc.instruction('PPBC.StartInterruptionInstruction', 'pause prewash', at('prewash', 'short prewash')))
      .rmOk(ppbc.powerProfileStatus([{ ...at('prewash', 'short prewash'), status: 'INTERRUPTED' }]))
      .cemOk(ppbc.instruction('PPBC.EndInterruptionInstruction', 'resume prewash', at('prewash', 'short prewash')))
      .rmOk(
        ppbc.powerProfileStatus([
          { ...at('prewash', 'short prewash'), status: 'FINISHED' },
          { ...at('main', 'eco 40'), status: 'EXECUTING' },
        ]),
      )
      .rmOk(powerMeasurement([['ELECTRIC.POWER.L1', 2100]]))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.powerProfiles)).toEqual([uuid('wash')]);
    expect(state.statuses[`container:${uuid('wash')}/${uuid('main')}`]?.seq).toBe(29);
    expect(state.phase).toBe('ended');
  });

  it('PEBC: power constraints with a negative lower limit, energy constraint, instruction', () => {
    const { findings, state } = session('POWER_ENVELOPE_BASED_CONTROL')
      .rmOk(pebc.powerConstraints('pv limits'))
      .rmOk(pebc.energyConstraint('daily export budget'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', -3600]]))
      .cemOk(pebc.instruction('curtail at noon', 'pv limits'))
      .rmOk(instructionStatusUpdate(uuid('curtail at noon'), 'STARTED'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', -2500]]))
      .cemOk(revokeObject('PEBC.Instruction', uuid('curtail at noon')))
      .rmOk(revokeObject('PEBC.PowerConstraints', uuid('pv limits')))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.powerConstraints)).toEqual([uuid('pv limits')]);
    expect(Object.keys(state.energyConstraints)).toEqual([uuid('daily export budget')]);
    expect(state.openInstructions).toEqual([uuid('curtail at noon')]);
  });

  it('OMBC: system description, status, timer status, instruction', () => {
    const { findings, state } = session('OPERATION_MODE_BASED_CONTROL')
      .rmOk(ombc.systemDescription(['standby', 'half load', 'full load'], ['minimum run time']))
      .rmOk(ombc.status('standby'))
      .cemOk(ombc.instruction('start chp', 'full load'))
      .rmOk(ombc.status('full load', 'standby'))
      .rmOk(ombc.timerStatus('minimum run time'))
      .rmOk(instructionStatusUpdate(uuid('start chp'), 'SUCCEEDED'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', -2800]]))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.statuses)).toEqual(['device', `timer:${uuid('minimum run time')}`]);
    expect(state.statuses['device']?.seq).toBe(17);
  });

  it('DDBC: system description, status, timer status, demand forecast, instruction', () => {
    const { findings, state } = session('DEMAND_DRIVEN_BASED_CONTROL')
      .rmOk(
        ddbc.systemDescription([
          { id: 'heat pump', modes: ['hp off', 'hp on'], timers: ['compressor rest'] },
          { id: 'gas boiler', modes: ['boiler off', 'boiler on'] },
        ]),
      )
      .rmOk(ddbc.actuatorStatus('heat pump', 'hp on'))
      .rmOk(ddbc.actuatorStatus('gas boiler', 'boiler off'))
      .rmOk(ddbc.averageDemandRateForecast())
      .cemOk(ddbc.instruction('switch to gas', 'gas boiler', 'boiler on'))
      .cemOk(ddbc.instruction('heat pump off', 'heat pump', 'hp off'))
      .rmOk(ddbc.timerStatus('heat pump', 'compressor rest'))
      .rmOk(ddbc.actuatorStatus('gas boiler', 'boiler on'))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.statuses)).toEqual([
      `actuator:${uuid('heat pump')}`,
      `actuator:${uuid('gas boiler')}`,
      `timer:${uuid('heat pump')}/${uuid('compressor rest')}`,
    ]);
    expect(Object.keys(state.forecasts)).toEqual(['DDBC.AverageDemandRateForecast']);
  });

  it('NOT_CONTROLABLE: measurements and forecasts only, ending with a RECONNECT request', () => {
    const { findings, state } = session('NOT_CONTROLABLE')
      .rmOk(powerMeasurement([['ELECTRIC.POWER.L1', 120]]))
      .rmOk(powerForecast())
      .rmOk(powerMeasurement([['ELECTRIC.POWER.L1', 140]]))
      .rmOk(sessionRequest('RECONNECT'))
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('NOT_CONTROLABLE');
    expect(state.terminated).toMatchObject({ side: 'RM', request: 'RECONNECT' });
  });

  it('control-type switch FRBC → NOT_CONTROLABLE, with a TEMPORARY_ERROR followed by a resend under a new id', () => {
    const firstTry = selectControlType('NOT_CONTROLABLE');
    const { findings, state } = session('FILL_RATE_BASED_CONTROL', ['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE'])
      .rmOk(frbc.systemDescription([{ id: 'heater', modes: ['off', 'on'] }]))
      .rmOk(frbc.storageStatus(55))
      .cem(firstTry)
      .answer('RM', firstTry, 'TEMPORARY_ERROR')
      .cemOk(selectControlType('NOT_CONTROLABLE'))
      .rmOk(powerMeasurement())
      .run();
    expect(findings).toEqual([]);
    expect(state.activeControlType).toBe('NOT_CONTROLABLE');
    expect(state.statuses).toEqual({});
    expect(state.controlTypeHistory.map(({ to, undoneAtSeq }) => [to, undoneAtSeq])).toEqual([
      ['FILL_RATE_BASED_CONTROL', undefined],
      ['NOT_CONTROLABLE', 16],
      ['NOT_CONTROLABLE', undefined],
    ]);
  });
});
