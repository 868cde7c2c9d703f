import { P2PError } from '../errors';
import { largestRemainder } from '../units/rounding';
import { requireSafeInteger } from '../units/units';

const DAY_MS = 86_400_000;

/** P2P-T3/T4: how a record's `startTime`/`endTime` are read. */
export type Bounds = 'half-open' | 'inclusive';

/** A half-open span `[start, end)` in epoch ms: the one form every rule computes with (P2P-T4). */
export interface Span {
  start: number;
  end: number;
}

/** Times as written on the wire (P2P-T3). */
export interface WireSpan {
  startTime: number;
  endTime: number;
  bounds: Bounds;
}

/** P2P-T1: `L` divides a day and is at least one second. */
export function checkIntervalMs(intervalMs: number): string | null {
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1000 || DAY_MS % intervalMs !== 0) {
    return `interval length ${intervalMs} ms must be an integer ≥ 1000 that divides 86 400 000 (P2P-T1).`;
  }
  return null;
}

function requireIntervalMs(intervalMs: number): number {
  const problem = checkIntervalMs(intervalMs);
  if (problem) throw new P2PError('INVALID_CONFIG', problem);
  return intervalMs;
}

/** P2P-T2: the start of the interval `[n·L, (n+1)·L)` containing `t`; epoch-aligned, so UTC-midnight aligned. */
export function intervalStartOf(t: number, intervalMs: number): number {
  requireSafeInteger(t, 'time');
  requireIntervalMs(intervalMs);
  return Math.floor(t / intervalMs) * intervalMs;
}

/** P2P-T3: a span as we write it; `inclusive` (the PoC form) starts 1 ms later and ends on the same ms. */
export function toWireSpan(span: Span, bounds: Bounds): WireSpan {
  return { startTime: bounds === 'inclusive' ? span.start + 1 : span.start, endTime: span.end, bounds };
}

/** P2P-T4: the half-open span a record covers; `inclusive` means `[startTime − 1, endTime)`. */
export function readSpan(startTime: number, endTime: number, bounds: Bounds): Span {
  return { start: bounds === 'inclusive' ? startTime - 1 : startTime, end: endTime };
}

/** P2P-T4: absent `bounds` means `half-open` on Kafka and the configured wire bounds on HTTP input. */
export function boundsOf(given: Bounds | undefined, channel: 'kafka' | 'http', wireBounds: Bounds): Bounds {
  return given ?? (channel === 'kafka' ? 'half-open' : wireBounds);
}

/** P2P-T5 limits (§16 `MIN_TIMESTAMP_MS`, `MAX_FUTURE_MS`, `MAX_LATE_MS`, `MAX_SPAN_MS`). */
export interface SpanLimits {
  minTimestampMs: number;
  maxFutureMs: number;
  maxLateMs: number;
  maxSpanMs: number;
  /**
   * The most energy one record may carry (ours, `MAX_RECORD_WH`; none when absent). Sums over a community's records
   * must stay below 2^53: without a bound, two absurd readings make an interval's sum impossible, and every run that
   * reaches that interval fails.
   */
  maxRecordWh?: number;
}

/** The P2P-IN8 rejection reasons. */
export type RejectionReason =
  'not-integer' | 'empty-span' | 'too-old' | 'future' | 'span-too-long' | 'too-late' | 'overlap' | 'energy' | 'closed';

/** P2P-T5: the first rule a span breaks at `now`, or null. */
export function spanRejection(span: Span, now: number, limits: SpanLimits): RejectionReason | null {
  const { start, end } = span;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return 'not-integer';
  if (end <= start) return 'empty-span';
  if (start < limits.minTimestampMs) return 'too-old';
  if (end > now + limits.maxFutureMs) return 'future';
  if (end - start > limits.maxSpanMs) return 'span-too-long';
  if (end < now - limits.maxLateMs) return 'too-late';
  return null;
}

/** A reading's share of one interval (P2P-T6). */
export interface IntervalShare {
  intervalStart: number;
  energyWh: number;
  coverageMs: number;
}

/**
 * P2P-T6: a span inside one interval goes wholly to it; a straddling span is split over the intervals it
 * overlaps, weighted by overlap in ms, by R2 with ties to the earlier interval. Shares sum to `energyWh`.
 */
export function splitSpan(span: Span, energyWh: number, intervalMs: number): IntervalShare[] {
  const first = intervalStartOf(span.start, intervalMs);
  if (span.end <= first + intervalMs) return [{ intervalStart: first, energyWh, coverageMs: span.end - span.start }];
  const starts: number[] = [];
  const overlaps: number[] = [];
  for (let n = first; n < span.end; n += intervalMs) {
    starts.push(n);
    overlaps.push(Math.min(span.end, n + intervalMs) - Math.max(span.start, n));
  }
  const energies = largestRemainder(energyWh, overlaps);
  return starts.map((intervalStart, i) => ({ intervalStart, energyWh: energies[i], coverageMs: overlaps[i] }));
}

/**
 * The energy and coverage a span assigns to the one interval starting at `intervalStart` (P2P-T6), without
 * materialising the other shares when the span lies inside it.
 */
export function shareIn(span: Span, energyWh: number, intervalStart: number, intervalMs: number): IntervalShare | null {
  const end = intervalStart + intervalMs;
  if (span.end <= intervalStart || span.start >= end) return null;
  if (span.start >= intervalStart && span.end <= end)
    return { intervalStart, energyWh, coverageMs: span.end - span.start };
  return splitSpan(span, energyWh, intervalMs).find((share) => share.intervalStart === intervalStart) ?? null;
}

/** P2P-T7: a lag of `w` windows is `(w + 1)·L`. */
export function gateClosureForWindows(windows: number, intervalMs: number): number {
  requireSafeInteger(windows, 'windows');
  return (windows + 1) * requireIntervalMs(intervalMs);
}

/** P2P-T7: interval `n` is due at `asOf` when `asOf > (n+1)·L + gateClosureMs` (strict). */
export function isDue(intervalStart: number, intervalMs: number, asOf: number, gateClosureMs: number): boolean {
  return asOf > intervalStart + intervalMs + gateClosureMs;
}

/** P2P-T8: a settled interval is final in a run with `asOf > (n+1)·L + finalAfterMs` (strict). */
export function isFinalAt(intervalStart: number, intervalMs: number, asOf: number, finalAfterMs: number): boolean {
  return asOf > intervalStart + intervalMs + finalAfterMs;
}

/** The start of the latest interval due at `asOf` (P2P-T7); every earlier interval is due as well. */
export function latestDueIntervalStart(asOf: number, intervalMs: number, gateClosureMs: number): number {
  // asOf > n + L + gate ⟺ n < asOf − L − gate ⟺ n ≤ asOf − L − gate − 1
  return intervalStartOf(asOf - intervalMs - gateClosureMs - 1, intervalMs);
}
