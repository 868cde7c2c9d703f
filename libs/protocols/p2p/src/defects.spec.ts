import { aggregateOutput } from './aggregation/aggregation';
import { resolveConfig } from './config/config';
import { Grid } from './settlement/grid';
import { StreamBook, type StoredRevision, type StreamRecord } from './ingestion/ingestion';
import { kwhToWh } from './units/units';
import { meterWindows } from './time/meter-windows';
import { pageOf, parsePaging } from './paging/paging';
import { intervalPrices, pricingRule } from './pricing/pricing';
import { poolPayoutStep, EMPTY_POOL } from './settlement/payouts';
import { planProducerOutput, producerOutputRecord } from './aggregation/producer-output';
import { floorWithCarry } from './units/rounding';
import { spanRejection } from './time/interval';

/** §17: the original's defects the lib does not copy, each with what it does instead. */
const W = 30_000;
const T = 1_800_000_000_000;
const poc = resolveConfig('poc', { minTimestampMs: 0 });
const limits = poc;
const revision = (start: number, end: number, energyWh: number): StoredRevision => ({
  streamKey: 's',
  revision: 0,
  span: { start, end },
  energyWh,
  quality: 'measured',
  sentQuality: 'measured',
});
const record = (over: Partial<StreamRecord>): StreamRecord => ({
  streamKey: 's',
  span: { start: T, end: T + W },
  energyWh: 100,
  ...over,
});

