/** How the page writes energy, money and time: units always shown, local time with its zone. */

const kwh = new Intl.NumberFormat(undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** Wh (the service's integer unit) as kWh with three decimals: every Wh stays visible. */
export function formatKwh(wh: number | null | undefined): string {
  return wh === null || wh === undefined ? '–' : kwh.format(wh / 1000);
}

/** Amounts are integer minor units; `digits` is the currency's (EUR 2, IOTA 0). Tables name the currency in the header. */
export function formatMinor(minor: number | null | undefined, digits: number): string {
  if (minor === null || minor === undefined) return '–';
  const format = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return format.format(minor / 10 ** digits);
}

/** An amount with its currency, outside tables. */
export function formatAmount(minor: number | null | undefined, currency: string, digits: number): string {
  return minor === null || minor === undefined ? '–' : `${formatMinor(minor, digits)} ${currency}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});
const dateTimeNoZone = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const timeWithZone = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : dateTime.format(ms);
}

/** An interval as "start – end" with the zone once, the end as a time of day when it is the same day. */
export function formatInterval(start: number, end: number): string {
  const sameDay = new Date(start).toDateString() === new Date(end - 1).toDateString();
  return `${dateTimeNoZone.format(start)} – ${sameDay ? timeWithZone.format(end) : dateTime.format(end)}`;
}

/** The local time zone, named in headings: "times in Europe/Amsterdam". */
export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** A producer's pool share (`all-time-share` allocation) as a percentage. */
export function formatShare(share: { num: number; den: number } | null): string {
  return share === null || share.den === 0 ? '–' : `${((100 * share.num) / share.den).toFixed(2)} %`;
}
