import fc from 'fast-check';
import { aggregateOutput } from './aggregation';
import { resolveConfig } from './config';
import { Grid, type SettlementRunResult } from './grid';
import { StreamBook, type StreamRecord } from './ingestion';
import { type PricingRuleId } from './pricing';

/** Property tests of §18: money and energy balance, splitting, re-delivery and reordering. */
const L = 10_000;
const T = 1_800_000_000_000;
const K = 6;

interface Scenario {
  rule: PricingRuleId;
  fee: { kind: 'perKwh'; perMWh: number } | { kind: 'bps'; bps: number };
  consumers: StreamRecord[];
  outputs: StreamRecord[];
  consumerIds: string[];
  producerIds: string[];
}

/** Contiguous pieces with random, unaligned cut points over K intervals; some pieces absent (gaps). */
const piecesOf = (streamKey: string) => fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: K * L - 1 }), { maxLength: 8 }), fc.array(fc.option(fc.nat({ max: 5000 }), { freq: 4 }), { minLength: 9, maxLength: 9 }))
  .map(([cuts, energies]) => {
    const points = [0, ...cuts.sort((a, b) => a - b), K * L];
    const records: StreamRecord[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const energyWh = energies[i];
      if (energyWh !== null) records.push({ streamKey, span: { start: T + points[i], end: T + points[i + 1] }, energyWh });
    }
    return records;
  });

const outputsOf = (producerId: string) => fc
  .array(fc.option(fc.record({ energyWh: fc.nat({ max: 8000 }), price: fc.integer({ min: 0, max: 50_000 }), complete: fc.boolean() }), { freq: 4 }), { minLength: K, maxLength: K })
  .map((list) => list.flatMap((o, n): StreamRecord[] => o === null ? [] : [{
    streamKey: producerId,
    span: { start: T + n * L, end: T + (n + 1) * L },
    energyWh: o.energyWh,
    revision: 0,
    output: { complete: o.complete, missingSources: o.complete ? [] : ['SOURCE001'], partialSources: [], producerPricePerMWh: o.price, paymentIdOrAddress: producerId },
  }]));

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    rule: fc.constantFrom<PricingRuleId>('community-fixed@1', 'blueprint-average@1', 'blueprint-weighted@1'),
    fee: fc.oneof(fc.integer({ min: 0, max: 10_000 }).map((perMWh) => ({ kind: 'perKwh' as const, perMWh })), fc.integer({ min: 0, max: 9_999 }).map((bps) => ({ kind: 'bps' as const, bps }))),
    consumerCount: fc.integer({ min: 1, max: 5 }),
    producerCount: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ rule, fee, consumerCount, producerCount }) => {
    const consumerIds = Array.from({ length: consumerCount }, (_, i) => `CONSUMER${i}`);
    const producerIds = Array.from({ length: producerCount }, (_, i) => `PRODUCER${i}`);
    return fc.tuple(fc.tuple(...consumerIds.map(piecesOf)), fc.tuple(...producerIds.map(outputsOf))).map(([consumers, outputs]) => ({
      rule, fee, consumerIds, producerIds, consumers: consumers.flat(), outputs: outputs.flat(),
    }));
  });

function gridFor(s: Scenario): Grid {
  const config = resolveConfig('community', { intervalMs: L, gridGateClosureMs: 1000, finalAfterMs: 3 * L, minTimestampMs: 0, pricingRule: s.rule, gridFee: s.fee, requestMinAmount: 1, payoutMinAmount: 1 });
  const grid = new Grid({ config, gridId: 'GRID00001', epoch: T });
  for (const id of s.consumerIds) grid.register(id, 'consumer', T - 1);
  for (const id of s.producerIds) grid.register(id, 'producer', T - 1);
  return grid;
}

const NOW = T + K * L;

