/** EV-1 and the field rules of §5.1: what makes an event version acceptable. */
import { operatorIdProblem } from '../ids';
import type { SignalName, SignalType } from '../payloads/event';
import type { Instant } from '../values';
import { checkBuiltin, isXmlText } from '@flexgrid/xml';
import { type EventVersion, eventDuration } from './model';
import { eventStatus } from './status';

export interface ContentIssue {
  /** JSON pointer into the event (as the operator API body names its fields). */
  readonly pointer: string;
  readonly message: string;
}

export interface ContentCheck {
  readonly errors: readonly ContentIssue[];
  readonly warnings: readonly ContentIssue[];
}

const MAX_SIGNALS = 16;
const MAX_INTERVALS = 2000;
const MAX_TARGETS = 10_000;
const FLOAT_MAX = 3.4028235e38;
const UNSIGNED_INT_MAX = 4_294_967_295;
const MAX_COMMENT = 1024;
/** An absolute URI: a scheme, then the rest of an xs:anyURI without spaces (emix:marketContext is one). */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/;

/** The signal types that go with each signal name (other pairs are accepted with a warning). */
const EXPECTED_TYPES: ReadonlyMap<string, readonly SignalType[]> = new Map<SignalName, readonly SignalType[]>([
  ['SIMPLE', ['level']],
  ['simple', ['level']],
  ['ELECTRICITY_PRICE', ['price', 'priceRelative', 'priceMultiplier']],
  ['ENERGY_PRICE', ['price', 'priceRelative', 'priceMultiplier']],
  ['DEMAND_CHARGE', ['price', 'priceRelative', 'priceMultiplier']],
  ['BID_PRICE', ['price']],
  ['BID_LOAD', ['setpoint']],
  ['BID_ENERGY', ['setpoint']],
  ['CHARGE_STATE', ['setpoint', 'delta', 'multiplier']],
  ['LOAD_DISPATCH', ['setpoint', 'delta', 'multiplier', 'level']],
  [
    'LOAD_CONTROL',
    ['x-loadControlCapacity', 'x-loadControlLevelOffset', 'x-loadControlPercentOffset', 'x-loadControlSetpoint'],
  ],
]);

/** Checks an event version at `now` (a new or modified version must not already be over). */
export function checkEventContent(event: EventVersion, now: Instant): ContentCheck {
  const errors: ContentIssue[] = [];
  const warnings: ContentIssue[] = [];
  const idProblem = operatorIdProblem(event.eventId);
  if (idProblem) errors.push({ pointer: '/eventId', message: idProblem });
  if (
    !ABSOLUTE_URI.test(event.marketContext) ||
    !isXmlText(event.marketContext) ||
    checkBuiltin('anyURI', event.marketContext)
  )
    errors.push({ pointer: '/marketContext', message: 'the market context is an absolute URI' });
  if (!Number.isInteger(event.priority) || event.priority < 0 || event.priority > UNSIGNED_INT_MAX)
    errors.push({ pointer: '/priority', message: `priority is an integer in 0…${UNSIGNED_INT_MAX}` });
  // XW-3: text XML cannot carry is refused here, at input, not when the event is rendered.
  if (event.vtnComment !== undefined && (event.vtnComment.length > MAX_COMMENT || !isXmlText(event.vtnComment))) {
    errors.push({ pointer: '/vtnComment', message: `the comment is at most ${MAX_COMMENT} characters XML can carry` });
  }
  if (event.modificationReason !== undefined && !isXmlText(event.modificationReason))
    errors.push({ pointer: '/modificationReason', message: 'the reason has characters XML cannot carry' });
  const signals = event.signals;
  if (signals.length < 1 || signals.length > MAX_SIGNALS)
    errors.push({ pointer: '/signals', message: `an event has 1 to ${MAX_SIGNALS} signals` });

  const totals: number[] = [];
  const openEnded: boolean[] = [];
  const ids = new Set<string>();
  signals.forEach((signal, s) => {
    const at = `/signals/${s}`;
    if (signal.name.startsWith('x-') && !/^x-\S/.test(signal.name))
      errors.push({ pointer: `${at}/name`, message: 'an extension signal name is x- and then a non-space' });
    const signalIdProblem = operatorIdProblem(signal.id);
    if (signalIdProblem) errors.push({ pointer: `${at}/id`, message: signalIdProblem });
    else if (ids.has(signal.id))
      errors.push({ pointer: `${at}/id`, message: `signal id '${signal.id}' is used twice` });
    ids.add(signal.id);
    const { intervals } = signal;
    if (intervals.length < 1 || intervals.length > MAX_INTERVALS)
      errors.push({ pointer: `${at}/intervals`, message: `a signal has 1 to ${MAX_INTERVALS} intervals` });
    intervals.forEach((interval, i) => {
      const last = i === intervals.length - 1;
      if (!Number.isInteger(interval.duration) || interval.duration < 0 || (interval.duration === 0 && !last)) {
        errors.push({
          pointer: `${at}/intervals/${i}/duration`,
          message: 'interval durations are whole seconds > 0 (only the last may be 0, for an open-ended event)',
        });
      }
      if (!Number.isFinite(interval.value) || Math.abs(interval.value) > FLOAT_MAX) {
        errors.push({ pointer: `${at}/intervals/${i}/value`, message: `values are finite and within ±${FLOAT_MAX}` });
      }
      if ((signal.name === 'SIMPLE' || signal.name === 'simple') && ![0, 1, 2, 3].includes(interval.value)) {
        errors.push({ pointer: `${at}/intervals/${i}/value`, message: 'SIMPLE levels are 0, 1, 2 or 3' });
      }
    });
    totals.push(intervals.reduce((sum, interval) => sum + interval.duration, 0));
    openEnded.push(intervals.length > 0 && intervals[intervals.length - 1]?.duration === 0);
    if ((signal.name === 'SIMPLE' || signal.name === 'simple') && signal.type !== 'level') {
      errors.push({ pointer: `${at}/type`, message: 'a SIMPLE signal has type level' });
    } else {
      const expected = EXPECTED_TYPES.get(signal.name);
      if (expected && !expected.includes(signal.type))
        warnings.push({
          pointer: `${at}/type`,
          message: `${signal.name} usually has type ${expected.join(', ')}, not ${signal.type}`,
        });
    }
  });
  if (openEnded.some((o) => o) && !openEnded.every((o) => o)) {
    errors.push({ pointer: '/signals', message: 'when one signal is open-ended (last interval PT0S), all must be' });
  }
  if (totals.some((total) => total !== totals[0]))
    errors.push({ pointer: '/signals', message: 'all signals must have the same total duration' });

  for (const [field, value] of [
    ['rampUp', event.rampUp],
    ['notification', event.notification],
    ['recovery', event.recovery],
    ['startAfter', event.startAfter],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      errors.push({ pointer: `/${field}`, message: 'durations are whole seconds ≥ 0' });
  }
  if (errors.length === 0 && eventDuration(event) > 0 && !event.cancelled && eventStatus(event, now) === 'completed') {
    errors.push({ pointer: '/start', message: 'the event would already be over' });
  }

  const t = event.targets;
  if (t.all !== true) {
    const count =
      (t.venIds?.length ?? 0) + (t.groupIds?.length ?? 0) + (t.resourceIds?.length ?? 0) + (t.partyIds?.length ?? 0);
    if (count === 0 || count > MAX_TARGETS)
      errors.push({ pointer: '/targets', message: `targets hold 1 to ${MAX_TARGETS} entries, or all: true` });
  }
  return { errors, warnings };
}
