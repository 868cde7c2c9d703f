import { catalog, ContractValidator, deadLetterTopicOf, physicalTopics } from './index';

describe('contract validation', () => {
  const validator = new ContractValidator(catalog);
  const reading = { meterId: 'ven1:r1', startTime: 0, endTime: 900_000, energyWh: 12, source: 'test' };

  it('accepts a valid meter.reading keyed by its meterId', () => {
    expect(validator.check('meter.readings', 'meter.reading', 'ven1:r1', reading)).toEqual({ ok: true });
  });

  it('names the failing field of an invalid record', () => {
    const check = validator.check('meter.readings', 'meter.reading', 'ven1:r1', { ...reading, energyWh: 1.5 });
    expect(check).toEqual({ ok: false, reason: 'meter.reading data /energyWh must be integer' });
  });

  it('refuses an event type the topic does not carry', () => {
    const check = validator.check('meter.readings', 'meter.read', 'ven1:r1', reading);
    expect(check.ok).toBe(false);
    expect(check.ok === false && check.reason).toMatch(/event type meter.read is not allowed on meter.readings/);
  });

  it('refuses a record whose key is not the key field of its data', () => {
    const check = validator.check('meter.readings', 'meter.reading', 'other', reading);
    expect(check).toEqual({ ok: false, reason: 'record key "other" differs from meterId "ven1:r1"' });
  });

  it('lists a dead-letter topic beside every catalog topic', () => {
    const names = physicalTopics(catalog).map((t) => t.name);
    for (const name of Object.keys(catalog)) expect(names).toContain(deadLetterTopicOf(name));
  });
});
