/**
 * How every page writes times: the viewer's local time, always with its zone, so that an operator comparing
 * two pages (or a page and a log) never has to guess which clock a time is on.
 */
import { useSyncExternalStore } from 'react';

/** An instant as the services send it: ISO 8601 text or epoch milliseconds. */
export type Instant = string | number | Date | null | undefined;

const MISSING = '–';

const timeOfDay: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};
const dateAndTime: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', ...timeOfDay };
const withZone = new Intl.DateTimeFormat(undefined, { ...dateAndTime, timeZoneName: 'short' });
const withoutZone = new Intl.DateTimeFormat(undefined, dateAndTime);
const timeOfDayWithZone = new Intl.DateTimeFormat(undefined, { ...timeOfDay, timeZoneName: 'short' });

function epochMs(time: Exclude<Instant, null | undefined>): number {
  return typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : time.getTime();
}

/** "6 Dec 2026, 15:56:11 UTC"; a text that is no time comes back as it is, so nothing is hidden. */
export function formatDateTime(time: Instant): string {
  if (time === null || time === undefined || time === '') return MISSING;
  const ms = epochMs(time);
  return Number.isNaN(ms) ? String(time) : withZone.format(ms);
}

/** Today's times as "14:03:07 CET", older ones with their date: for columns that mostly hold recent times. */
export function formatRecentTime(time: Instant, now = Date.now()): string {
  if (time === null || time === undefined || time === '') return MISSING;
  const ms = epochMs(time);
  if (Number.isNaN(ms)) return String(time);
  return new Date(now).toDateString() === new Date(ms).toDateString()
    ? timeOfDayWithZone.format(ms)
    : withZone.format(ms);
}

/** A period [start, end) as "6 Dec 2026, 15:45:00 – 16:00:00 UTC": the zone once, the date once when it is one day. */
export function formatTimeRange(startMs: number, endMs: number): string {
  const sameDay = new Date(startMs).toDateString() === new Date(endMs - 1).toDateString();
  return `${withoutZone.format(startMs)} – ${(sameDay ? timeOfDayWithZone : withZone).format(endMs)}`;
}

/** The zone's short name ("CET", "UTC"), for column headings and form labels. */
export const localZoneName =
  new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(0).find((p) => p.type === 'timeZoneName')
    ?.value ?? 'local time';

/** The zone's IANA name ("Europe/Amsterdam"), for a page's note on times. */
export const localTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "4 s ago", "12 min ago", "in 3 h"; "never" for no time. */
export function relativeTime(time: Instant, now: number): string {
  if (time === null || time === undefined || time === '') return 'never';
  const ms = epochMs(time);
  if (Number.isNaN(ms)) return String(time);
  const seconds = Math.round((now - ms) / 1000);
  const magnitude = Math.abs(seconds);
  const text =
    magnitude < 60
      ? `${magnitude} s`
      : magnitude < 3600
        ? `${Math.floor(magnitude / 60)} min`
        : magnitude < 172_800
          ? `${Math.floor(magnitude / 3600)} h`
          : `${Math.floor(magnitude / 86_400)} d`;
  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/**
 * One clock for every relative time on a page: a component reading it re-renders each second, and a table's
 * columns need not depend on the time (which would re-sort the table every second).
 */
const clock = {
  now: Date.now(),
  listeners: new Set<() => void>(),
  timer: undefined as ReturnType<typeof setInterval> | undefined,
  subscribe(listener: () => void): () => void {
    clock.listeners.add(listener);
    clock.timer ??= setInterval(() => {
      clock.now = Date.now();
      for (const l of clock.listeners) l();
    }, 1000);
    return () => {
      clock.listeners.delete(listener);
      if (clock.listeners.size === 0) {
        clearInterval(clock.timer);
        clock.timer = undefined;
      }
    };
  },
};

/** The page's clock, in milliseconds, ticking each second while a component uses it. */
export function useNow(): number {
  return useSyncExternalStore(clock.subscribe, () => clock.now);
}
