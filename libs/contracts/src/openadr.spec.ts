import { examples, without } from './examples.test-util';
import { catalog, ContractValidator } from './index';

const validator = new ContractValidator(catalog);
const events = examples['openadr.events'];
const opt = examples['openadr.opt'];
const status = examples['openadr.ven-status'];

describe('openadr.events', () => {
  const created = events['openadr.event.created'].data;
  const check = (type: string, data: unknown) => validator.check('openadr.events', type, 'evt-2030-05-01', data);

  it('ties the modification number and cancelled flag to the event type (EV-2, EV-8, EV-9)', () => {
    expect(check('openadr.event.created', { ...created, modificationNumber: 1 })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /modificationNumber must be 0',
    });
    expect(check('openadr.event.modified', { ...created })).toEqual({
      ok: false,
      reason: 'openadr.event.modified data /modificationNumber must be >= 1',
    });
    expect(check('openadr.event.cancelled', { ...created, modificationNumber: 3 })).toEqual({
      ok: false,
      reason: 'openadr.event.cancelled data /cancelled must be true',
    });
    expect(check('openadr.event.modified', { ...created, modificationNumber: 1, cancelled: true })).toEqual({
      ok: false,
      reason: 'openadr.event.modified data /cancelled must be false',
    });
  });

  it('refuses an interval start without a time zone (FMT-1 writes UTC with Z)', () => {
    const signals = [
      { ...created.signals[0], intervals: [{ uid: 0, start: '2030-05-01T12:00:00', durationSeconds: 3600, value: 1 }] },
    ];
    expect(check('openadr.event.created', { ...created, signals })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /signals/0/intervals/0/start must match format "date-time"',
    });
  });

  it('accepts x- signal names and refuses names outside SignalName', () => {
    const named = (name: string) => ({ ...created, signals: [{ ...created.signals[0], name }] });
    expect(check('openadr.event.created', named('x-co2-intensity'))).toEqual({ ok: true });
    expect(check('openadr.event.created', named('PRICE'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^openadr.event.created data \/signals\/0\/name must match pattern/),
    });
  });

  it('lists the SignalType values when a type is unknown', () => {
    const signals = [{ ...created.signals[0], type: 'levels' }];
    expect(check('openadr.event.created', { ...created, signals })).toEqual({
      ok: false,
      reason:
        'openadr.event.created data /signals/0/type must be one of "delta", "level", "multiplier", "price", "priceMultiplier", "priceRelative", "setpoint", "x-loadControlCapacity", "x-loadControlLevelOffset", "x-loadControlPercentOffset", "x-loadControlSetpoint"',
    });
  });

  it('ties signal units to their item (§5.1 units shapes)', () => {
    const withUnits = (units: unknown) => ({ ...created, signals: [{ ...created.signals[0], units }] });
    expect(
      check(
        'openadr.event.created',
        withUnits({ item: 'powerReal', units: 'W', scale: 'k', hertz: 50, voltage: 230, ac: true }),
      ),
    ).toEqual({ ok: true });
    expect(
      check('openadr.event.created', withUnits({ item: 'customUnit', description: 'CO2', units: 'g/kWh' })),
    ).toEqual({ ok: true });
    const kWh = check('openadr.event.created', withUnits({ item: 'energyReal', units: 'kWh', scale: 'none' }));
    expect(kWh.ok).toBe(false);
    expect(kWh.ok === false && kWh.reason).toContain(
      'openadr.event.created data /signals/0/units must match exactly one schema in oneOf',
    );
    expect(kWh.ok === false && kWh.reason).toContain('/signals/0/units/units must be "Wh"');
    const currency = check('openadr.event.created', withUnits({ item: 'currency', units: 'euro' }));
    expect(currency.ok === false && currency.reason).toContain(
      '/signals/0/units/units must match pattern "^[A-Z]{3}$"',
    );
  });

  it('refuses ids that openleadr would turn into numbers or booleans (ID-3)', () => {
    for (const eventId of ['12345', '1.5', 'true']) {
      expect(
        validator.check('openadr.events', 'openadr.event.created', eventId, { ...created, eventId }),
      ).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^openadr.event.created data \/eventId must match pattern/),
      });
    }
  });

  it('refuses fields the contract does not have, such as the status (EV-6: not published)', () => {
    expect(check('openadr.event.created', { ...created, status: 'far' })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /status is not an allowed property',
    });
  });

  it('refuses an event without signals and a priority beyond 2^32 - 1', () => {
    expect(check('openadr.event.created', { ...created, signals: [] })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /signals must NOT have fewer than 1 items',
    });
    expect(check('openadr.event.created', { ...created, priority: 4294967296 })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /priority must be <= 4294967295',
    });
  });

  it('keeps targets open but typed', () => {
    expect(check('openadr.event.created', { ...created, targets: { all: true } })).toEqual({ ok: true });
    expect(check('openadr.event.created', { ...created, targets: {} })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /targets must NOT have fewer than 1 properties',
    });
    expect(check('openadr.event.created', { ...created, targets: { venIds: 'ven-a' } })).toEqual({
      ok: false,
      reason: 'openadr.event.created data /targets/venIds must be array',
    });
  });
});