describe('§18 property tests', () => {
  it('P2P-R3/S4: consumers billed = producers credited + grid line, to the unit; each member within one unit of its exact amount', () => {
    fc.assert(fc.property(scenario, fc.nat({ max: 2 }), (s, lateCount) => {
      const grid = gridFor(s);
      // Some consumer readings arrive late: re-settlement or adjustments carry deltas.
      const late = s.consumers.slice(0, lateCount);
      for (const record of [...s.consumers.slice(lateCount), ...s.outputs]) {
        if (record.output) grid.ingestOutput(record, NOW);
        else grid.ingestReading(record, NOW);
      }
      const runs: SettlementRunResult[] = [grid.run(NOW + 1001)];
      for (const record of late) grid.ingestReading(record, NOW + 2 * L);
      runs.push(grid.run(NOW + 2 * L), grid.run(NOW + 10 * L));
      let charged = 0;
      let credited = 0;
      for (const account of grid.ledger.all()) {
        const entries = runs.flatMap((r) => r.entries).filter((e) => e.memberId === account.id);
        const exact = entries.reduce((sum, e) => sum + e.exactMicro, 0n);
        // amount·10⁶ + carry = exact: the remainder is never lost, and 0 ≤ carry < 10⁶.
        const amount = account.role === 'consumer' ? account.charged : account.credited;
        expect(BigInt(amount) * 1_000_000n + account.moneyCarryMicro).toBe(exact);
        if (account.role === 'consumer') charged += account.charged;
        else credited += account.credited;
      }
      const gridLines = runs.flatMap((r) => r.records).reduce((sum, r) => sum + (r.type === 'settlement.finalised' ? 0 : r.value.gridLine), 0);
      expect(charged).toBe(credited + gridLines);
      expect(grid.balances().gridFeeAccrued).toBe(gridLines);
      for (const record of runs.flatMap((r) => r.records)) {
        if (record.type === 'settlement.finalised') continue;
        const { lines, totals } = record.value;
        const sum = (role: string) => lines.filter((l) => l.role === role).reduce((acc, l) => acc + (l.matchedWh ?? 0), 0);
        expect([sum('consumer'), sum('producer')]).toEqual([totals.matchedWh, totals.matchedWh]);
        expect(lines.filter((l) => l.role === 'consumer').reduce((acc, l) => acc + (l.energyWh ?? 0), 0)).toBe(totals.consumedWh);
      }
      // Every settled interval's entries sum to its latest record.
      for (let n = 0; n < K; n++) {
        const state = grid.interval(T + n * L);
        for (const [id, position] of state?.positions ?? []) {
          const entries = runs.flatMap((r) => r.entries).filter((e) => e.memberId === id && e.intervalStart === T + n * L);
          expect(entries.reduce((acc, e) => acc + e.matchedWh, 0)).toBe(position.matchedWh);
          expect(entries.reduce((acc, e) => acc + e.energyWh, 0)).toBe(position.energyWh);
        }
      }
    }), { numRuns: 60 });
  });

  it('P2P-T6/AG2: splitting a period into intervals never loses or creates a unit', () => {
    fc.assert(fc.property(piecesOf('SOURCE001'), (records) => {
      const book = new StreamBook({ minTimestampMs: 0, maxFutureMs: 0, maxLateMs: Number.MAX_SAFE_INTEGER, maxSpanMs: K * L });
      for (const record of records) expect(book.ingest(record, NOW).outcome).toBe('accepted');
      let total = 0;
      for (let n = 0; n < K; n++) {
        const span = { start: T + n * L, end: T + (n + 1) * L };
        total += aggregateOutput({ intervalStart: span.start, intervalMs: L, expectedSources: ['SOURCE001'], readings: new Map([['SOURCE001', book.effectiveWithin('SOURCE001', span)]]) }).outputWh;
      }
      expect(total).toBe(records.reduce((sum, r) => sum + r.energyWh, 0));
    }), { numRuns: 150 });
  });

  it('P2P-IN2/S6: re-delivering or reordering records never changes a settlement', () => {
    // A shuffled delivery of every record plus re-deliveries of some of them.
    const deliveries = scenario.chain((s) => {
      const all = [...s.consumers, ...s.outputs];
      return fc.shuffledSubarray(all).chain((duplicates) => {
        const mixed = [...all, ...duplicates];
        return fc.tuple(fc.constant(s), fc.constant(duplicates), fc.shuffledSubarray(mixed, { minLength: mixed.length }));
      });
    });
    fc.assert(fc.property(deliveries, ([s, duplicates, mixed]) => {
      const ordered = gridFor(s);
      const shuffled = gridFor(s);
      const all = [...s.consumers, ...s.outputs];
      const ingest = (grid: Grid, records: StreamRecord[]) => records.forEach((r) => (r.output ? grid.ingestOutput(r, NOW) : grid.ingestReading(r, NOW)));
      ingest(ordered, all);
      ingest(shuffled, mixed);
      const a = ordered.run(NOW + 1001);
      const b = shuffled.run(NOW + 1001);
      expect(b.records).toEqual(a.records);
      expect(b.entries).toEqual(a.entries);
      // Re-delivery after the run writes nothing.
      ingest(shuffled, duplicates);
      expect(shuffled.run(NOW + 1002).records).toEqual([]);
    }), { numRuns: 60 });
  });
});
