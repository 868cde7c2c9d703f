import {
  type Column,
  DataTable,
  formatDateTime,
  formatTimeRange,
  localTimeZone,
  Panel,
  ProblemView,
  StatusBadge,
} from '@flexgrid/ui';
import { useEffect, useState } from 'react';
import { type OperatorApi, type OperatorData, type Totals } from './api';
import { formatMinor, formatKwh } from './format';

/** One line of a settlement record (P2P-S5 `lines`). */
interface SettlementLine {
  id: string;
  role: 'producer' | 'consumer';
  status: string;
  energyWh: number | null;
  matchedWh: number | null;
  billedWh: number;
  amount: number;
}

/** A record of p2p.settlements as the grid stored it: a version, an adjustment or the finalised marker. */
interface SettlementRecord {
  ceId: string;
  type: 'settlement.interval' | 'settlement.adjustment' | 'settlement.finalised';
  value: {
    version?: number;
    adjustmentNo?: number;
    settledAt?: number;
    finalisedAt?: number;
    runNo?: number;
    totals?: Totals;
    gridLine?: number;
    gaps?: string[];
    lines?: SettlementLine[];
  };
}

function recordLabel(record: SettlementRecord) {
  if (record.type === 'settlement.finalised')
    return <StatusBadge tone="ok">final (v{record.value.version})</StatusBadge>;
  if (record.type === 'settlement.adjustment')
    return <StatusBadge tone="warn">adjustment {record.value.adjustmentNo}</StatusBadge>;
  return <StatusBadge tone="info">version {record.value.version}</StatusBadge>;
}

export interface SettlementPanelProps {
  api: OperatorApi;
  data: OperatorData;
  intervalStart: number;
  onClose: () => void;
}

/** §14.1 `GET /settlements/:intervalStart`: every version, the finalised marker and adjustments of one interval. */
export function SettlementPanel({ api, data, intervalStart, onClose }: SettlementPanelProps) {
  const [records, setRecords] = useState<SettlementRecord[]>();
  const [error, setError] = useState<unknown>();
  const { currency, currencyDigits, intervalMs } = data.grid;
  const money = (minor: number | null | undefined) => formatMinor(minor, currencyDigits);

  // Read again whenever the page's data changes: a re-settlement or an adjustment adds a record.
  useEffect(() => {
    let current = true;
    api.get<{ records: SettlementRecord[] }>(`/api/operator/settlements/${intervalStart}`).then(
      (answer) => current && (setRecords(answer.records), setError(undefined)),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [api, intervalStart, data.loadedAt]);

  const recordColumns: Column<SettlementRecord>[] = [
    { id: 'record', header: 'record', value: (r) => r.ceId },
    { id: 'kind', header: 'kind', value: (r) => r.type, render: recordLabel },
    {
      id: 'at',
      header: `at (${localTimeZone})`,
      value: (r) => r.value.settledAt ?? r.value.finalisedAt ?? null,
      render: (r) => formatDateTime(r.value.settledAt ?? r.value.finalisedAt),
    },
    { id: 'run', header: 'run', value: (r) => r.value.runNo ?? null, align: 'right' },
    {
      id: 'produced',
      header: 'produced kWh',
      value: (r) => r.value.totals?.producedWh ?? null,
      render: (r) => formatKwh(r.value.totals?.producedWh),
      align: 'right',
    },
    {
      id: 'consumed',
      header: 'consumed kWh',
      value: (r) => r.value.totals?.consumedWh ?? null,
      render: (r) => formatKwh(r.value.totals?.consumedWh),
      align: 'right',
    },
    {
      id: 'matched',
      header: 'matched kWh',
      value: (r) => r.value.totals?.matchedWh ?? null,
      render: (r) => formatKwh(r.value.totals?.matchedWh),
      align: 'right',
    },
    {
      id: 'gridLine',
      header: `grid line ${currency}`,
      value: (r) => r.value.gridLine ?? null,
      render: (r) => money(r.value.gridLine),
      align: 'right',
    },
    { id: 'gaps', header: 'gaps', value: (r) => (r.value.gaps ?? []).join(', ') },
  ];
  const latest = [...(records ?? [])].reverse().find((r) => r.value.lines !== undefined);
  const lineColumns: Column<SettlementLine>[] = [
    { id: 'member', header: 'member', value: (l) => l.id },
    { id: 'role', header: 'role', value: (l) => l.role },
    {
      id: 'status',
      header: 'data',
      value: (l) => l.status,
      render: (l) => <StatusBadge tone={l.status === 'missing' ? 'error' : 'ok'}>{l.status}</StatusBadge>,
    },
    {
      id: 'energy',
      header: 'energy kWh',
      value: (l) => l.energyWh,
      render: (l) => formatKwh(l.energyWh),
      align: 'right',
    },
    {
      id: 'matched',
      header: 'matched kWh',
      value: (l) => l.matchedWh,
      render: (l) => formatKwh(l.matchedWh),
      align: 'right',
    },
    {
      id: 'billed',
      header: 'billed kWh',
      value: (l) => l.billedWh,
      render: (l) => formatKwh(l.billedWh),
      align: 'right',
    },
    {
      id: 'amount',
      header: `amount ${currency}`,
      value: (l) => l.amount,
      render: (l) => money(l.amount),
      align: 'right',
    },
  ];
  const close = (
    <button type="button" className="fg-button" onClick={onClose}>
      close
    </button>
  );
  return (
    <Panel title={`Settlement of ${formatTimeRange(intervalStart, intervalStart + intervalMs)}`} wide actions={close}>
      {error !== undefined && <ProblemView error={error} />}
      {records === undefined ? (
        error === undefined && <p className="fg-muted">Loading…</p>
      ) : (
        <>
          <DataTable
            label="settlement records"
            columns={recordColumns}
            rows={records}
            rowKey={(r) => r.ceId}
            filterable={false}
            emptyText="Not settled yet: the first settlement run after its gate closure settles it."
          />
          {latest && (
            <>
              <h3 className="p2p-subheading">Lines of {latest.ceId}: each member&apos;s energy and amount</h3>
              <DataTable
                label="settlement lines"
                columns={lineColumns}
                rows={latest.value.lines ?? []}
                rowKey={(l) => l.id}
                initialSort={{ columnId: 'member', direction: 'asc' }}
              />
            </>
          )}
        </>
      )}
    </Panel>
  );
}
