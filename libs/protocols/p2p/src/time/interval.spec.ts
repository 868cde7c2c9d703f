import fc from 'fast-check';
import { DueIntervals } from './due-intervals';
import {
  boundsOf,
  checkIntervalMs,
  gateClosureForWindows,
  intervalStartOf,
  isDue,
  isFinalAt,
  latestDueIntervalStart,
  readSpan,
  shareIn,
  type SpanLimits,
  spanRejection,
  splitSpan,
  toWireSpan,
} from './interval';
import { initialMeterWindowState, meterWindows } from './meter-windows';

const L = 900_000;
const limits: SpanLimits = {
  minTimestampMs: 946_684_800_000,
  maxFutureMs: 300_000,
  maxLateMs: 400 * 86_400_000,
  maxSpanMs: 86_400_000,
};

describe('P2P-T time and intervals', () => {
  it('P2P-T1: L must divide a day and be ≥ 1000 ms', () => {
    expect(checkIntervalMs(900_000)).toBeNull();
    expect(checkIntervalMs(30_000)).toBeNull();
    expect(checkIntervalMs(1000)).toBeNull();
    expect(checkIntervalMs(999)).toMatch(/P2P-T1/);
    expect(checkIntervalMs(7_000)).toMatch(/divides 86 400 000/);
    expect(checkIntervalMs(1.5e6 + 0.5)).not.toBeNull();
    expect(() => intervalStartOf(0, 7000)).toThrow(/P2P-T1/);
  });

  it('P2P-T2: intervals are [n·L, (n+1)·L) in epoch ms, aligned to UTC midnight', () => {
    expect(intervalStartOf(1_800_000_600_000, L)).toBe(1_800_000_000_000);
    expect(intervalStartOf(1_800_000_900_000, L)).toBe(1_800_000_900_000);
    expect(intervalStartOf(1_800_000_899_999, L)).toBe(1_800_000_000_000);
    const midnight = Date.UTC(2027, 0, 15);
    expect(intervalStartOf(midnight + 1, L)).toBe(midnight);
    expect(intervalStartOf(midnight - 1, L)).toBe(midnight - L);
  });

  it('P2P-T3: half-open and inclusive wire bounds of an interval', () => {
    const span = { start: 1_800_000_000_000, end: 1_800_000_030_000 };
    expect(toWireSpan(span, 'half-open')).toEqual({
      startTime: 1_800_000_000_000,
      endTime: 1_800_000_030_000,
      bounds: 'half-open',
    });
    expect(toWireSpan(span, 'inclusive')).toEqual({
      startTime: 1_800_000_000_001,
      endTime: 1_800_000_030_000,
      bounds: 'inclusive',
    });
  });

  it('P2P-T4: spans are read half-open; inclusive starts 1 ms earlier; absent bounds differ on Kafka and HTTP', () => {
    expect(readSpan(1_800_000_000_001, 1_800_000_030_000, 'inclusive')).toEqual({
      start: 1_800_000_000_000,
      end: 1_800_000_030_000,
    });
    expect(readSpan(5, 10, 'half-open')).toEqual({ start: 5, end: 10 });
    expect(boundsOf(undefined, 'kafka', 'inclusive')).toBe('half-open');
    expect(boundsOf(undefined, 'http', 'inclusive')).toBe('inclusive');
    expect(boundsOf('half-open', 'http', 'inclusive')).toBe('half-open');
  });

  it('P2P-T5: span validation and its rejection reasons', () => {
    const now = 1_800_000_000_000;
    expect(spanRejection({ start: now - L, end: now }, now, limits)).toBeNull();
    expect(spanRejection({ start: now - 0.5, end: now }, now, limits)).toBe('not-integer');
    expect(spanRejection({ start: now, end: now }, now, limits)).toBe('empty-span');
    expect(spanRejection({ start: now, end: now - 1 }, now, limits)).toBe('empty-span');
    expect(spanRejection({ start: limits.minTimestampMs - 1, end: limits.minTimestampMs + 1 }, now, limits)).toBe(
      'too-old',
    );
    expect(spanRejection({ start: now, end: now + 300_000 }, now, limits)).toBeNull();
    expect(spanRejection({ start: now, end: now + 300_001 }, now, limits)).toBe('future');
    expect(spanRejection({ start: now - 86_400_001, end: now }, now, limits)).toBe('span-too-long');
    expect(spanRejection({ start: now - 400 * 86_400_000 - 10, end: now - 400 * 86_400_000 }, now, limits)).toBeNull();
    expect(spanRejection({ start: now - 400 * 86_400_000 - 10, end: now - 400 * 86_400_000 - 1 }, now, limits)).toBe(
      'too-late',
    );
    // "ms since 1900" (the blueprint's text) lands ~70 years in the future.
    const since1900 = now + 2_208_988_800_000;
    expect(spanRejection({ start: since1900, end: since1900 + 1000 }, now, limits)).toBe('future');
  });

  it('P2P-T6: a straddling reading splits by overlap with R2, the leftover to the earlier interval (1001 Wh → 501 / 500)', () => {
    expect(splitSpan({ start: 1_800_000_600_000, end: 1_800_001_200_000 }, 1001, L)).toEqual([
      { intervalStart: 1_800_000_000_000, energyWh: 501, coverageMs: 300_000 },
      { intervalStart: 1_800_000_900_000, energyWh: 500, coverageMs: 300_000 },
    ]);
    const poc = readSpan(1_800_000_000_001, 1_800_000_030_000, 'inclusive');
    expect(splitSpan(poc, 2250, 30_000)).toEqual([
      { intervalStart: 1_800_000_000_000, energyWh: 2250, coverageMs: 30_000 },
    ]);
    expect(shareIn({ start: 1_800_000_600_000, end: 1_800_001_200_000 }, 1001, 1_800_000_900_000, L)).toEqual({
      intervalStart: 1_800_000_900_000,
      energyWh: 500,
      coverageMs: 300_000,
    });
    expect(shareIn({ start: 0, end: 1000 }, 5, L, L)).toBeNull();
  });

  it('P2P-T6: splitting never loses or creates a unit (property)', () => {
    // Spans of up to 2000 intervals (a day of 1 s intervals is the extreme, and slow to check 150 times).
    const spans = fc
      .constantFrom(1000, 30_000, 900_000, 3_600_000)
      .chain((intervalMs) =>
        fc.tuple(fc.integer({ min: 1, max: Math.min(86_400_000, 2000 * intervalMs) }), fc.constant(intervalMs)),
      );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 7 }),
        spans,
        fc.nat({ max: 10 ** 9 }),
        (start, [length, intervalMs], energy) => {
          const shares = splitSpan({ start, end: start + length }, energy, intervalMs);
          expect(shares.reduce((s, x) => s + x.energyWh, 0)).toBe(energy);
          expect(shares.reduce((s, x) => s + x.coverageMs, 0)).toBe(length);
          expect(
            shares.every((share, i) => i === 0 || share.intervalStart - shares[i - 1].intervalStart === intervalMs),
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('P2P-T7: due strictly after end + gate closure; a lag of w windows is (w+1)·L', () => {
    const n = 1_800_000_000_000;
    expect(isDue(n, L, n + L + 600_000, 600_000)).toBe(false);
    expect(isDue(n, L, n + L + 600_001, 600_000)).toBe(true);
    expect(gateClosureForWindows(3, 30_000)).toBe(120_000);
    // The PoC: a source window ending at E is summed when now > E + 120 000.
    expect(isDue(n, 30_000, n + 30_000 + 120_000, 120_000)).toBe(false);
    expect(isDue(n, 30_000, n + 30_000 + 120_001, 120_000)).toBe(true);
  });

  it('P2P-T8: final strictly after end + finalAfterMs; poc (0) is final in the first run after the end', () => {
    const n = 1_800_000_000_000;
    expect(isFinalAt(n, L, n + L + 172_800_000, 172_800_000)).toBe(false);
    expect(isFinalAt(n, L, n + L + 172_800_001, 172_800_000)).toBe(true);
    expect(isFinalAt(n, 30_000, n + 30_001, 0)).toBe(true);
  });

  it('P2P-T9: every due interval from the epoch, none skipped after downtime; changed intervals before the epoch too', () => {
    const epoch = 1_800_000_000_000;
    expect(latestDueIntervalStart(epoch + 3 * L + 600_000, L, 600_000)).toBe(epoch + L);
    expect(latestDueIntervalStart(epoch + 3 * L + 600_001, L, 600_000)).toBe(epoch + 2 * L);
    const due = new DueIntervals(epoch, L, 600_000);
    expect(due.take(epoch + L + 600_000)).toEqual([]);
    expect(due.take(epoch + L + 600_001)).toEqual([epoch]);
    // A long downtime: all the intervals in between, in order.
    expect(due.take(epoch + 5 * L + 600_001)).toEqual([epoch + L, epoch + 2 * L, epoch + 3 * L, epoch + 4 * L]);
    due.changed({ start: epoch - L, end: epoch + 1 });
    due.changed({ start: epoch + 9 * L, end: epoch + 9 * L + 1 });
    expect(due.take(epoch + 5 * L + 600_002)).toEqual([epoch - L, epoch]);
    expect(due.take(epoch + 5 * L + 600_003)).toEqual([]);
  });

  it('P2P-T10: meter windows with strict > L, the PoC examples and the idle reset', () => {
    const T = 1_800_000_000_000;
    const poc = { intervalMs: 30_000, idleResetMs: 150_000 };
    expect(meterWindows({ lastEnd: T }, T + 75_000, poc).windows).toEqual([
      { start: T, end: T + 30_000 },
      { start: T + 30_000, end: T + 60_000 },
    ]);
    expect(meterWindows({ lastEnd: T }, T + 60_000, poc).windows).toHaveLength(1);
    expect(meterWindows({ lastEnd: T }, T + 30_000, poc).windows).toHaveLength(0);
    expect(meterWindows({ lastEnd: T }, T + 140_000, poc)).toEqual({
      state: { lastEnd: T + 120_000 },
      windows: [0, 1, 2, 3].map((k) => ({ start: T + k * 30_000, end: T + (k + 1) * 30_000 })),
    });
    expect(meterWindows({ lastEnd: T }, T + 200_000, poc)).toEqual({ state: { lastEnd: T + 200_000 }, windows: [] });
    // Without an idle reset, older windows are caught up maxPerTick at a time.
    const first = meterWindows({ lastEnd: T }, T + 200_000, { intervalMs: 30_000, maxPerTick: 2 });
    expect(first.windows).toHaveLength(2);
    expect(meterWindows(first.state, T + 200_000, { intervalMs: 30_000, maxPerTick: 96 }).windows).toHaveLength(4);
    expect(initialMeterWindowState(T + 12_345, 30_000)).toEqual({ lastEnd: T });
  });
});
