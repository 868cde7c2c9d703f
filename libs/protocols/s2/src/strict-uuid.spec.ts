import { ddbc, frbc, powerMeasurement, receptionStatus, resourceManagerDetails, uuid } from './messages.test-util';
import { connected, controlled, withoutDetail } from './script.test-util';
import { findNonUuidIds } from './strict-uuid';

describe('S2-UUID (§4.4)', () => {
  it('S2-UUID: a short non-UUID message_id gives one warning, the ReceptionStatus answering it none, and the verdict stays valid', () => {
    const { findings, state } = connected().rm(powerMeasurement(undefined, 'pm-1')).cem(receptionStatus('pm-1')).run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 9, rule: 'S2-UUID', level: 'strict', severity: 'warning', path: '/message_id' },
    ]);
    expect(findings[0]?.detail).toBe("not a UUID: /message_id 'pm-1'");
    expect(state.summary.verdict).toBe('valid');
    expect(state.summary.schemaValid).toBe(true);
  });

  it('S2-UUID: the repaired conversation (UUID ids) gives none', () => {
    const id = uuid('pm-1');
    expect(connected().rm(powerMeasurement(undefined, id)).cem(receptionStatus(id)).run().findings).toEqual([]);
  });

  it('S2-UUID: with strictUuid off there are none', () => {
    const { findings } = connected()
      .rm(powerMeasurement(undefined, 'pm-1'))
      .cem(receptionStatus('pm-1'))
      .run({ strictUuid: false });
    expect(findings).toEqual([]);
  });

  it('S2-UUID: resource_id of the ResourceManagerDetails is checked', () => {
    const details = { ...resourceManagerDetails(['NOT_CONTROLABLE']), resource_id: 'heat-pump-7' };
    expect(findNonUuidIds(details)).toEqual({ detail: "not a UUID: /resource_id 'heat-pump-7'", path: '/resource_id' });
  });

  it('S2-UUID: operation_mode and every *_id member are checked', () => {
    const instruction = { ...frbc.instruction('i1', 'heater', 'on'), actuator_id: 'heater', operation_mode: 'on' };
    expect(findNonUuidIds(instruction)).toEqual({
      detail: "not UUIDs: /actuator_id 'heater', /operation_mode 'on'",
      path: '/actuator_id',
    });
  });

  it('S2-UUID: transition from/to and *_timers items are checked, and listed in one finding', () => {
    const description = frbc.systemDescription([{ id: 'buffer heater', modes: ['off', 'on'], timers: ['min-on'] }]);
    const actuator = (description['actuators'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    const [transition] = actuator['transitions'] as Array<Record<string, unknown>>;
    Object.assign(transition as object, {
      from: 'off',
      to: 'on',
      start_timers: [uuid('min-on'), 'min-on'],
      blocking_timers: ['t2'],
    });
    const result = findNonUuidIds(description);
    expect(result?.path).toBe('/actuators/0/transitions/0/from');
    expect(result?.detail).toBe(
      "not UUIDs: /actuators/0/transitions/0/from 'off', /actuators/0/transitions/0/to 'on', " +
        "/actuators/0/transitions/0/start_timers/1 'min-on', /actuators/0/transitions/0/blocking_timers/0 't2'",
    );
  });

  it("S2-UUID: DDBC's operation mode `Id` is checked", () => {
    const description = ddbc.systemDescription([{ id: 'heat pump', modes: ['off', 'on'] }]);
    const [actuator] = description['actuators'] as Array<{ operation_modes: Array<Record<string, unknown>> }>;
    Object.assign(actuator?.operation_modes[1] as object, { Id: 'on' });
    expect(findNonUuidIds(description)).toEqual({
      detail: "not a UUID: /actuators/0/operation_modes/1/Id 'on'",
      path: '/actuators/0/operation_modes/1/Id',
    });
  });

  it('S2-UUID: subject_message_id is never checked; the nil UUID passes', () => {
    expect(findNonUuidIds(receptionStatus('pm-1'))).toBeUndefined();
    expect(findNonUuidIds(powerMeasurement(undefined, '00000000-0000-0000-0000-000000000000'))).toBeUndefined();
  });

  it('S2-UUID: upper-case UUIDs of any version pass', () => {
    expect(findNonUuidIds(powerMeasurement(undefined, '6BA7B810-9DAD-11D1-80B4-00C04FD430C8'))).toBeUndefined();
  });

  it('S2-UUID: a schema-invalid message is not checked (it has S2-SCHEMA instead)', () => {
    const { findings } = connected()
      .rm({ ...powerMeasurement(undefined, 'pm-2'), power: 1 })
      .cem(receptionStatus('pm-2', 'INVALID_MESSAGE'))
      .run();
    expect(findings.map((f) => f.rule)).toEqual(['S2-SCHEMA']);
  });

  it('S2-UUID: the message is processed normally (a warned SystemDescription still fills the registry)', () => {
    const description = { ...frbc.systemDescription([{ id: 'heater', modes: ['off'] }]), message_id: 'sd-1' };
    const { findings, state } = controlled('FILL_RATE_BASED_CONTROL')
      .rm(description)
      .cem(receptionStatus('sd-1'))
      .run();
    expect(findings.map((f) => f.rule)).toEqual(['S2-UUID']);
    expect(state.systemDescription?.message).toBe(description);
  });
});
