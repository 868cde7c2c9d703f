import { canonicalJson } from '../units/canonical-json';
import { configuredRule, resolveConfig } from '../config/config';
import { type ProducerIntervalData, type StreamIntervalData } from '../aggregation/interval-data';
import { Ledger } from './ledger';
import { pricingRule } from '../pricing/pricing';
import {
  finaliseInterval,
  type IntervalSettlementState,
  inputsHash,
  settleInterval,
  settlementInputs,
  type SettlementInput,
  type SettlementTerms,
  settlementTerms,
} from './settlement';
import { createHash } from 'node:crypto';

const L = 900_000;
const A = 1_800_000_000_000;
const B = A + L;
const community = resolveConfig('community');
const terms: SettlementTerms = settlementTerms(community, 'GRID00001');
const consumer = (energyWh: number, coverageMs = L): StreamIntervalData => ({
  energyWh,
  coverageMs,
  quality: 'measured',
  revision: 0,
});
const producer = (energyWh: number, complete = true): ProducerIntervalData => ({
  energyWh,
  coverageMs: L,
  quality: 'measured',
  revision: 0,
  producerPricePerMWh: 20_000,
  complete,
});
const members = {
  expectedConsumers: ['FLAT00001', 'FLAT00002', 'FLAT00003'],
  expectedProducers: ['PVROOF001', 'PVROOF002'],
};

function inputsOf(consumers: Record<string, number>, producers: Record<string, number>): SettlementInput[] {
  return settlementInputs({
    intervalMs: L,
    ...members,
    consumers: new Map(Object.entries(consumers).map(([id, wh]) => [id, consumer(wh)])),
    producers: new Map(Object.entries(producers).map(([id, wh]) => [id, producer(wh)])),
  });
}

function settle(
  ledger: Ledger,
  intervalStart: number,
  inputs: SettlementInput[],
  previous?: IntervalSettlementState,
  runNo = 1,
) {
  const result = settleInterval({
    terms,
    run: { runNo, asOf: intervalStart + 2 * L, settledAt: intervalStart + 2 * L },
    intervalStart,
    inputs,
    ledger,
    feeCarry: 0n,
    ...(previous ? { previous } : {}),
  });
  if (!result) throw new Error('expected a record');
  return result;
}

const line = (result: ReturnType<typeof settle>, id: string) => result.record.value.lines.find((l) => l.id === id);