describe('openadr.opt', () => {
  const response = opt['openadr.opt.event-response'].data;
  const schedule = opt['openadr.opt.schedule'].data;
  const cancelledEventOpt = opt['openadr.opt.cancelled'].data;
  const cancelledSchedule = { venId: 'ven-a', optId: 'opt-7', receivedAt: '2030-04-30T09:00:00.000Z' };

  it('refuses an optType that is not optIn or optOut', () => {
    expect(
      validator.check('openadr.opt', 'openadr.opt.event-response', 'evt-2030-05-01', { ...response, optType: 'optin' }),
    ).toEqual({
      ok: false,
      reason: 'openadr.opt.event-response data /optType must be one of "optIn", "optOut"',
    });
  });

  it('keeps the response code as the three-digit text of ei:responseCode', () => {
    expect(
      validator.check('openadr.opt', 'openadr.opt.event-response', 'evt-2030-05-01', {
        ...response,
        responseCode: '460',
      }),
    ).toEqual({ ok: true });
    expect(
      validator.check('openadr.opt', 'openadr.opt.event-response', 'evt-2030-05-01', {
        ...response,
        responseCode: 200,
      }),
    ).toEqual({
      ok: false,
      reason: 'openadr.opt.event-response data /responseCode must be string',
    });
  });

  it('accepts an EiOpt event opt with its optional fields', () => {
    const eiOpt = {
      ...response,
      source: 'eiOpt',
      optId: 'opt-3',
      optReason: 'economic',
      resourceIds: ['resource-1'],
      stale: true,
      currentModificationNumber: 1,
    };
    expect(validator.check('openadr.opt', 'openadr.opt.event-response', 'evt-2030-05-01', eiOpt)).toEqual({ ok: true });
    expect(
      validator.check('openadr.opt', 'openadr.opt.event-response', 'evt-2030-05-01', {
        ...eiOpt,
        optReason: 'cheaper',
      }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^openadr.opt.event-response data \/optReason must match pattern/),
    });
  });

  it('requires the periods of a schedule, each with start and end', () => {
    const noPeriods = without(schedule, 'periods');
    expect(validator.check('openadr.opt', 'openadr.opt.schedule', 'ven-a', noPeriods)).toEqual({
      ok: false,
      reason: "openadr.opt.schedule data / must have required property 'periods'",
    });
    expect(
      validator.check('openadr.opt', 'openadr.opt.schedule', 'ven-a', {
        ...schedule,
        periods: [{ start: '2030-05-02T06:00:00.000Z', duration: 'PT2H' }],
      }),
    ).toEqual({
      ok: false,
      reason: "openadr.opt.schedule data /periods/0 must have required property 'end'",
    });
  });

  it('keys event opts by eventId and schedules by venId (keyByEventType)', () => {
    expect(validator.check('openadr.opt', 'openadr.opt.event-response', 'ven-a', response)).toEqual({
      ok: false,
      reason: 'record key "ven-a" differs from eventId "evt-2030-05-01"',
    });
    expect(validator.check('openadr.opt', 'openadr.opt.schedule', 'ven-a', schedule)).toEqual({ ok: true });
    expect(validator.check('openadr.opt', 'openadr.opt.schedule', 'opt-7', schedule)).toEqual({
      ok: false,
      reason: 'record key "opt-7" differs from venId "ven-a"',
    });
  });

  it('accepts both shapes of openadr.opt.cancelled, each under its own key', () => {
    expect(validator.check('openadr.opt', 'openadr.opt.cancelled', 'evt-2030-05-01', cancelledEventOpt)).toEqual({
      ok: true,
    });
    expect(validator.check('openadr.opt', 'openadr.opt.cancelled', 'ven-a', cancelledEventOpt)).toEqual({
      ok: false,
      reason: 'record key "ven-a" differs from eventId "evt-2030-05-01"',
    });
    expect(validator.check('openadr.opt', 'openadr.opt.cancelled', 'ven-a', cancelledSchedule)).toEqual({ ok: true });
    expect(validator.check('openadr.opt', 'openadr.opt.cancelled', 'evt-2030-05-01', cancelledSchedule)).toEqual({
      ok: false,
      reason: 'record key "evt-2030-05-01" differs from venId "ven-a"',
    });
  });

  it('refuses any third shape of openadr.opt.cancelled', () => {
    expect(
      validator.check('openadr.opt', 'openadr.opt.cancelled', 'ven-a', { ...cancelledSchedule, optType: 'optOut' }),
    ).toEqual({
      ok: false,
      reason: 'openadr.opt.cancelled data /optType is not an allowed property',
    });
    const noOptId = without(cancelledSchedule, 'optId');
    expect(validator.check('openadr.opt', 'openadr.opt.cancelled', 'ven-a', noOptId)).toEqual({
      ok: false,
      reason: "openadr.opt.cancelled data / must have required property 'optId'",
    });
  });
});

describe('openadr.ven-status', () => {
  it('carries ISO date-times, not epoch milliseconds', () => {
    const offline = status['openadr.ven.offline'].data;
    expect(
      validator.check('openadr.ven-status', 'openadr.ven.offline', 'ven-a', { ...offline, at: 1_904_212_831_000 }),
    ).toEqual({
      ok: false,
      reason: 'openadr.ven.offline data /at must be string',
    });
  });

  it('limits the poll frequency to PT1S…PT24H and requires the time of the transition', () => {
    const registered = status['openadr.ven.registered'].data;
    expect(
      validator.check('openadr.ven-status', 'openadr.ven.registered', 'ven-a', { ...registered, pollFreqSeconds: 0 }),
    ).toEqual({
      ok: false,
      reason: 'openadr.ven.registered data /pollFreqSeconds must be >= 1',
    });
    expect(validator.check('openadr.ven-status', 'openadr.ven.online', 'ven-a', { venId: 'ven-a' })).toEqual({
      ok: false,
      reason: "openadr.ven.online data / must have required property 'at'",
    });
  });
});
