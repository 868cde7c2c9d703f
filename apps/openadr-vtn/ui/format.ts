/** How the page writes times and durations: local time with the zone, relative ages, ISO 8601 durations. */
import { useSyncExternalStore } from 'react';

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** "6 Dec 2026, 15:56:11 UTC": the viewer's local time, always with its zone. */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

/** The zone the page shows times in, for headings and form labels. */
export const localZone =
  new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(0).find((p) => p.type === 'timeZoneName')
    ?.value ?? 'local time';

/** "4 s ago", "12 min ago", "in 3 h". */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const seconds = Math.round((now - t) / 1000);
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
 * One clock for every relative time on the page: a component reading it re-renders each second, and a table's
 * columns need not depend on the time (which would re-sort it every second).
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

export function useNow(): number {
  return useSyncExternalStore(clock.subscribe, () => clock.now);
}

/** Seconds of an ISO 8601 duration of days, hours, minutes and seconds (what the VTN sends). */
export function durationSeconds(iso: string | undefined): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso ?? '');
  if (!m) return 0;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

/** "1 h 30 min", "45 s". */
export function humanDuration(seconds: number): string {
  if (seconds === 0) return '0 s';
  const parts: string[] = [];
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s) parts.push(`${s} s`);
  return parts.join(' ');
}

/** PT1H30M from minutes, for the operator API. */
export function isoMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m || !h ? `${m}M` : ''}`;
}

const scalePrefix: Record<string, string> = {
  p: 'p',
  n: 'n',
  micro: 'µ',
  m: 'm',
  c: 'c',
  d: 'd',
  k: 'k',
  M: 'M',
  G: 'G',
  T: 'T',
};

/** "kW", "EUR/kWh", or '' for a signal without units (a SIMPLE level). */
export function unitsText(units: { item: string; units: string; scale?: string } | undefined): string {
  if (!units) return '';
  const prefix = scalePrefix[units.scale ?? 'none'] ?? '';
  if (units.item === 'currencyPerKWh') return `${prefix}${units.units}/kWh`;
  if (units.item === 'currencyPerKW') return `${prefix}${units.units}/kW`;
  return `${prefix}${units.units}`;
}
