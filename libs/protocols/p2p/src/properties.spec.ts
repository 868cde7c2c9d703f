import fc from 'fast-check';
import { aggregateOutput } from './aggregation/aggregation';
import { resolveConfig } from './config/config';
import { Grid, type SettlementRunResult } from './settlement/grid';
import { StreamBook, type StreamRecord } from './ingestion/ingestion';
import { EMPTY_POOL, type PoolProducer, poolPayoutStep } from './settlement/payouts';
import { type PricingRuleId } from './pricing/pricing';
import { wholeChunks } from './units/units';

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
const piecesOf = (streamKey: string) =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: K * L - 1 }), { maxLength: 8 }),
      fc.array(fc.option(fc.nat({ max: 5000 }), { freq: 4 }), { minLength: 9, maxLength: 9 }),
    )
    .map(([cuts, energies]) => {
      const points = [0, ...cuts.sort((a, b) => a - b), K * L];
      const records: StreamRecord[] = [];
      for (let i = 0; i + 1 < points.length; i++) {
        const energyWh = energies[i];
        if (energyWh !== null)
          records.push({ streamKey, span: { start: T + points[i], end: T + points[i + 1] }, energyWh });
      }
      return records;
    });

const outputsOf = (producerId: string) =>
  fc
    .array(
      fc.option(
        fc.record({
          energyWh: fc.nat({ max: 8000 }),
          price: fc.integer({ min: 0, max: 50_000 }),
          complete: fc.boolean(),
        }),
        { freq: 4 },
      ),
      { minLength: K, maxLength: K },
    )
    .map((list) =>
      list.flatMap((o, n): StreamRecord[] =>
        o === null
          ? []
          : [
              {
                streamKey: producerId,
                span: { start: T + n * L, end: T + (n + 1) * L },
                energyWh: o.energyWh,
                revision: 0,
                output: {
                  complete: o.complete,
                  missingSources: o.complete ? [] : ['SOURCE001'],
                  partialSources: [],
                  producerPricePerMWh: o.price,
                  paymentIdOrAddress: producerId,
                },
              },
            ],
      ),
    );

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    rule: fc.constantFrom<PricingRuleId>('community-fixed@1', 'blueprint-average@1', 'blueprint-weighted@1'),
    fee: fc.oneof(
      fc.integer({ min: 0, max: 10_000 }).map((perMWh) => ({ kind: 'perKwh' as const, perMWh })),
      fc.integer({ min: 0, max: 9_999 }).map((bps) => ({ kind: 'bps' as const, bps })),
    ),
    consumerCount: fc.integer({ min: 1, max: 5 }),
    producerCount: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ rule, fee, consumerCount, producerCount }) => {
    const consumerIds = Array.from({ length: consumerCount }, (_, i) => `CONSUMER${i}`);
    const producerIds = Array.from({ length: producerCount }, (_, i) => `PRODUCER${i}`);
    return fc
      .tuple(fc.tuple(...consumerIds.map(piecesOf)), fc.tuple(...producerIds.map(outputsOf)))
      .map(([consumers, outputs]) => ({
        rule,
        fee,
        consumerIds,
        producerIds,
        consumers: consumers.flat(),
        outputs: outputs.flat(),
      }));
  });

function gridFor(s: Scenario): Grid {
  const config = resolveConfig('community', {
    intervalMs: L,
    gridGateClosureMs: 1000,
    finalAfterMs: 3 * L,
    minTimestampMs: 0,
    pricingRule: s.rule,
    gridFee: s.fee,
    requestMinAmount: 1,
    payoutMinAmount: 1,
  });
  const grid = new Grid({ config, gridId: 'GRID00001', epoch: T });
  for (const id of s.consumerIds) grid.register(id, 'consumer', T - 1);
  for (const id of s.producerIds) grid.register(id, 'producer', T - 1);
  return grid;
}

const NOW = T + K * L;

/** Delivers records to the grid's two topics, as its consumers would. */
function ingest(grid: Grid, records: readonly StreamRecord[]): void {
  for (const record of records) {
    if (record.output) grid.ingestOutput(record, NOW);
    else grid.ingestReading(record, NOW);
  }
}

/**
 * Each record followed by up to two corrections of its value under the same natural key, all carrying sender
 * revisions 0, 1, 2 (P2P-IN3); output corrections may also change completeness (P2P-AG4).
 */
/**
 * Every record with up to two corrections. A correction equal in value to an earlier revision of its key is left
 * out: P2P-IN2 makes identity the values, not the sender's revision, so such a record arriving after the earlier
 * one is a re-delivery, and "the highest revision wins in any order" does not hold for it.
 */
