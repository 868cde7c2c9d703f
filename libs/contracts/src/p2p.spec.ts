import { examples, without } from './examples.test-util';
import { catalog, ContractValidator } from './index';

const validator = new ContractValidator(catalog);
const output = examples['p2p.producer-output']['producer.output'].data;
const producerHello = examples['p2p.producer-output']['channel.hello'].data;
const request = examples['p2p.payment-requests']['payment.request'].data;
const consumerHello = examples['p2p.payment-requests']['channel.hello'].data;
const sent = examples['p2p.payments']['payment.sent'].data;
const confirmed = examples['p2p.payments']['payment.confirmed'].data;
const payout = examples['p2p.payments']['payout.sent'].data;
const payoutConfirmed = examples['p2p.payments']['payout.confirmed'].data;
const interval = examples['p2p.settlements']['settlement.interval'].data;
const adjustment = examples['p2p.settlements']['settlement.adjustment'].data;
const finalised = examples['p2p.settlements']['settlement.finalised'].data;

describe('p2p.producer-output', () => {
  const check = (type: string, data: unknown) => validator.check('p2p.producer-output', type, 'SUNFARM01', data);

  it('refuses output in fractional Wh and kWh given only in the blueprint field (P2P-U1)', () => {
    expect(check('producer.output', { ...output, outputWh: 4500.5 })).toEqual({
      ok: false,
      reason: 'producer.output data /outputWh must be integer',
    });
    const kWhOnly = without(output, 'outputWh');
    expect(check('producer.output', kWhOnly)).toEqual({
      ok: false,
      reason: "producer.output data / must have required property 'outputWh'",
    });
  });

  it('requires the wire bounds and the completeness of every record (P2P-T3, P2P-IN2)', () => {
    const noBounds = without(output, 'bounds');
    expect(check('producer.output', noBounds)).toEqual({
      ok: false,
      reason: "producer.output data / must have required property 'bounds'",
    });
    const noMissing = without(output, 'missingSources');
    expect(check('producer.output', noMissing)).toEqual({
      ok: false,
      reason: "producer.output data / must have required property 'missingSources'",
    });
  });

  it('accepts an incomplete correction with sorted source ids, and refuses a wrong command or profile', () => {
    const correction = {
      ...output,
      revision: 1,
      complete: false,
      missingSources: ['PANEL0003'],
      partialSources: ['PANEL0001'],
      quality: 'replaced',
    };
    expect(check('producer.output', correction)).toEqual({ ok: true });
    expect(check('producer.output', { ...output, command: 'usage' })).toEqual({
      ok: false,
      reason: 'producer.output data /command must be "output"',
    });
    expect(check('producer.output', { ...output, profile: 'blueprint' })).toEqual({
      ok: false,
      reason: 'producer.output data /profile must be one of "community", "poc"',
    });
  });

  it('refuses a producerId outside P2P-U3 and a hello whose hash is not base64url SHA-256 (P2P-CH1)', () => {
    expect(
      validator.check('p2p.producer-output', 'producer.output', 'SUN1', { ...output, producerId: 'SUN1' }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^producer.output data \/producerId must match pattern/),
    });
    expect(check('channel.hello', { ...producerHello, sideKeyHash: 'deadbeef' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^channel.hello data \/sideKeyHash must match pattern/),
    });
  });

  it('lets readers ignore unknown fields (P2P §3)', () => {
    expect(check('producer.output', { ...output, firmware: '1.2.3' })).toEqual({ ok: true });
  });
});

describe('p2p.payment-requests', () => {
  const check = (type: string, data: unknown, key = 'HOUSE0001') =>
    validator.check('p2p.payment-requests', type, key, data);

  it('refuses a request that owes nothing (P2P-L2: only unrequested ≥ requestMinAmount ≥ 1 is requested)', () => {
    expect(check('payment.request', { ...request, owed: 0 })).toEqual({
      ok: false,
      reason: 'payment.request data /owed must be >= 1',
    });
  });

  it('accepts a credit in outstanding and refuses a requestId that is not <gridId>:<consumerId>:<seq>', () => {
    expect(check('payment.request', { ...request, outstanding: -5 })).toEqual({ ok: true });
    expect(check('payment.request', { ...request, requestId: 'POCGRID01-HOUSE0001-1' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^payment.request data \/requestId must match pattern/),
    });
  });

  it('requires the covered entries and intervals', () => {
    expect(check('payment.request', { ...request, entries: { fromSeq: 0, toSeq: 2 } })).toEqual({
      ok: false,
      reason: 'payment.request data /entries/fromSeq must be >= 1',
    });
    expect(check('payment.request', { ...request, intervals: { fromStart: 1_800_000_000_000 } })).toEqual({
      ok: false,
      reason: "payment.request data /intervals must have required property 'toStart'",
    });
  });

  it('requires the verification key in the return channel hello (P2P-CH5)', () => {
    const noKey = without(consumerHello, 'verificationKey');
    expect(check('channel.hello', noKey)).toEqual({
      ok: false,
      reason: "channel.hello data / must have required property 'verificationKey'",
    });
  });

  it('keys requests by consumerId, not by the grid', () => {
    expect(check('payment.request', request, 'POCGRID01')).toEqual({
      ok: false,
      reason: 'record key "POCGRID01" differs from consumerId "HOUSE0001"',
    });
  });
});

