import { aggregateOutput } from './aggregation';
import { type StoredRevision } from '../ingestion/ingestion';
import { producerIntervalData } from './interval-data';
import { planProducerOutput, producerOutputRecord } from './producer-output';

const L = 900_000;
const N = 1_800_000_000_000;
const reading = (
  streamKey: string,
  start: number,
  end: number,
  energyWh: number,
  quality: StoredRevision['quality'] = 'measured',
): StoredRevision => ({
  streamKey,
  revision: 0,
  span: { start, end },
  energyWh,
  quality,
  sentQuality: quality,
});

describe('P2P-AG producer aggregation', () => {
  it('P2P-AG1/AG2: all readings summed, straddlers split, present/partial/missing, a 0 Wh reading is present', () => {
    const aggregate = aggregateOutput({
      intervalStart: N,
      intervalMs: L,
      expectedSources: ['PANEL0001', 'PANEL0002', 'PANEL0003', 'PANEL0004'],
      readings: new Map([
        // Two readings in one interval: both count (the original counted only the first, §17 Q2).
        ['PANEL0001', [reading('p1', N, N + 450_000, 100), reading('p1', N + 450_000, N + L, 200)]],
        // A straddler: 1001 Wh over two intervals → 500 here (the leftover goes to the earlier interval).
        ['PANEL0002', [reading('p2', N + L - 300_000, N + L + 300_000, 1001, 'replaced')]],
        ['PANEL0003', [reading('p3', N, N + L, 0)]],
      ]),
    });
    expect(aggregate.sources).toEqual([
      { id: 'PANEL0001', status: 'present', energyWh: 300, coverageMs: L },
      { id: 'PANEL0002', status: 'partial', energyWh: 501, coverageMs: 300_000 },
      { id: 'PANEL0003', status: 'present', energyWh: 0, coverageMs: L },
      { id: 'PANEL0004', status: 'missing', energyWh: null, coverageMs: 0 },
    ]);
    expect(aggregate).toMatchObject({
      outputWh: 801,
      quality: 'replaced',
      complete: false,
      missingSources: ['PANEL0004'],
      partialSources: ['PANEL0002'],
    });
  });

  it('P2P-AG1: a source with readings but no longer expected still counts', () => {
    const aggregate = aggregateOutput({
      intervalStart: N,
      intervalMs: L,
      expectedSources: [],
      readings: new Map([['PANEL0009', [reading('p9', N, N + L, 42)]]]),
    });
    expect(aggregate).toMatchObject({ outputWh: 42, complete: true, missingSources: [], partialSources: [] });
  });

  const offer = { producerPricePerMWh: 4000, paymentIdOrAddress: 'SUNFARM01' };
  const base = aggregateOutput({
    intervalStart: N,
    intervalMs: L,
    expectedSources: ['PANEL0001'],
    readings: new Map(),
  });

  it('P2P-AG3: revision 0 also for 0 Wh and missing sources, with the price in force then', () => {
    expect(planProducerOutput(undefined, base, offer)).toEqual({
      intervalStart: N,
      outputWh: 0,
      quality: 'measured',
      complete: false,
      missingSources: ['PANEL0001'],
      partialSources: [],
      revision: 0,
      producerPricePerMWh: 4000,
      paymentIdOrAddress: 'SUNFARM01',
    });
  });

  it('P2P-AG4: a changed aggregate publishes revision + 1 with the first price; nothing else republishes', () => {
    const first = planProducerOutput(undefined, base, offer);
    if (!first) throw new Error('expected revision 0');
    expect(planProducerOutput(first, base, { ...offer, producerPricePerMWh: 9999 })).toBeNull();
    const late = aggregateOutput({
      intervalStart: N,
      intervalMs: L,
      expectedSources: ['PANEL0001'],
      readings: new Map([['PANEL0001', [reading('p1', N, N + L, 700)]]]),
    });
    expect(planProducerOutput(first, late, { ...offer, producerPricePerMWh: 9999 })).toMatchObject({
      revision: 1,
      outputWh: 700,
      complete: true,
      missingSources: [],
      producerPricePerMWh: 4000,
    });
  });

  it('P2P-AG5/T3: the record is labelled with its own interval in the wire bounds, with its ce_id', () => {
    const output = planProducerOutput(undefined, base, { producerPricePerMWh: 12_500, paymentIdOrAddress: 'addr' });
    if (!output) throw new Error('expected revision 0');
    const record = producerOutputRecord(
      { ...output, outputWh: 2500 },
      { producerId: 'SUNFARM01', intervalMs: L, bounds: 'half-open', publishedAt: N + 2 * L, profile: 'community' },
    );
    expect(record.ceId).toBe(`SUNFARM01:${N}:0`);
    expect(record.value).toEqual({
      command: 'output',
      producerId: 'SUNFARM01',
      startTime: N,
      endTime: N + L,
      bounds: 'half-open',
      outputWh: 2500,
      output: 2.5,
      producerPrice: 12.5,
      producerPricePerMWh: 12_500,
      paymentIdOrAddress: 'addr',
      quality: 'measured',
      complete: false,
      missingSources: ['PANEL0001'],
      partialSources: [],
      revision: 0,
      publishedAt: N + 2 * L,
      profile: 'community',
    });
  });
});

describe("P2P-S1 a producer's effective output for an interval", () => {
  const output = (
    start: number,
    end: number,
    energyWh: number,
    complete: boolean,
    producerPricePerMWh: number,
    revision = 0,
  ): StoredRevision => ({
    ...reading('SUNFARM01', start, end, energyWh),
    revision,
    output: {
      complete,
      missingSources: complete ? [] : ['PANEL0001'],
      partialSources: [],
      producerPricePerMWh,
      paymentIdOrAddress: 'SUNFARM01',
    },
  });

  it("outputs over other spans: Σ of their shares, the earliest's price, complete only if all are and they cover the interval, the highest revision", () => {
    // An output over the second half of the previous interval and the first half of this one, and one over the rest.
    const outputs = [output(N - L / 2, N + L / 2, 1000, true, 4000, 2), output(N + L / 2, N + L, 300, true, 5000)];
    expect(producerIntervalData(outputs, N, L)).toEqual({
      energyWh: 800,
      coverageMs: L,
      quality: 'measured',
      revision: 2,
      producerPricePerMWh: 4000,
      complete: true,
    });
    expect(producerIntervalData([outputs[0]], N, L)).toMatchObject({
      energyWh: 500,
      coverageMs: L / 2,
      complete: false,
    });
    expect(producerIntervalData([output(N, N + L, 10, false, 4000)], N, L)).toMatchObject({ complete: false });
    expect(producerIntervalData([output(N + L, N + 2 * L, 10, true, 4000)], N, L)).toBeNull();
  });
});