const historiesOf = (records: readonly StreamRecord[]) =>
  fc
    .tuple(
      ...records.map(() =>
        fc.array(fc.record({ energyWh: fc.nat({ max: 8000 }), complete: fc.boolean() }), { maxLength: 2 }),
      ),
    )
    .map((corrections) =>
      records.map((record, i) => {
        const history: StreamRecord[] = [{ ...record, revision: 0 }];
        for (const { energyWh, complete } of corrections[i]) {
          const output = record.output && { ...record.output, complete, missingSources: complete ? [] : ['SOURCE001'] };
          const seen = history.some(
            (earlier) => earlier.energyWh === energyWh && earlier.output?.complete === output?.complete,
          );
          if (!seen) history.push({ ...record, energyWh, revision: history.length, ...(output ? { output } : {}) });
        }
        return history;
      }),
    );

/** What a settlement record says about energy and money: everything but the inputs' quality, revision and hash. */
function economics(record: SettlementRunResult['records'][number]) {
  if (record.type === 'settlement.finalised') return record;
  const { lines, totals, prices, gridLine, gaps, complete } = record.value;
  return { ceId: record.ceId, lines, totals, prices, gridLine, gaps, complete };
}

describe('§18 property tests', () => {
  it('P2P-R3/S4: consumers billed = producers credited + grid line, to the unit; each member within one unit of its exact amount', () => {
    fc.assert(
      fc.property(scenario, fc.nat({ max: 2 }), (s, lateCount) => {
        const grid = gridFor(s);
        // Some consumer readings arrive late: re-settlement or adjustments carry deltas.
        const late = s.consumers.slice(0, lateCount);
        ingest(grid, [...s.consumers.slice(lateCount), ...s.outputs]);
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
        const gridLines = runs
          .flatMap((r) => r.records)
          .reduce((sum, r) => sum + (r.type === 'settlement.finalised' ? 0 : r.value.gridLine), 0);
        expect(charged).toBe(credited + gridLines);
        expect(grid.balances().gridFeeAccrued).toBe(gridLines);
        for (const record of runs.flatMap((r) => r.records)) {
          if (record.type === 'settlement.finalised') continue;
          const { lines, totals } = record.value;
          const sum = (role: string) =>
            lines.filter((l) => l.role === role).reduce((acc, l) => acc + (l.matchedWh ?? 0), 0);
          expect([sum('consumer'), sum('producer')]).toEqual([totals.matchedWh, totals.matchedWh]);
          expect(lines.filter((l) => l.role === 'consumer').reduce((acc, l) => acc + (l.energyWh ?? 0), 0)).toBe(
            totals.consumedWh,
          );
        }
        // Every settled interval's entries sum to its latest record.
        for (let n = 0; n < K; n++) {
          const state = grid.interval(T + n * L);
          for (const [id, position] of state?.positions ?? []) {
            const entries = runs
              .flatMap((r) => r.entries)
              .filter((e) => e.memberId === id && e.intervalStart === T + n * L);
            expect(entries.reduce((acc, e) => acc + e.matchedWh, 0)).toBe(position.matchedWh);
            expect(entries.reduce((acc, e) => acc + e.energyWh, 0)).toBe(position.energyWh);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('P2P-T6/AG2: splitting a period into intervals never loses or creates a unit', () => {
    fc.assert(
      fc.property(piecesOf('SOURCE001'), (records) => {
        const book = new StreamBook({
          minTimestampMs: 0,
          maxFutureMs: 0,
          maxLateMs: Number.MAX_SAFE_INTEGER,
          maxSpanMs: K * L,
        });
        for (const record of records) expect(book.ingest(record, NOW).outcome).toBe('accepted');
        let total = 0;
        for (let n = 0; n < K; n++) {
          const span = { start: T + n * L, end: T + (n + 1) * L };
          total += aggregateOutput({
            intervalStart: span.start,
            intervalMs: L,
            expectedSources: ['SOURCE001'],
            readings: new Map([['SOURCE001', book.effectiveWithin('SOURCE001', span)]]),
          }).outputWh;
        }
        expect(total).toBe(records.reduce((sum, r) => sum + r.energyWh, 0));
      }),
      { numRuns: 150 },
    );
  });

  it('P2P-IN2/S6: re-delivering or reordering records never changes a settlement', () => {
    // A shuffled delivery of every record plus re-deliveries of some of them.
    const deliveries = scenario.chain((s) => {
      const all = [...s.consumers, ...s.outputs];
      return fc.shuffledSubarray(all).chain((duplicates) => {
        const mixed = [...all, ...duplicates];
        return fc.tuple(
          fc.constant(s),
          fc.constant(duplicates),
          fc.shuffledSubarray(mixed, { minLength: mixed.length }),
        );
      });
    });
    fc.assert(
      fc.property(deliveries, ([s, duplicates, mixed]) => {
        const ordered = gridFor(s);
        const shuffled = gridFor(s);
        ingest(ordered, [...s.consumers, ...s.outputs]);
        ingest(shuffled, mixed);
        const a = ordered.run(NOW + 1001);
        const b = shuffled.run(NOW + 1001);
        expect(b.records).toEqual(a.records);
        expect(b.entries).toEqual(a.entries);
        // Re-delivery after the run writes nothing.
        ingest(shuffled, duplicates);
        expect(shuffled.run(NOW + 1002).records).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('P2P-IN3/IN4: corrections under one natural key settle the same in any delivery order: the highest sender revision wins', () => {
    // Every revision of every key, delivered in a random order, against the same revisions key by key in order.
    const deliveries = scenario.chain((s) =>
      historiesOf([...s.consumers, ...s.outputs]).chain((histories) => {
        const all = histories.flat();
        return fc.tuple(fc.constant(s), fc.constant(histories), fc.shuffledSubarray(all, { minLength: all.length }));
      }),
    );
    fc.assert(
      fc.property(deliveries, ([s, histories, shuffled]) => {
        const ordered = gridFor(s);
        const reordered = gridFor(s);
        ingest(ordered, histories.flat());
        ingest(reordered, shuffled);
        for (const history of histories) {
          const latest = history[history.length - 1];
          const book = latest.output ? reordered.producerOutputs : reordered.consumerReadings;
          const effective = book.history(latest.streamKey, latest.span.start)?.effective;
          // Lower revisions arriving later are stale (P2P-IN3).
          expect(effective?.energyWh).toBe(latest.energyWh);
          expect(effective?.output?.complete).toBe(latest.output?.complete);
        }
        const a = ordered.run(NOW + 1001);
        const b = reordered.run(NOW + 1001);
        expect(b.entries).toEqual(a.entries);
        expect(b.records.map(economics)).toEqual(a.records.map(economics));
      }),
      { numRuns: 60 },
    );
  });

  it('P2P-L5: the pool neither loses nor creates money: receipts = grid cut + payouts + what stays pooled', () => {
    const producers = fc.array(fc.record({ cumOutputWh: fc.nat({ max: 10 ** 6 }), active: fc.boolean() }), {
      maxLength: 5,
    });
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 500 }), { maxLength: 20 }),
        producers,
        fc.integer({ min: 0, max: 9_999 }),
        fc.integer({ min: 1, max: 100 }),
        (receipts, members, poolGridShareBps, payoutChunk) => {
          const pool: PoolProducer[] = members.map((m, k) => ({ producerId: `PRODUCER${k}`, ...m }));
          const eligible = new Set(pool.filter((p) => p.active && p.cumOutputWh > 0).map((p) => p.producerId));
          let state = EMPTY_POOL;
          let paidOut = 0;
          receipts.forEach((received, i) => {
            const step = poolPayoutStep(state, (i + 1) * 1000, () => received, pool, {
              poolGridShareBps,
              payoutChunk,
              payoutThrottleMs: 0,
            });
            if (!step) throw new Error('an unthrottled step always runs');
            const paid = step.payouts.reduce((sum, p) => sum + p.amount, 0);
            // Only whole chunks are distributed, only to active producers with output, never 0.
            expect(paid).toBeLessThanOrEqual(
              wholeChunks(
                state.poolAvailable + received - (step.pool.gridFeeReceived - state.gridFeeReceived),
                payoutChunk,
              ),
            );
            expect(step.payouts.every((p) => p.amount > 0 && eligible.has(p.producerId))).toBe(true);
            paidOut += paid;
            state = step.pool;
            expect(state.poolAvailable).toBeGreaterThanOrEqual(0);
          });
          const cumReceived = receipts.reduce((sum, r) => sum + r, 0);
          expect(state.gridFeeReceived).toBe(Number((BigInt(cumReceived) * BigInt(poolGridShareBps)) / 10_000n));
          expect(state.gridFeeReceived + paidOut + state.poolAvailable).toBe(cumReceived);
        },
      ),
      { numRuns: 200 },
    );
  });
});
