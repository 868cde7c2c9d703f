import {
  ddbcActuatorStatus,
  ddbcAverageDemandRateForecast,
  ddbcInstruction,
  ddbcSystemDescription,
  ddbcTimerStatus,
  frbcActuatorStatus,
  frbcFillLevelTargetProfile,
  frbcInstruction,
  frbcLeakageBehaviour,
  frbcStorageStatus,
  frbcSystemDescription,
  frbcTimerStatus,
  frbcUsageForecast,
  handshake,
  handshakeResponse,
  instructionStatusUpdate,
  ombcInstruction,
  ombcStatus,
  ombcSystemDescription,
  ombcTimerStatus,
  pebcEnergyConstraint,
  pebcInstruction,
  pebcPowerConstraints,
  powerForecast,
  powerMeasurement,
  ppbcInstruction,
  ppbcPowerProfileDefinition,
  ppbcPowerProfileStatus,
  resourceManagerDetails,
  revokeObject,
  selectControlType,
  sessionRequest,
  uuid,
} from './messages.test-util';
import { script } from './script.test-util';

/** Handshake (the RM goes first, as s2-python does), details and selection; every message answered OK. */
function session(controlType: Parameters<typeof selectControlType>[0], available = [controlType]) {
  return script()
    .rmOk(handshake('RM'))
    .cemOk(handshake('CEM'))
    .cemOk(handshakeResponse())
    .rmOk(resourceManagerDetails(available, ['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 'ELECTRIC.POWER.L1']))
    .cemOk(selectControlType(controlType));
}

describe('valid conversations: no error and no warning', () => {
  it('FRBC: system description, statuses, forecasts, instruction with status updates, revoke, terminate', () => {
    const description = frbcSystemDescription([{ id: 'dhw heater', modes: ['off', 'on'], timers: ['min-on', 'min-off'] }]);
    const instruction = frbcInstruction('boost at noon', 'dhw heater', 'on');
    const storage = frbcStorageStatus(48.5);
    const s = session('FILL_RATE_BASED_CONTROL')
      .rmOk(description)
      .rmOk(frbcActuatorStatus('dhw heater', 'off'))
      .rm(storage) // answered later: no lockstep
      .rmOk(frbcLeakageBehaviour())
      .answer('CEM', storage)
      .rmOk(frbcUsageForecast())
      .rmOk(frbcFillLevelTargetProfile())
      .rmOk(frbcTimerStatus('dhw heater', 'min-off'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 30]]))
      .rmOk(powerForecast())
      .cemOk(instruction)
      .rmOk(instructionStatusUpdate(uuid('boost at noon'), 'ACCEPTED'))
      .rmOk(instructionStatusUpdate(uuid('boost at noon'), 'STARTED'))
      .rmOk(frbcActuatorStatus('dhw heater', 'on', 'off'))
      .rmOk(instructionStatusUpdate(uuid('boost at noon'), 'SUCCEEDED'))
      .cemOk(frbcInstruction('second boost', 'dhw heater', 'on'))
      .cemOk(revokeObject('FRBC.Instruction', uuid('second boost')))
      .rmOk(instructionStatusUpdate(uuid('second boost'), 'REVOKED'))
      .rmOk(revokeObject('FRBC.SystemDescription', description['message_id'] as string))
      .cemOk(sessionRequest('TERMINATE'));
    const { findings, state } = s.run();
    expect(findings).toEqual([]);
    expect(state.summary).toMatchObject({ verdict: 'valid', schemaValid: true, counts: { error: 0, warning: 0, schema: 0, state: 0, semantic: 0, strict: 0 } });
    expect(Object.keys(state.statuses).sort()).toEqual([`actuator:${uuid('dhw heater')}`, 'storage', `timer:${uuid('dhw heater')}/${uuid('min-off')}`].sort());
    expect(Object.keys(state.forecasts).sort()).toEqual(['FRBC.FillLevelTargetProfile', 'FRBC.LeakageBehaviour', 'FRBC.UsageForecast', 'PowerForecast']);
    expect(state.openInstructions).toEqual([]);
    expect(state.instructions[uuid('second boost')]).toMatchObject({ status: 'REVOKED', revokedAtSeq: 41 });
    expect(state.terminated?.request).toBe('TERMINATE');
  });

  it('PPBC: profile definition, status transitions, schedule, interruption start and end', () => {
    const washer = ppbcPowerProfileDefinition('wash', { prewash: ['short prewash', 'no prewash'], main: ['eco 40', 'cotton 60'], spin: ['spin 1200'] });
    const at = (container: string, sequence: string) => ({ profile: 'wash', container, sequence });
    const { findings, state } = session('POWER_PROFILE_BASED_CONTROL')
      .rmOk(washer)
      .rmOk(ppbcPowerProfileStatus([{ profile: 'wash', container: 'prewash', status: 'NOT_SCHEDULED' }, { profile: 'wash', container: 'main', status: 'NOT_SCHEDULED' }]))
      .cemOk(ppbcInstruction('PPBC.ScheduleInstruction', 'schedule prewash', at('prewash', 'short prewash')))
      .cemOk(ppbcInstruction('PPBC.ScheduleInstruction', 'schedule main', at('main', 'eco 40')))
      .rmOk(instructionStatusUpdate(uuid('schedule main'), 'ACCEPTED'))
      .rmOk(ppbcPowerProfileStatus([{ ...at('prewash', 'short prewash'), status: 'EXECUTING' }, { ...at('main', 'eco 40'), status: 'SCHEDULED' }]))
      .cemOk(ppbcInstruction('PPBC.StartInterruptionInstruction', 'pause prewash', at('prewash', 'short prewash')))
      .rmOk(ppbcPowerProfileStatus([{ ...at('prewash', 'short prewash'), status: 'INTERRUPTED' }]))
      .cemOk(ppbcInstruction('PPBC.EndInterruptionInstruction', 'resume prewash', at('prewash', 'short prewash')))
      .rmOk(ppbcPowerProfileStatus([{ ...at('prewash', 'short prewash'), status: 'FINISHED' }, { ...at('main', 'eco 40'), status: 'EXECUTING' }]))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.L1', 2100]]))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.powerProfiles)).toEqual([uuid('wash')]);
    expect(state.statuses[`container:${uuid('wash')}/${uuid('main')}`]?.seq).toBe(29);
    expect(state.phase).toBe('ended');
  });

  it('PEBC: power constraints with a negative lower limit, energy constraint, instruction', () => {
    const { findings, state } = session('POWER_ENVELOPE_BASED_CONTROL')
      .rmOk(pebcPowerConstraints('pv limits'))
      .rmOk(pebcEnergyConstraint('daily export budget'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', -3600]]))
      .cemOk(pebcInstruction('curtail at noon', 'pv limits'))
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
      .rmOk(ombcSystemDescription(['standby', 'half load', 'full load'], ['minimum run time']))
      .rmOk(ombcStatus('standby'))
      .cemOk(ombcInstruction('start chp', 'full load'))
      .rmOk(ombcStatus('full load', 'standby'))
      .rmOk(ombcTimerStatus('minimum run time'))
      .rmOk(instructionStatusUpdate(uuid('start chp'), 'SUCCEEDED'))
      .rmOk(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', -2800]]))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.statuses)).toEqual(['device', `timer:${uuid('minimum run time')}`]);
    expect(state.statuses['device']?.seq).toBe(17);
  });

  it('DDBC: system description, status, timer status, demand forecast, instruction', () => {
    const { findings, state } = session('DEMAND_DRIVEN_BASED_CONTROL')
      .rmOk(ddbcSystemDescription([{ id: 'heat pump', modes: ['hp off', 'hp on'], timers: ['compressor rest'] }, { id: 'gas boiler', modes: ['boiler off', 'boiler on'] }]))
      .rmOk(ddbcActuatorStatus('heat pump', 'hp on'))
      .rmOk(ddbcActuatorStatus('gas boiler', 'boiler off'))
      .rmOk(ddbcAverageDemandRateForecast())
      .cemOk(ddbcInstruction('switch to gas', 'gas boiler', 'boiler on'))
      .cemOk(ddbcInstruction('heat pump off', 'heat pump', 'hp off'))
      .rmOk(ddbcTimerStatus('heat pump', 'compressor rest'))
      .rmOk(ddbcActuatorStatus('gas boiler', 'boiler on'))
      .run();
    expect(findings).toEqual([]);
    expect(Object.keys(state.statuses)).toEqual([`actuator:${uuid('heat pump')}`, `actuator:${uuid('gas boiler')}`, `timer:${uuid('heat pump')}/${uuid('compressor rest')}`]);
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
      .rmOk(frbcSystemDescription([{ id: 'heater', modes: ['off', 'on'] }]))
      .rmOk(frbcStorageStatus(55))
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