describe('p2p.payments', () => {
  const check = (type: string, data: Record<string, unknown>) =>
    validator.check('p2p.payments', type, String(data['paymentId']), data);

  it('takes amounts as positive integers in minor units, not as text (P2P §1, §3.4)', () => {
    expect(check('payment.sent', { ...sent, amount: '25' })).toEqual({
      ok: false,
      reason: 'payment.sent data /amount must be integer',
    });
    expect(check('payment.sent', { ...sent, amount: 0 })).toEqual({
      ok: false,
      reason: 'payment.sent data /amount must be >= 1',
    });
    expect(check('payment.sent', { ...sent, amount: 25.5 })).toEqual({
      ok: false,
      reason: 'payment.sent data /amount must be integer',
    });
  });

  it('requires confirmedAt on a confirmation, which alone implies the send', () => {
    const notConfirmed = without(confirmed, 'confirmedAt');
    expect(check('payment.confirmed', notConfirmed)).toEqual({
      ok: false,
      reason: "payment.confirmed data / must have required property 'confirmedAt'",
    });
    const payoutNotConfirmed = without(payoutConfirmed, 'confirmedAt');
    expect(check('payout.confirmed', payoutNotConfirmed)).toEqual({
      ok: false,
      reason: "payout.confirmed data / must have required property 'confirmedAt'",
    });
  });

  it('names payouts <gridId>:payout:<runNo>:<producerId> with reference <gridId>:run:<runNo>', () => {
    expect(check('payout.sent', { ...payout, paymentId: 'POCGRID01:payment:2:SUNFARM01' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^payout.sent data \/paymentId must match pattern/),
    });
    expect(check('payout.sent', { ...payout, reference: 'run 2' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^payout.sent data \/reference must match pattern/),
    });
  });

  it('keys payments by paymentId', () => {
    expect(validator.check('p2p.payments', 'payment.sent', 'HOUSE0001', sent)).toEqual({
      ok: false,
      reason: 'record key "HOUSE0001" differs from paymentId "HOUSE0001:payment:1"',
    });
  });
});

describe('p2p.settlements', () => {
  const check = (type: string, data: unknown) => validator.check('p2p.settlements', type, 'COMMUNITY1', data);

  it('accepts a re-settlement (version 2 supersedes 1) and a derived rule without output (P2P-PR1)', () => {
    expect(check('settlement.interval', { ...interval, version: 2, supersedes: 1 })).toEqual({ ok: true });
    const noOutput = {
      ...interval,
      rule: { name: 'blueprint-weighted', version: 1, params: { feePerKwh: 3 } },
      prices: { consumerPerMWh: null, producerPerMWh: null, producerExact: null, reason: 'no-output' },
    };
    expect(check('settlement.interval', noOutput)).toEqual({ ok: true });
    expect(
      check('settlement.interval', { ...interval, prices: { ...interval.prices, producerExact: '15312.5' } }),
    ).toEqual({ ok: true });
    expect(
      check('settlement.interval', { ...interval, prices: { ...interval.prices, producerExact: '30625/2' } }),
    ).toEqual({ ok: true });
  });

  it('refuses an exact price in another notation, an unknown rule and a version 0', () => {
    expect(
      check('settlement.interval', { ...interval, prices: { ...interval.prices, producerExact: '15312,5' } }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^settlement.interval data \/prices\/producerExact must match pattern/),
    });
    expect(check('settlement.interval', { ...interval, rule: { ...interval.rule, name: 'fixed' } })).toEqual({
      ok: false,
      reason:
        'settlement.interval data /rule/name must be one of "poc-fixed", "community-fixed", "blueprint-average", "blueprint-weighted"',
    });
    expect(check('settlement.interval', { ...interval, version: 0 })).toEqual({
      ok: false,
      reason: 'settlement.interval data /version must be >= 1',
    });
  });

  it('refuses an inputs hash that is not lower-case hex SHA-256', () => {
    expect(check('settlement.interval', { ...interval, inputsHash: interval.inputsHash.toUpperCase() })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^settlement.interval data \/inputsHash must match pattern/),
    });
  });

  it("writes a missing member's energy as null, never as a missing field (P2P-S2)", () => {
    const lines = interval.lines.map((l) =>
      l.id === 'FLAT00003'
        ? { id: l.id, role: l.role, status: l.status, billedWh: 0, units: 0, amount: 0, entryId: null, matchedWh: null }
        : l,
    );
    expect(check('settlement.interval', { ...interval, lines })).toEqual({
      ok: false,
      reason: "settlement.interval data /lines/2 must have required property 'energyWh'",
    });
  });

  it('bases an adjustment on v<version> or a<adjustmentNo> with reason inputs-changed (P2P-S9)', () => {
    expect(check('settlement.adjustment', { ...adjustment, adjustmentNo: 2, basedOn: 'a1' })).toEqual({ ok: true });
    expect(check('settlement.adjustment', { ...adjustment, basedOn: 'version-1' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^settlement.adjustment data \/basedOn must match pattern/),
    });
    expect(check('settlement.adjustment', { ...adjustment, reason: 'late-reading' })).toEqual({
      ok: false,
      reason: 'settlement.adjustment data /reason must be "inputs-changed"',
    });
  });

  it('requires the time an interval became final (P2P-S8)', () => {
    const notFinal = without(finalised, 'finalisedAt');
    expect(check('settlement.finalised', notFinal)).toEqual({
      ok: false,
      reason: "settlement.finalised data / must have required property 'finalisedAt'",
    });
  });

  it('keys every settlement record by its grid', () => {
    expect(validator.check('p2p.settlements', 'settlement.finalised', 'OTHERGRID1', finalised)).toEqual({
      ok: false,
      reason: 'record key "OTHERGRID1" differs from gridId "COMMUNITY1"',
    });
  });
});