describe('§17 defects of the original we do not copy', () => {
  it('Q1: kWh and money as doubles drop a whole kWh; integer Wh bill 0.6 + 0.3 + 0.1 kWh as one kWh', () => {
    expect(0.6 + 0.3 + 0.1).toBeLessThan(1);
    let carry = 0n;
    let units = 0n;
    for (const kwh of [0.6, 0.3, 0.1]) {
      const step = floorWithCarry(carry, BigInt(kwhToWh(kwh)), 1000n);
      carry = step.carry;
      units += step.part;
    }
    expect([units, carry]).toEqual([1n, 0n]);
  });

  it('Q2: every reading counts and straddlers are split (not only the first reading bucketed by endTime); overlaps are rejected', () => {
    const aggregate = aggregateOutput({
      intervalStart: T,
      intervalMs: W,
      expectedSources: ['PANEL0001'],
      readings: new Map([['PANEL0001', [revision(T, T + 10_000, 100), revision(T + 10_000, T + W + 10_000, 200)]]]),
    });
    // The straddler's 200 Wh: 20 s of 30 s in this window → 133 (R2 gives the leftover to the larger remainder next door).
    expect(aggregate.outputWh).toBe(100 + 133);
    const book = new StreamBook(limits);
    book.ingest(record({}), T + W);
    expect(book.ingest(record({ span: { start: T + 1000, end: T + W } }), T + W)).toEqual({
      outcome: 'rejected',
      reason: 'overlap',
    });
  });

  it('Q3/Q4: readings are kept with revisions; a differing value is a correction with quality replaced, not dropped (first writer won)', () => {
    const book = new StreamBook(limits);
    book.ingest(record({}), T + W);
    expect(book.ingest(record({ energyWh: 90 }), T + W)).toMatchObject({
      outcome: 'corrected',
      revision: { revision: 1, quality: 'replaced', energyWh: 90 },
    });
    expect(book.history('s', T)?.revisions.map((r) => r.energyWh)).toEqual([100, 90]);
  });

  it('Q5/Q6: output labelled with its own interval; producerPrice is a per-kWh rate, the total is outputWh × price / 10⁶', () => {
    const aggregate = aggregateOutput({
      intervalStart: T,
      intervalMs: W,
      expectedSources: [],
      readings: new Map([['PANEL0001', [revision(T, T + W, 4500)]]]),
    });
    const output = planProducerOutput(undefined, aggregate, {
      producerPricePerMWh: 4000,
      paymentIdOrAddress: 'SUNFARM01',
    });
    if (!output) throw new Error('expected an output');
    const { value } = producerOutputRecord(output, {
      producerId: 'SUNFARM01',
      intervalMs: W,
      bounds: 'inclusive',
      publishedAt: T + 5 * W,
      profile: 'poc',
    });
    expect([value.startTime, value.endTime, value.producerPrice]).toEqual([T + 1, T + W, 4]);
    // The original's total 4.5 kWh × 4 = 18, in integers: Wh × minor per MWh = micro-units.
    expect(BigInt(value.outputWh) * BigInt(value.producerPricePerMWh)).toBe(18_000_000n);
  });

  it('Q7: the grid prices by a named, versioned rule; poc-fixed@1 keeps 5 / 4 / 1', () => {
    const rule = pricingRule('poc-fixed@1', { consumerPricePerMWh: 0, fee: { kind: 'perKwh', perMWh: 0 } });
    expect(rule).toMatchObject({ name: 'poc-fixed', version: 1 });
    expect(intervalPrices(rule, [{ outputWh: 1, producerPricePerMWh: 99_000 }])).toMatchObject({
      consumerPerMWh: 5000,
      producerPerMWh: 4000,
    });
  });

  it('Q8/Q22: pool shares only for active producers, no zero payouts, and S = 0 pays nothing (no 0/0)', () => {
    const terms = { poolGridShareBps: 2000, payoutChunk: 40, payoutThrottleMs: 10_000 };
    const none = poolPayoutStep(
      EMPTY_POOL,
      20_000,
      () => 50,
      [{ producerId: 'SUNFARM01', cumOutputWh: 0, active: true }],
      terms,
    );
    expect(none).toMatchObject({ payouts: [], pool: { poolAvailable: 40 } });
    const some = poolPayoutStep(
      EMPTY_POOL,
      20_000,
      () => 50,
      [
        { producerId: 'SUNFARM01', cumOutputWh: 10, active: true },
        { producerId: 'OLDFARM01', cumOutputWh: 1000, active: false },
      ],
      terms,
    );
    expect(some?.payouts).toEqual([{ producerId: 'SUNFARM01', amount: 40 }]);
  });

  it('Q9/Q19/Q20: unknown references are unallocated and kept out of the pool; payouts go to paymentIdOrAddress; the pool keeps the 10 s throttle', () => {
    const grid = new Grid({ config: poc, gridId: 'GRID00001', epoch: T });
    grid.register('SUNFARM01', 'producer', T - 1);
    grid.register('HOUSE0001', 'consumer', T - 1);
    grid.ingestOutput(
      {
        streamKey: 'SUNFARM01',
        span: { start: T, end: T + W },
        energyWh: 1000,
        revision: 0,
        output: {
          complete: true,
          missingSources: [],
          partialSources: [],
          producerPricePerMWh: 4000,
          paymentIdOrAddress: 'sun-wallet',
        },
      },
      T + W,
    );
    grid.recordPayment({
      type: 'payment.confirmed',
      paymentId: 'p1',
      from: 'x',
      to: 'GRID00001',
      amount: 50,
      currency: 'IOTA',
      reference: 'unknown-ref',
      sentAt: T,
      confirmedAt: T,
    });
    expect(grid.run(T + 20_000).payouts).toEqual([]);
    expect(grid.balances().unallocated).toBe(50);
    grid.payments.allocate('p1', 'HOUSE0001');
    // 5 s later: throttled; the receipt waits for the next step.
    expect(grid.run(T + 25_000).payouts).toEqual([]);
    expect(grid.run(T + 30_001).payouts.map((p) => [p.to, p.amount])).toEqual([['sun-wallet', 40]]);
  });

  it('Q10/Q11: idle resets only where configured; every due interval is settled per interval, gaps marked', () => {
    expect(meterWindows({ lastEnd: T }, T + 200_000, { intervalMs: W }).windows).toHaveLength(6);
    const grid = new Grid({ config: poc, gridId: 'GRID00001', epoch: T });
    grid.register('HOUSE0001', 'consumer', T - 1);
    // 10 minutes of silence: all 12 due windows (those ending before now − 210 s) are settled, each a gap.
    const run = grid.run(T + 600_000);
    expect(run.settled).toBe(12);
    expect(
      run.records.filter((r) => r.type === 'settlement.interval').every((r) => r.value.gaps.includes('HOUSE0001')),
    ).toBe(true);
  });

  it('Q15/Q23: paging validated and capped; 45 items of 10 are 5 pages; times are epoch ms (1900-based times are refused as future)', () => {
    expect(parsePaging({ pageSize: 'abc' }).ok).toBe(false);
    const parsed = parsePaging({ pageSize: '1000' });
    expect(parsed.ok && parsed.paging.pageSize).toBe(100);
    const ten = parsePaging({});
    if (!ten.ok) throw new Error('unexpected');
    expect(
      pageOf(
        Array.from({ length: 45 }, (_, i) => ({ id: String(i), item: i })),
        ten.paging,
      ).totalPages,
    ).toBe(5);
    expect(spanRejection({ start: T + 2_208_988_800_000, end: T + 2_208_988_830_000 }, T, limits)).toBe('future');
  });
});