describe('§9.4 worked example (community profile)', () => {
  const ledger = new Ledger();
  const a = settle(ledger, A, inputsOf({ FLAT00001: 900, FLAT00002: 1400 }, { PVROOF001: 1234, PVROOF002: 567 }));
  const b = settle(
    ledger,
    B,
    inputsOf({ FLAT00001: 500, FLAT00002: 250, FLAT00003: 300 }, { PVROOF001: 800, PVROOF002: 0 }),
  );

  it('P2P-S3: interval A matches 1801 Wh: covered 705 / 1096, sold 1234 / 567, imports 195 / 304', () => {
    expect(a.record.value.totals).toEqual({
      producedWh: 1801,
      consumedWh: 2300,
      matchedWh: 1801,
      importWh: 499,
      exportWh: 0,
    });
    expect([line(a, 'FLAT00001')?.matchedWh, line(a, 'FLAT00002')?.matchedWh]).toEqual([705, 1096]);
    expect([line(a, 'PVROOF001')?.matchedWh, line(a, 'PVROOF002')?.matchedWh]).toEqual([1234, 567]);
    expect(a.record.value.prices).toEqual({ consumerPerMWh: 25_000, producerPerMWh: 20_000, producerExact: '20000' });
  });

  it('P2P-S2: FLAT00003 is a gap in A, with null energy, no entry, left out of the totals', () => {
    expect(a.record.value).toMatchObject({ complete: false, gaps: ['FLAT00003'] });
    expect(line(a, 'FLAT00003')).toEqual({
      id: 'FLAT00003',
      role: 'consumer',
      status: 'missing',
      energyWh: null,
      matchedWh: null,
      billedWh: 0,
      units: 0,
      amount: 0,
      entryId: null,
    });
    expect(a.entries.map((e) => e.memberId)).toEqual(['FLAT00001', 'FLAT00002', 'PVROOF001', 'PVROOF002']);
  });

  it('P2P-S4: A charges 17 / 27, credits 24 / 11, grid line 9, carries 625 000 / 400 000 / 680 000 / 340 000 µ', () => {
    expect(a.entries.map((e) => [e.memberId, e.exactMicro, e.amount])).toEqual([
      ['FLAT00001', 17_625_000n, 17],
      ['FLAT00002', 27_400_000n, 27],
      ['PVROOF001', 24_680_000n, 24],
      ['PVROOF002', 11_340_000n, 11],
    ]);
    expect(a.record.value.gridLine).toBe(9);
  });

  it('P2P-S3/S4: B matches 800 Wh: covered 381 / 190 / 229; charges 10 / 5 / 5, credits 16 / 0, grid line 4', () => {
    expect(['FLAT00001', 'FLAT00002', 'FLAT00003'].map((id) => line(b, id)?.matchedWh)).toEqual([381, 190, 229]);
    expect(b.entries.map((e) => [e.memberId, e.amount])).toEqual([
      ['FLAT00001', 10],
      ['FLAT00002', 5],
      ['FLAT00003', 5],
      ['PVROOF001', 16],
      ['PVROOF002', 0],
    ]);
    expect(b.record.value.gridLine).toBe(4);
    expect(b.record.value.complete).toBe(true);
  });

  it('P2P-R3: both intervals: consumers 64 = producers 51 + grid 13', () => {
    const consumers = ledger.all().reduce((s, m) => s + (m.role === 'consumer' ? m.charged : 0), 0);
    const producers = ledger.all().reduce((s, m) => s + (m.role === 'producer' ? m.credited : 0), 0);
    expect([consumers, producers, a.record.value.gridLine + b.record.value.gridLine]).toEqual([64, 51, 13]);
  });

  it('P2P-S7: FLAT00003 reading for A before finality → version 2 with delta entries; the ledger equals the latest version', () => {
    const v2 = settle(
      ledger,
      A,
      inputsOf({ FLAT00001: 900, FLAT00002: 1400, FLAT00003: 300 }, { PVROOF001: 1234, PVROOF002: 567 }),
      a.state,
      2,
    );
    expect(v2.record.type).toBe('settlement.interval');
    expect(v2.record.value).toMatchObject({ version: 2, supersedes: 1, complete: true, gaps: [] });
    expect(v2.record.ceId).toBe(`GRID00001:${A}:v2`);
    expect(v2.entries.every((e) => e.kind === 'resettlement' && e.version === 2)).toBe(true);
    // M 1801 over 900 / 1400 / 300: exact 623.42 / 969.77 / 207.81 → floors 1799, the two leftovers to .81 and .77.
    expect(['FLAT00001', 'FLAT00002', 'FLAT00003'].map((id) => line(v2, id)?.matchedWh)).toEqual([623, 970, 208]);
    // Producers sold the same: no entries for them. Deltas priced and put through each consumer's R1 carry
    // (after its interval-B entry): 150 000 − 2 050 000 → −2; 150 000 − 3 150 000 → −3; 725 000 + 5 200 000 → 5.
    expect(v2.entries.map((e) => [e.memberId, e.matchedWh, e.exactMicro, e.amount])).toEqual([
      ['FLAT00001', 623 - 705, -2_050_000n, -2],
      ['FLAT00002', 970 - 1096, -3_150_000n, -3],
      ['FLAT00003', 208, 5_200_000n, 5],
    ]);
    expect(v2.record.value.gridLine).toBe(0);
    for (const id of ['FLAT00001', 'FLAT00002', 'FLAT00003']) {
      const position = v2.state.positions.get(id);
      expect(position?.matchedWh).toBe(line(v2, id)?.matchedWh);
      expect(position?.exactMicro).toBe(BigInt(line(v2, id)?.matchedWh ?? 0) * 25_000n);
    }
    expect(v2.entries.reduce((s, e) => s + e.matchedWh, 0)).toBe(0);
  });
});

