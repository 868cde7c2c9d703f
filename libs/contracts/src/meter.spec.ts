import { examples, without } from './examples.test-util';
import { catalog, ContractValidator } from './index';

const validator = new ContractValidator(catalog);
const reading = examples['meter.readings']['meter.reading'].data;
const hello = examples['meter.readings']['channel.hello'].data;
const goodbye = examples['meter.readings']['channel.goodbye'].data;
const check = (type: string, data: unknown, key = 'ven-a:rid-usage') =>
  validator.check('meter.readings', type, key, data);

describe('meter.readings', () => {
  it('accepts the record of every writer: VTN (RP-13), analyzer (DESIGN.md) and P2P source (P2P §3.1)', () => {
    const analyzer = {
      meterId: 'cem-1:rm-1:ELECTRIC.POWER.L1',
      startTime: 1_800_000_000_000,
      endTime: 1_800_000_010_000,
      powerW: -1200,
      energyWh: -3,
      source: 's2-analyzer',
      origin: { sessionId: 'session-13', seq: 17 },
    };
    expect(check('meter.reading', analyzer, analyzer.meterId)).toEqual({ ok: true });
    const source = {
      meterId: 'PANEL0001',
      startTime: 1_800_000_000_001,
      endTime: 1_800_000_030_000,
      bounds: 'inclusive',
      energyWh: 1250,
      command: 'output',
      source: 'p2p-simulator',
    };
    expect(check('meter.reading', source, 'PANEL0001')).toEqual({ ok: true });
  });

  it('refuses times given as ISO strings and fractional energy (integer ms, integer Wh)', () => {
    expect(check('meter.reading', { ...reading, startTime: '2027-01-15T08:00:00Z' })).toEqual({
      ok: false,
      reason: 'meter.reading data /startTime must be integer',
    });
    expect(check('meter.reading', { ...reading, energyWh: 0.75 })).toEqual({
      ok: false,
      reason: 'meter.reading data /energyWh must be integer',
    });
    expect(check('meter.reading', { ...reading, powerW: 1234.5 })).toEqual({
      ok: false,
      reason: 'meter.reading data /powerW must be integer',
    });
  });

  it('knows only the bounds, qualities and commands of the specs', () => {
    expect(check('meter.reading', { ...reading, bounds: 'closed' })).toEqual({
      ok: false,
      reason: 'meter.reading data /bounds must be one of "half-open", "inclusive"',
    });
    expect(check('meter.reading', { ...reading, quality: 'good' })).toEqual({
      ok: false,
      reason: 'meter.reading data /quality must be one of "measured", "replaced", "estimated"',
    });
    expect(check('meter.reading', { ...reading, command: 'hello' })).toEqual({
      ok: false,
      reason: 'meter.reading data /command must be one of "output", "usage"',
    });
  });

  it('requires the writing system and refuses a negative revision', () => {
    const noSource = without(reading, 'source');
    expect(check('meter.reading', noSource)).toEqual({
      ok: false,
      reason: "meter.reading data / must have required property 'source'",
    });
    expect(check('meter.reading', { ...reading, revision: -1 })).toEqual({
      ok: false,
      reason: 'meter.reading data /revision must be >= 0',
    });
  });

  it('lets a reader ignore unknown fields (P2P §3), and lets P2P reject negative energy itself (P2P-IN8)', () => {
    expect(check('meter.reading', { ...reading, deviceName: 'PV roof south' })).toEqual({ ok: true });
    expect(check('meter.reading', { ...reading, energyWh: -5 })).toEqual({ ok: true });
  });

  it('carries the channel hello and goodbye of P2P streams (P2P §3.1, P2P-CH2)', () => {
    expect(check('channel.hello', { ...hello, sideKeyHash: `${hello.sideKeyHash}=` }, 'PANEL0001')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^channel.hello data \/sideKeyHash must match pattern/),
    });
    expect(check('channel.hello', { ...hello, meterId: 'PANEL 0001' }, 'PANEL 0001')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^channel.hello data \/meterId must match pattern/),
    });
    expect(check('channel.goodbye', { ...goodbye, command: 'hello' }, 'PANEL0001')).toEqual({
      ok: false,
      reason: 'channel.goodbye data /command must be "goodbye"',
    });
    const noSentAt = without(goodbye, 'sentAt');
    expect(check('channel.goodbye', noSentAt, 'PANEL0001')).toEqual({
      ok: false,
      reason: "channel.goodbye data / must have required property 'sentAt'",
    });
  });

  it("keys channel records by the stream's meterId", () => {
    expect(check('channel.hello', hello, 'PANEL0002')).toEqual({
      ok: false,
      reason: 'record key "PANEL0002" differs from meterId "PANEL0001"',
    });
  });
});

describe('flexgrid.outbox-checkpoints', () => {
  it('carries no event type: checkpoints are consumer-group offsets, not records', () => {
    expect(
      validator.check('flexgrid.outbox-checkpoints', 'flexgrid.outbox.checkpoint', 'svc', { outbox: 'svc', lastId: 1 }),
    ).toEqual({
      ok: false,
      reason:
        'event type flexgrid.outbox.checkpoint is not allowed on flexgrid.outbox-checkpoints (it carries no events)',
    });
  });
});
