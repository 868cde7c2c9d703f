/** How the page writes durations and units (times: `formatDateTime` and friends of @flexgrid/ui). */
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
