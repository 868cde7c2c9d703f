/** SPEC §5.3 and §5.5: event status, current values, full state and the distribution order. */
import type { EventStatus } from '../payloads/event';
import type { Duration, Instant } from '../values';
import { type EventSignal, type EventVersion, eventDuration } from './model';

const SECOND = 1000;

/** §5.3 (EV-6: the recovery period counts as active; notification and startAfter change nothing). */
export function eventStatus(event: EventVersion, t: Instant): EventStatus {
  if (event.cancelled) return 'cancelled';
  const S = event.start;
  const D = eventDuration(event) * SECOND;
  const R = (event.rampUp ?? 0) * SECOND;
  const C = (event.recovery ?? 0) * SECOND;
  if (D > 0 && t >= S + D + C) return 'completed';
  if (t >= S) return 'active';
  if (R > 0 && t >= S - R) return 'near';
  return 'far';
}

/** EV-7: the value of the interval in force at t while the event is active, else 0. */
export function currentValue(event: EventVersion, signal: EventSignal, t: Instant): number {
  if (eventStatus(event, t) !== 'active') return 0;
  let start = event.start;
  const last = signal.intervals.length - 1;
  for (const [k, interval] of signal.intervals.entries()) {
    const openEnded = k === last && interval.duration === 0;
    if (t >= start && (openEnded || t < start + interval.duration * SECOND)) return interval.value;
    start += interval.duration * SECOND;
  }
  return 0;
}

/** What the VTN knows about one event and one VEN, for EV-12. */
export interface EventDeliveryState {
  /** The event's current version targets the VEN (EV-4); false after a withdrawal (EV-11). */
  readonly matched: boolean;
  /** The VEN received a version of the event before. */
  readonly received: boolean;
  /** The VEN acknowledged the cancellation (EV-13). */
  readonly cancellationAcknowledged: boolean;
  /** When the event was cancelled or withdrawn from this VEN (EV-11), if it was. */
  readonly cancelledAt?: Instant;
}

/**
 * EV-12: whether the event belongs to the full state F(v, t): matched and not completed; or cancelled /
 * withdrawn for a VEN that received an earlier version and has not acknowledged it, within the retention,
 * and not past the event's own end.
 */
export function inFullState(
  event: EventVersion,
  t: Instant,
  delivery: EventDeliveryState,
  retention: Duration,
): boolean {
  const withdrawn = !event.cancelled && !delivery.matched && delivery.received;
  if (!event.cancelled && !withdrawn) return delivery.matched && eventStatus(event, t) !== 'completed';
  if (!delivery.received || delivery.cancellationAcknowledged || delivery.cancelledAt === undefined) return false;
  if (t >= delivery.cancelledAt + retention * SECOND) return false;
  const D = eventDuration(event) * SECOND;
  return D === 0 || t < event.start + D + (event.recovery ?? 0) * SECOND;
}

/**
 * EV-14: active events first by (priority, start, eventId), then the others by (start, priority, eventId);
 * priority 0 sorts after every positive priority. Withdrawn events (EV-11) read as cancelled.
 */
export function distributionOrder(
  events: readonly EventVersion[],
  t: Instant,
  withdrawn?: ReadonlySet<string>,
): EventVersion[] {
  const rank = (e: EventVersion): number => (e.priority > 0 ? e.priority : Infinity);
  const byId = (a: EventVersion, b: EventVersion): number =>
    a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
  const active = (e: EventVersion): boolean => !withdrawn?.has(e.eventId) && eventStatus(e, t) === 'active';
  return [...events].sort((a, b) => {
    const activeA = active(a);
    if (activeA !== active(b)) return activeA ? -1 : 1;
    const [first, second] = activeA ? [rank(a) - rank(b), a.start - b.start] : [a.start - b.start, rank(a) - rank(b)];
    return (Number.isNaN(first) ? 0 : Math.sign(first)) || (Number.isNaN(second) ? 0 : Math.sign(second)) || byId(a, b);
  });
}
