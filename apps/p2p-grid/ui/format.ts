/** How the page writes energy, money and durations: units always shown (times: @flexgrid/ui). */

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

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

/** A producer's pool share (`all-time-share` allocation) as a percentage. */
export function formatShare(share: { num: number; den: number } | null): string {
  return share === null || share.den === 0 ? '–' : `${((100 * share.num) / share.den).toFixed(2)} %`;
}