describe('P2P-S5..S9 records, versions, finality, adjustments', () => {
  it('P2P-S5: inputsHash is hex SHA-256 of the RFC 8785 JSON of the inputs, sorted by role then id', () => {
    const inputs = inputsOf({ FLAT00002: 5, FLAT00001: 7 }, { PVROOF002: 3 });
    expect(inputs.map((i) => `${i.role}:${i.id}`)).toEqual([
      'consumer:FLAT00001',
      'consumer:FLAT00002',
      'consumer:FLAT00003',
      'producer:PVROOF001',
      'producer:PVROOF002',
    ]);
    expect(inputsHash(inputs)).toBe(createHash('sha256').update(canonicalJson(inputs)).digest('hex'));
    expect(canonicalJson(inputs[0])).toBe(
      '{"coverageMs":900000,"energyWh":7,"id":"FLAT00001","producerPricePerMWh":null,"quality":"measured","revision":0,"role":"consumer","status":"present"}',
    );
    // Input order does not matter: the same members built from maps in another order hash the same.
    expect(inputsHash(inputsOf({ FLAT00001: 7, FLAT00002: 5 }, { PVROOF002: 3 }))).toBe(inputsHash(inputs));
  });

  it('P2P-S6: version 1 posts an entry for every member with data, also amount 0; unchanged inputs write nothing', () => {
    const ledger = new Ledger();
    const v1 = settle(ledger, A, inputsOf({ FLAT00001: 0 }, { PVROOF001: 0 }));
    expect(v1.entries.map((e) => [e.memberId, e.amount, e.kind])).toEqual([
      ['FLAT00001', 0, 'settlement'],
      ['PVROOF001', 0, 'settlement'],
    ]);
    expect(v1.record.value.gaps).toEqual(['FLAT00002', 'FLAT00003', 'PVROOF002']);
    expect(
      settleInterval({
        terms,
        run: { runNo: 2, asOf: 1, settledAt: 1 },
        intervalStart: A,
        inputs: inputsOf({ FLAT00001: 0 }, { PVROOF001: 0 }),
        previous: v1.state,
        ledger,
        feeCarry: 0n,
      }),
    ).toBeNull();
  });

  it('P2P-S7: a revision alone changes the hash and writes a version without entries', () => {
    const ledger = new Ledger();
    const inputs = inputsOf({ FLAT00001: 100 }, { PVROOF001: 100 });
    const v1 = settle(ledger, A, inputs);
    const revised = inputs.map((row) => (row.id === 'FLAT00001' ? { ...row, revision: 1 } : row));
    const v2 = settle(ledger, A, revised, v1.state, 2);
    expect(v2.record.value).toMatchObject({ version: 2, supersedes: 1 });
    expect(v2.entries).toEqual([]);
  });

  it('P2P-S7: inputs that leave out a member an earlier record settled are refused, since its entries would stay', () => {
    const ledger = new Ledger();
    const v1 = settle(ledger, A, inputsOf({ FLAT00001: 100 }, { PVROOF001: 100 }));
    const without = inputsOf({}, { PVROOF001: 100 }).filter((row) => row.id !== 'FLAT00001');
    expect(() => settle(ledger, A, without, v1.state, 2)).toThrow(/leave out 'FLAT00001', whose entries/);
    // Built with the earlier state, the member stays an input, missing, and its entry is reversed.
    const inputs = settlementInputs({
      intervalMs: L,
      expectedConsumers: [],
      expectedProducers: [],
      consumers: new Map(),
      producers: new Map([['PVROOF001', producer(100)]]),
      settled: v1.state.positions,
    });
    expect(inputs.map((row) => [row.id, row.status])).toEqual([
      ['FLAT00001', 'missing'],
      ['FLAT00002', 'missing'],
      ['FLAT00003', 'missing'],
      ['PVROOF001', 'present'],
      ['PVROOF002', 'missing'],
    ]);
    const v2 = settle(ledger, A, inputs, v1.state, 2);
    expect(v2.entries.find((e) => e.memberId === 'FLAT00001')).toMatchObject({
      energyWh: -100,
      matchedWh: -100,
      amount: -2,
    });
    expect(ledger.consumer('FLAT00001')).toMatchObject({ usageWh: 0, charged: 0 });
  });

  it('P2P-S8/S9: after finalisation a change writes an adjustment based on the latest record, never a new version', () => {
    const ledger = new Ledger();
    const v1 = settle(ledger, A, inputsOf({ FLAT00001: 100 }, { PVROOF001: 1000 }));
    const finalised = finaliseInterval(v1.state, 'GRID00001', A + 3 * L);
    expect(finalised.record).toEqual({
      type: 'settlement.finalised',
      ceId: `GRID00001:${A}:final`,
      value: { gridId: 'GRID00001', intervalStart: A, version: 1, finalisedAt: A + 3 * L },
    });
    const a1 = settle(ledger, A, inputsOf({ FLAT00001: 400 }, { PVROOF001: 1000 }), finalised.state, 3);
    expect(a1.record.type).toBe('settlement.adjustment');
    expect(a1.record.value).toMatchObject({ adjustmentNo: 1, basedOn: 'v1', reason: 'inputs-changed' });
    expect(a1.record.ceId).toBe(`GRID00001:${A}:a1`);
    expect(a1.entries.map((e) => [e.memberId, e.kind, e.adjustmentNo, e.version, e.energyWh, e.matchedWh])).toEqual([
      ['FLAT00001', 'adjustment', 1, null, 300, 300],
      ['PVROOF001', 'adjustment', 1, null, 0, 300],
    ]);
    const a2 = settle(ledger, A, inputsOf({ FLAT00001: 500 }, { PVROOF001: 1000 }), a1.state, 4);
    expect(a2.record.value).toMatchObject({ adjustmentNo: 2, basedOn: 'a1' });
    // The ledger sums to the latest record: 500 Wh charged at 25 000/MWh = 12.5 → R1 keeps it within one unit.
    expect(ledger.consumer('FLAT00001').charged).toBe(12);
    expect(ledger.consumer('FLAT00001').moneyCarryMicro).toBe(500_000n);
  });

  it('P2P-S7: downward correction posts negative deltas; R1 keeps 0 ≤ carry < 10⁶', () => {
    const ledger = new Ledger();
    const v1 = settle(ledger, A, inputsOf({ FLAT00001: 1001 }, { PVROOF001: 5000 }));
    expect(v1.entries[0].amount).toBe(25);
    const v2 = settle(ledger, A, inputsOf({ FLAT00001: 999 }, { PVROOF001: 5000 }), v1.state, 2);
    expect(v2.entries[0]).toMatchObject({
      memberId: 'FLAT00001',
      energyWh: -2,
      matchedWh: -2,
      billedWh: -2,
      exactMicro: -50_000n,
      amount: -1,
    });
    const account = ledger.consumer('FLAT00001');
    expect([account.charged, account.moneyCarryMicro]).toEqual([24, 975_000n]);
  });

  it('P2P-S3: a partial consumer and a partial producer count, and are listed as gaps', () => {
    const inputs = settlementInputs({
      intervalMs: L,
      expectedConsumers: ['FLAT00001'],
      expectedProducers: ['PVROOF001'],
      consumers: new Map([['FLAT00001', consumer(100, L / 2)]]),
      producers: new Map([['PVROOF001', producer(60, false)]]),
    });
    const result = settle(new Ledger(), A, inputs);
    expect(result.record.value).toMatchObject({
      complete: false,
      gaps: ['FLAT00001', 'PVROOF001'],
      totals: { producedWh: 60, consumedWh: 100, matchedWh: 60, importWh: 40, exportWh: 0 },
    });
    expect(inputs.map((i) => i.status)).toEqual(['partial', 'partial']);
  });

  it('P2P-S1: a member with data but not expected is an input', () => {
    const inputs = settlementInputs({
      intervalMs: L,
      expectedConsumers: [],
      expectedProducers: [],
      consumers: new Map([['FLAT00009', consumer(10)]]),
      producers: new Map(),
    });
    expect(inputs).toEqual([
      {
        id: 'FLAT00009',
        role: 'consumer',
        energyWh: 10,
        quality: 'measured',
        revision: 0,
        coverageMs: L,
        status: 'present',
        producerPricePerMWh: null,
      },
    ]);
  });

  it('P2P-PR1: a derived rule without output prices nothing: M = 0, nothing charged, prices null with reason', () => {
    const weighted: SettlementTerms = {
      ...terms,
      rule: pricingRule('blueprint-weighted@1', { consumerPricePerMWh: 0, fee: { kind: 'perKwh', perMWh: 3000 } }),
    };
    const result = settleInterval({
      terms: weighted,
      run: { runNo: 1, asOf: 0, settledAt: 0 },
      intervalStart: A,
      inputs: inputsOf({ FLAT00001: 500 }, { PVROOF001: 0 }),
      ledger: new Ledger(),
      feeCarry: 0n,
    });
    expect(result?.record.value.prices).toEqual({
      consumerPerMWh: null,
      producerPerMWh: null,
      producerExact: null,
      reason: 'no-output',
    });
    expect(result?.record.value.totals.matchedWh).toBe(0);
    expect(result?.entries.map((e) => e.amount)).toEqual([0, 0]);
  });

  it('P2P-PR1: a fixed rule with billedEnergy usage bills usage at π_c even when M = 0', () => {
    const poc = resolveConfig('poc');
    const pocTerms: SettlementTerms = {
      ...terms,
      rule: configuredRule(poc),
      billedEnergy: 'usage',
      billingUnitWh: 1000,
      allocation: 'all-time-share',
    };
    const result = settleInterval({
      terms: pocTerms,
      run: { runNo: 1, asOf: 0, settledAt: 0 },
      intervalStart: A,
      inputs: inputsOf({ FLAT00001: 2500 }, {}),
      ledger: new Ledger(),
      feeCarry: 0n,
    });
    expect(result?.record.value.totals.matchedWh).toBe(0);
    expect(result?.entries[0]).toMatchObject({ units: 2, billedWh: 2000, amount: 10 });
    // all-time-share: the grid line is the accrued fee, 20 % of 10.
    expect(result?.record.value.gridLine).toBe(2);
    expect(result?.feeCarry).toBe(0n);
  });
});

