import { resolveConfig } from '../config/config';
import { Grid } from './grid';
import { type StreamRecord } from '../ingestion/ingestion';

const L = 10_000;
const T = 1_800_000_000_000;
const config = resolveConfig('community', {
  intervalMs: L,
  producerGateClosureMs: 2_000,
  gridGateClosureMs: 4_000,
  finalAfterMs: 30_000,
  minTimestampMs: 0,
});
const reading = (meterId: string, n: number, energyWh: number): StreamRecord => ({
  streamKey: meterId,
  span: { start: T + n * L, end: T + (n + 1) * L },
  energyWh,
});
const output = (
  producerId: string,
  n: number,
  energyWh: number,
  revision = 0,
  paymentIdOrAddress = producerId,
): StreamRecord => ({
  streamKey: producerId,
  span: { start: T + n * L, end: T + (n + 1) * L },
  energyWh,
  revision,
  output: { complete: true, missingSources: [], partialSources: [], producerPricePerMWh: 20_000, paymentIdOrAddress },
});
/** The first asOf at which interval n is due. */
const dueAt = (n: number) => T + (n + 1) * L + 4_001;

function community() {
  const grid = new Grid({ config, gridId: 'GRID00001', epoch: T, paymentIdOrAddress: 'grid-account' });
  grid.register('PVROOF001', 'producer', T - 1);
  grid.register('FLAT00001', 'consumer', T - 1);
  grid.register('FLAT00002', 'consumer', T - 1, 'meter-flat-2');
  return grid;
}

