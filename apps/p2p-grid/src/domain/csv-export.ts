/**
 * §14.3 (P2P-OP-CSV): RFC 4180, UTF-8 without BOM, a header row, CRLF, ISO 8601 UTC times with `Z`, amounts in
 * minor units, an empty cell for null.
 */

import { type EntryValue, type RecordValue } from '../store/exports';

type Cell = string | number | boolean | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export const INTERVAL_COLUMNS = [
  'interval_start',
  'interval_end',
  'status',
  'version',
  'rule',
  'rule_version',
  'produced_wh',
  'consumed_wh',
  'matched_wh',
  'import_wh',
  'export_wh',
  'consumer_price_per_mwh',
  'producer_price_per_mwh',
  'consumer_amount',
  'producer_amount',
  'grid_amount',
  'currency',
  'complete',
  'gaps',
] as const;

export const LINE_COLUMNS = [
  'interval_start',
  'interval_end',
  'member_id',
  'role',
  'status',
  'quality',
  'revision',
  'energy_wh',
  'billed_wh',
  'units',
  'amount',
  'currency',
  'entry_kind',
  'entry_id',
  'version_or_adjustment',
  'posted_at',
] as const;

interface ExportRecord {
  type: string;
  value: RecordValue;
}

const recordLabel = (value: { version?: number; adjustmentNo?: number }) =>
  value.adjustmentNo !== undefined ? `a${value.adjustmentNo}` : `v${value.version}`;

/**
 * `intervals.csv`: one row per settled interval, its latest record; amounts are the interval's ledger entries
 * summed by role; the grid's is the balancing line (`per-interval`) or the accrued fee (`all-time-share`).
 */
export function intervalsCsv(
  records: readonly ExportRecord[],
  entries: readonly EntryValue[],
  terms: { currency: string; allocation: 'per-interval' | 'all-time-share' },
): string {
  const byInterval = new Map<number, { latest: RecordValue; version: number; final: boolean; gridLines: number }>();
  for (const { type, value } of records) {
    const known = byInterval.get(value.intervalStart);
    if (type === 'settlement.finalised') {
      if (known) known.final = true;
      continue;
    }
    byInterval.set(value.intervalStart, {
      latest: value,
      version: value.version ?? known?.version ?? 0,
      final: known?.final ?? false,
      gridLines: (known?.gridLines ?? 0) + value.gridLine,
    });
  }
  const amounts = new Map<string, number>();
  for (const entry of entries) {
    const key = `${entry.intervalStart}:${entry.role}`;
    amounts.set(key, (amounts.get(key) ?? 0) + entry.amount);
  }
  const rows = [...byInterval.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { latest, version, final, gridLines }]) => {
      const consumer = amounts.get(`${start}:consumer`) ?? 0;
      const producer = amounts.get(`${start}:producer`) ?? 0;
      return [
        iso(start),
        iso(latest.intervalEnd),
        final ? 'final' : 'provisional',
        version,
        latest.rule.name,
        latest.rule.version,
        latest.totals.producedWh,
        latest.totals.consumedWh,
        latest.totals.matchedWh,
        latest.totals.importWh,
        latest.totals.exportWh,
        latest.prices.consumerPerMWh,
        latest.prices.producerPerMWh,
        consumer,
        producer,
        terms.allocation === 'per-interval' ? consumer - producer : gridLines,
        terms.currency,
        latest.complete,
        latest.gaps.join(';'),
      ];
    });
  return csv(INTERVAL_COLUMNS, rows);
}

/** `lines.csv`: one row per ledger entry, with the member's status, quality and revision in the record that posted it. */
export function linesCsv(records: readonly ExportRecord[], entries: readonly EntryValue[], currency: string): string {
  const posted = new Map<string, RecordValue>();
  for (const { type, value } of records)
    if (type !== 'settlement.finalised') posted.set(`${value.intervalStart}:${recordLabel(value)}`, value);
  const rows = entries.map((entry) => {
    const label =
      entry.adjustmentNo !== null ? `a${entry.adjustmentNo}` : entry.version !== null ? `v${entry.version}` : null;
    const record = label === null ? undefined : posted.get(`${entry.intervalStart}:${label}`);
    const input = record?.inputs.find((i) => i.id === entry.memberId);
    return [
      iso(entry.intervalStart),
      record ? iso(record.intervalEnd) : null,
      entry.memberId,
      entry.role,
      input?.status,
      input?.quality,
      input?.revision,
      entry.energyWh,
      entry.billedWh,
      entry.units,
      entry.amount,
      currency,
      entry.kind,
      entry.entryId,
      label,
      iso(entry.postedAt),
    ];
  });
  return csv(LINE_COLUMNS, rows);
}