describe('P2P-U2 bounds', () => {
  it('energies whose sum leaves the safe integer range fail with a P2PError instead of rounding', () => {
    const huge = 2 ** 52;
    expect(() => settle(new Ledger(), A, inputsOf({ FLAT00001: huge, FLAT00002: huge }, { PVROOF001: 1 }))).toThrow(
      /consumedWh must be an integer within/,
    );
    // Within the range, Wh × price runs in BigInt: 2^52 Wh at 25 000/MWh is exact.
    const result = settle(new Ledger(), A, inputsOf({ FLAT00001: huge }, { PVROOF001: huge }));
    expect(result.entries[0].exactMicro).toBe(BigInt(huge) * 25_000n);
    expect(result.entries[0].amount).toBe(Number((BigInt(huge) * 25_000n) / 1_000_000n));
  });
});

describe('P2P-S4 billing units (U > 1)', () => {
  const unitTerms: SettlementTerms = {
    ...terms,
    rule: configuredRule(resolveConfig('poc')),
    billedEnergy: 'usage',
    billingUnitWh: 1000,
    allocation: 'all-time-share',
  };
  const run = (n: number) => ({ runNo: n, asOf: 0, settledAt: 0 });
  const only = (wh: number) =>
    settlementInputs({
      intervalMs: L,
      expectedConsumers: ['FLAT00001'],
      expectedProducers: [],
      consumers: new Map([['FLAT00001', consumer(wh)]]),
      producers: new Map(),
    });

  it('P2P-R1 (§18): 0.6 + 0.3 + 0.1 kWh bills one kWh, carried fractions in Wh', () => {
    const ledger = new Ledger();
    const units = [600, 300, 100].map(
      (wh, i) =>
        settleInterval({
          terms: unitTerms,
          run: run(i + 1),
          intervalStart: A + i * L,
          inputs: only(wh),
          ledger,
          feeCarry: 0n,
        })?.entries[0].units,
    );
    expect(units).toEqual([0, 0, 1]);
    expect(ledger.consumer('FLAT00001')).toMatchObject({ billedWh: 1000, charged: 5, unitCarryWh: 0, usageWh: 1000 });
  });

  it('P2P-S7: with U > 1 the billed-energy delta of a version goes through the unit carry', () => {
    const ledger = new Ledger();
    const v1 = settleInterval({
      terms: unitTerms,
      run: run(1),
      intervalStart: A,
      inputs: only(1700),
      ledger,
      feeCarry: 0n,
    });
    expect(v1?.entries[0]).toMatchObject({ units: 1, billedWh: 1000, amount: 5 });
    const v2 = settleInterval({
      terms: unitTerms,
      run: run(2),
      intervalStart: A,
      inputs: only(1200),
      previous: v1?.state,
      ledger,
      feeCarry: 0n,
    });
    // Δ = −500 Wh: carry 700 − 500 = 200 → 0 units.
    expect(v2?.entries[0]).toMatchObject({ energyWh: -500, units: 0, billedWh: 0, amount: 0 });
    const v3 = settleInterval({
      terms: unitTerms,
      run: run(3),
      intervalStart: A,
      inputs: only(100),
      previous: v2?.state,
      ledger,
      feeCarry: 0n,
    });
    // Δ = −1100 Wh: carry 200 − 1100 = −900 → −1 unit, carry 100.
    expect(v3?.entries[0]).toMatchObject({ energyWh: -1100, units: -1, billedWh: -1000, amount: -5 });
    expect(ledger.consumer('FLAT00001')).toMatchObject({ unitCarryWh: 100, billedWh: 0, charged: 0 });
  });
});