describe('Grid: settlement runs (P2P-S6..S10) in the community profile', () => {
  it('P2P-S6/S10: each due interval is settled once; a repeated run and re-delivered input write nothing', () => {
    const grid = community();
    grid.ingestOutput(output('PVROOF001', 0, 10_000), T + L);
    grid.ingestReading(reading('FLAT00001', 0, 6_000), T + L);
    grid.ingestReading(reading('meter-flat-2', 0, 6_000), T + L);
    expect(grid.run(dueAt(0) - 1)).toMatchObject({ settled: 0, records: [] });
    const first = grid.run(dueAt(0));
    expect(first).toMatchObject({ runNo: 2, settled: 1, resettled: 0, finalised: 0 });
    expect(first.records.map((r) => r.ceId)).toEqual([`GRID00001:${T}:v1`]);
    grid.ingestReading(reading('FLAT00001', 0, 6_000), T + 2 * L);
    expect(grid.run(dueAt(0) + 1)).toMatchObject({ settled: 0, resettled: 0, records: [] });
  });

  it('§14.1 finalise early: a settled interval is re-settled if changed, then final in that run; else refused', () => {
    const grid = community();
    grid.ingestOutput(output('PVROOF001', 0, 10_000), T + L);
    grid.ingestReading(reading('FLAT00001', 0, 6_000), T + L);
    expect(() => grid.run(dueAt(0), [T])).toThrow(`Interval ${T} is not settled.`);
    expect(grid.run(dueAt(0))).toMatchObject({ settled: 1, finalised: 0 });
    grid.ingestReading(reading('meter-flat-2', 0, 6_000), T + 2 * L);
    // Long before its finality lag (30 s): a pending change first (P2P-S8), then the marker.
    const early = grid.run(dueAt(0) + 1, [T]);
    expect(early).toMatchObject({ resettled: 1, finalised: 1 });
    expect(early.records.map((r) => r.ceId)).toEqual([`GRID00001:${T}:v2`, `GRID00001:${T}:final`]);
    expect(grid.interval(T)).toMatchObject({ final: true, version: 2 });
    expect(() => grid.run(dueAt(0) + 2, [T])).toThrow(`Interval ${T} is already final.`);
    // A refused run changed nothing: the next run is number 3.
    expect(grid.run(dueAt(0) + 2).runNo).toBe(3);
  });

  it('P2P-S7: a late reading before final → version 2, the ledger equals the latest version', () => {
    const grid = community();
    grid.ingestOutput(output('PVROOF001', 0, 10_000), T + L);
    grid.ingestReading(reading('FLAT00001', 0, 6_000), T + L);
    const v1 = grid.run(dueAt(0));
    expect(v1.records[0].value).toMatchObject({ complete: false, gaps: ['FLAT00002'] });
    grid.ingestReading(reading('meter-flat-2', 0, 6_000), T + 3 * L);
    const v2 = grid.run(T + 3 * L);
    expect(v2).toMatchObject({ settled: 1, resettled: 1 });
    expect(v2.records.map((r) => r.ceId)).toContain(`GRID00001:${T}:v2`);
    // 10 000 Wh matched over 12 000 usage: 5000 each → 125 each; the producer credits 200; grid line 50.
    expect(grid.ledger.consumer('FLAT00001')).toMatchObject({ usageWh: 6000, billedWh: 5000, charged: 125 });
    expect(grid.ledger.consumer('FLAT00002')).toMatchObject({ usageWh: 6000, billedWh: 5000, charged: 125 });
    expect(grid.ledger.producer('PVROOF001')).toMatchObject({ outputWh: 10_000, soldWh: 10_000, credited: 200 });
  });

  it('P2P-S7: a member whose data moves out of a settled interval stays an input, missing, and its entries are reversed', () => {
    const grid = community();
    // FLAT00009 registers after intervals 0 and 1 (not expected there) but sends a reading straddling both.
    grid.register('FLAT00009', 'consumer', T + 3 * L);
    grid.ingestOutput(output('PVROOF001', 1, 10_000), T + 4 * L);
    grid.ingestReading(
      { streamKey: 'FLAT00009', span: { start: T + L / 2, end: T + (3 * L) / 2 }, energyWh: 1000 },
      T + 4 * L,
    );
    const first = grid.run(T + 4 * L);
    expect(
      first.entries.filter((e) => e.memberId === 'FLAT00009').map((e) => [e.intervalStart, e.energyWh, e.amount]),
    ).toEqual([
      [T, 500, 0],
      [T + L, 500, 12],
    ]);
    // The correction ends the span at T + L: nothing of it is left in interval 1.
    grid.ingestReading({ streamKey: 'FLAT00009', span: { start: T + L / 2, end: T + L }, energyWh: 500 }, T + 5 * L);
    const second = grid.run(T + 5 * L);
    const v2 = second.records.find((r) => r.ceId === `GRID00001:${T + L}:v2`);
    if (v2?.type !== 'settlement.interval') throw new Error('expected version 2 of interval 1');
    expect(v2.value.inputs.find((i) => i.id === 'FLAT00009')).toMatchObject({ status: 'missing', energyWh: null });
    expect(v2.value.gaps).toContain('FLAT00009');
    expect(second.entries.map((e) => [e.memberId, e.intervalStart, e.energyWh, e.amount])).toEqual([
      ['FLAT00009', T + L, -500, -12],
      ['PVROOF001', T + L, 0, -10],
    ]);
    // The ledger equals the latest versions: 500 Wh used in interval 0, nothing charged for interval 1.
    expect(grid.ledger.consumer('FLAT00009')).toMatchObject({ usageWh: 500, charged: 0 });
  });

  it('P2P-S8/S9/L4: finalised after finalAfterMs; later data → adjustment; payouts only from final intervals, above the minimum', () => {
    const grid = community();
    grid.ingestOutput(output('PVROOF001', 0, 10_000, 0, 'pv-old'), T + L);
    grid.ingestReading(reading('FLAT00001', 0, 10_000), T + L);
    grid.ingestReading(reading('meter-flat-2', 0, 0), T + L);
    const settled = grid.run(dueAt(0));
    expect(settled.payouts).toEqual([]);
    const final = grid.run(T + L + 30_001);
    expect(final.records.filter((r) => r.type === 'settlement.finalised').map((r) => r.ceId)).toEqual([
      `GRID00001:${T}:final`,
    ]);
    // Credited 200 from a final interval ≥ 100: paid to the address of the latest output.
    expect(final.payouts).toEqual([
      {
        paymentId: 'GRID00001:payout:2:PVROOF001',
        gridId: 'GRID00001',
        producerId: 'PVROOF001',
        from: 'GRID00001',
        to: 'pv-old',
        amount: 200,
        currency: 'EUR',
        reference: 'GRID00001:run:2',
        sentAt: T + L + 30_001,
      },
    ]);
    // A later interval's output names a new address: later payouts go there.
    grid.ingestOutput(output('PVROOF001', 1, 0, 0, 'pv-new'), T + 2 * L);
    grid.ingestOutput(output('PVROOF001', 0, 16_000, 1), T + 5 * L);
    grid.ingestReading(reading('meter-flat-2', 0, 6_000), T + 5 * L);
    const adjusted = grid.run(T + 5 * L);
    expect(adjusted.adjusted).toBe(1);
    expect(adjusted.records.find((r) => r.type === 'settlement.adjustment')?.ceId).toBe(`GRID00001:${T}:a1`);
    // The adjustment's producer credit (6000 Wh × 20 000 = 120) is final at once and paid to the latest address.
    expect(adjusted.payouts.map((p) => [p.to, p.amount])).toEqual([['pv-new', 120]]);
    expect(grid.recordPayoutConfirmed(adjusted.payouts[0].paymentId)).toBe(true);
    expect(grid.recordPayoutConfirmed(adjusted.payouts[0].paymentId)).toBe(false);
    expect(grid.ledger.producer('PVROOF001')).toMatchObject({ payoutSent: 320, payoutConfirmed: 120 });
  });

  it('P2P-S2: a missing consumer is a gap with null energy, never 0; a zero reading is data', () => {
    const grid = community();
    grid.ingestReading(reading('FLAT00001', 0, 0), T + L);
    const record = grid.run(dueAt(0)).records[0];
    if (record.type !== 'settlement.interval') throw new Error(`expected a version, got ${record.type}`);
    expect(record.value.inputs.map((i) => [i.id, i.status, i.energyWh])).toEqual([
      ['FLAT00001', 'present', 0],
      ['FLAT00002', 'missing', null],
      ['PVROOF001', 'missing', null],
    ]);
    expect(record.value.gaps).toEqual(['FLAT00002', 'PVROOF001']);
  });

  it('P2P-L2: requests go to active consumers above the threshold; deregistered ones get none', () => {
    const grid = community();
    grid.ingestOutput(output('PVROOF001', 0, 20_000), T + L);
    grid.ingestReading(reading('FLAT00001', 0, 10_000), T + L);
    grid.ingestReading(reading('meter-flat-2', 0, 3_000), T + L);
    grid.deregister('FLAT00002', T + L + 1);
    const run = grid.run(dueAt(0));
    expect(run.paymentRequests.map((r) => [r.consumerId, r.owed, r.paymentIdOrAddress])).toEqual([
      ['FLAT00001', 250, 'grid-account'],
    ]);
    expect(grid.ledger.consumer('FLAT00002')).toMatchObject({ charged: 75, requested: 0 });
  });

  it('CH3: data of unbound streams and of the wrong role is dropped', () => {
    const grid = community();
    expect(grid.ingestReading(reading('STRANGER1', 0, 5), T)).toEqual({ outcome: 'unbound' });
    expect(grid.ingestReading(reading('PVROOF001', 0, 5), T)).toEqual({ outcome: 'unbound' });
    expect(() => grid.register('PVROOF001', 'consumer', T)).toThrow(/cannot change its itemType/);
  });

  it("§14.1: a run's asOf must not precede the previous run's", () => {
    const grid = community();
    grid.run(T + 100_000);
    expect(() => grid.run(T + 99_999)).toThrow('asOf must not precede the previous run.');
  });
});
