import { intervalStartOf, type Span } from './interval';

/** The window generator's clock: the end of the last window emitted. */
export interface MeterWindowState {
  lastEnd: number;
}

export interface MeterWindowOptions {
  intervalMs: number;
  /** `poc` only: after a silence longer than this, restart from `now` and emit nothing. */
  idleResetMs?: number;
  /** Older windows are caught up on later ticks (default profile: 96). */
  maxPerTick?: number;
}

/**
 * P2P-T10, the simulators' window generator. Emits `[lastEnd, lastEnd + L)` (the PoC's inclusive
 * `[lastEnd+1, lastEnd+L]`, see `toWireSpan`) while `now − lastEnd > L`; comparisons are strict. After an idle
 * reset `lastEnd` is unaligned, so later windows may straddle two intervals (split by P2P-T6).
 */
export function meterWindows(
  state: MeterWindowState,
  now: number,
  options: MeterWindowOptions,
): { state: MeterWindowState; windows: Span[] } {
  const { intervalMs, idleResetMs, maxPerTick = Number.POSITIVE_INFINITY } = options;
  if (idleResetMs !== undefined && now - state.lastEnd > idleResetMs) return { state: { lastEnd: now }, windows: [] };
  const windows: Span[] = [];
  let lastEnd = state.lastEnd;
  while (now - lastEnd > intervalMs && windows.length < maxPerTick) {
    windows.push({ start: lastEnd, end: lastEnd + intervalMs });
    lastEnd += intervalMs;
  }
  return { state: { lastEnd }, windows };
}

/** P2P-T10 (ours): a generator starts at the start of the interval containing `now`. */
export function initialMeterWindowState(now: number, intervalMs: number): MeterWindowState {
  return { lastEnd: intervalStartOf(now, intervalMs) };
}
