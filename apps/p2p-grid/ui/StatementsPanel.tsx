import { type Column, DataTable, formatTimeRange, localTimeZone, Panel, ProblemView, StatusBadge } from '@flexgrid/ui';
import { type FormEvent, useState } from 'react';
import { type OperatorApi, type OperatorData } from './api';
import { formatAmount, formatKwh, formatMinor } from './format';

/** §14.2 statement content as the grid answers it. */
interface Statement {
  number: string | null;
  status: 'preview' | 'final';
  memberId: string;
  role: 'producer' | 'consumer';
  periodStart: number;
  periodEnd: number;
  currency: string;
  entries: {
    entryId: string;
    intervalStart: number;
    kind: string;
    versionOrAdjustment: string;
    energyWh: number;
    billedWh: number;
    amount: number;
  }[];
  energyWh: number;
  billedWh: number;
  amount: number;
  requests?: { requestId: string; owed: number }[];
  payments?: { paymentId: string; amount: number }[];
  payouts?: { paymentId: string; amount: number }[];
  openingOutstanding?: number;
  closingOutstanding?: number;
}

type Entry = Statement['entries'][number];

/** `datetime-local` values are local time without a zone. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Saves an answer of the operator API (which needs the token, so a plain link cannot fetch it) as a file. */
async function download(api: OperatorApi, path: string, name: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${api.token}` } });
  if (!response.ok) await api.get(path); // throws the service's problem
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * §14.2 statements of a member for a period (preview, or final and numbered) and the §14.3 CSV exports of the
 * same period. Periods are whole intervals: the chosen times are moved back to the start of their interval.
 */
export function StatementsPanel({ api, data }: { api: OperatorApi; data: OperatorData }) {
  const { grid } = data;
  const L = grid.intervalMs;
  const members = data.members.filter((m) => m.role !== null && m.status === 'active').map((m) => m.id);
  const settled = data.intervals.filter((i) => i.status === 'final' || i.status === 'provisional');
  const final = data.intervals.filter((i) => i.status === 'final');
  const [memberId, setMemberId] = useState('');
  // The settled intervals shown, by default: from the first to the end of the last final one (or now).
  const [from, setFrom] = useState(() =>
    localInput(Math.min(...settled.map((i) => i.intervalStart), ...data.intervals.map((i) => i.intervalStart))),
  );
  const [to, setTo] = useState(() =>
    localInput(final.length ? Math.max(...final.map((i) => i.intervalEnd)) : Date.now()),
  );
  const finalPeriod = () => {
    setFrom(localInput(Math.min(...final.map((i) => i.intervalStart))));
    setTo(localInput(Math.max(...final.map((i) => i.intervalEnd))));
  };
  const [statement, setStatement] = useState<Statement>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const periodStart = Math.floor(new Date(from).getTime() / L) * L;
  const periodEnd = Math.floor(new Date(to).getTime() / L) * L;
  const validPeriod = Number.isFinite(periodStart) && Number.isFinite(periodEnd) && periodEnd > periodStart;
  const range = `from=${periodStart}&to=${periodEnd}`;

  const request = (isFinal: boolean) => {
    setBusy(true);
    setError(undefined);
    api
      .post<{ statement: Statement }>('/api/operator/statements', { memberId, periodStart, periodEnd, final: isFinal })
      .then((answer) => setStatement(answer.statement), setError)
      .finally(() => setBusy(false));
  };
  const preview = (event: FormEvent) => {
    event.preventDefault();
    request(false);
  };
  const exportCsv = (path: string, name: string) => {
    setError(undefined);
    download(api, path, name).catch(setError);
  };

  const money = (minor: number | undefined) => formatMinor(minor, grid.currencyDigits);
  const columns: Column<Entry>[] = [
    {
      id: 'interval',
      header: `interval (${localTimeZone})`,
      value: (e) => e.intervalStart,
      render: (e) => formatTimeRange(e.intervalStart, e.intervalStart + L),
    },
    { id: 'kind', header: 'entry', value: (e) => e.kind },
    { id: 'version', header: 'version', value: (e) => e.versionOrAdjustment },
    {
      id: 'energy',
      header: 'energy kWh',
      value: (e) => e.energyWh,
      render: (e) => formatKwh(e.energyWh),
      align: 'right',
    },
    {
      id: 'billed',
      header: 'billed kWh',
      value: (e) => e.billedWh,
      render: (e) => formatKwh(e.billedWh),
      align: 'right',
    },
    {
      id: 'amount',
      header: `amount ${grid.currency}`,
      value: (e) => e.amount,
      render: (e) => money(e.amount),
      align: 'right',
    },
  ];
  const total = (values?: { amount?: number; owed?: number }[]) =>
    (values ?? []).reduce((sum, v) => sum + (v.amount ?? v.owed ?? 0), 0);

  return (
    <Panel title="Statements and exports" wide>
      <form className="p2p-statement-form" onSubmit={preview}>
        <label>
          member{' '}
          <select className="fg-input" value={memberId} onChange={(event) => setMemberId(event.target.value)}>
            <option value="">choose a member…</option>
            {members.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          from ({localTimeZone}){' '}
          <input
            className="fg-input"
            type="datetime-local"
            step={1}
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </label>
        <label>
          to{' '}
          <input
            className="fg-input"
            type="datetime-local"
            step={1}
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
        </label>
        <button
          type="button"
          className="fg-button"
          disabled={final.length === 0}
          onClick={finalPeriod}
          title="from the first to the last final interval in the intervals table"
        >
          final intervals
        </button>
        <button type="submit" className="fg-button" disabled={!memberId || !validPeriod || busy}>
          preview statement
        </button>
        <button
          type="button"
          className="fg-button"
          disabled={!memberId || !validPeriod || busy}
          onClick={() => request(true)}
          title="stores it under the next number; every interval of the period must be final"
        >
          issue final statement
        </button>
        <span className="p2p-exports">
          CSV of the period:{' '}
          <button
            type="button"
            className="fg-button"
            disabled={!validPeriod}
            onClick={() => exportCsv(`/api/operator/export/intervals.csv?${range}`, 'intervals.csv')}
          >
            intervals.csv
          </button>{' '}
          <button
            type="button"
            className="fg-button"
            disabled={!validPeriod}
            onClick={() =>
              exportCsv(
                `/api/operator/export/lines.csv?${range}${memberId ? `&memberId=${encodeURIComponent(memberId)}` : ''}`,
                memberId ? `lines-${memberId}.csv` : 'lines.csv',
              )
            }
          >
            {memberId ? `lines.csv of ${memberId}` : 'lines.csv'}
          </button>
        </span>
      </form>
      <p className="fg-muted p2p-period">
        {validPeriod
          ? `Period: ${formatTimeRange(periodStart, periodEnd)} (whole ${L / 1000} s intervals).`
          : 'Choose a period whose end is after its start.'}
      </p>
      {error !== undefined && <ProblemView error={error} />}
      {statement === undefined ? (
        <p className="fg-empty">
          Choose a member and a period, then preview its statement: its ledger entries not yet in a final statement,
          totals, and its payments or payouts. A final statement needs every interval of the period final.
        </p>
      ) : (
        <section aria-label="statement">
          <p className="p2p-badges">
            {statement.status === 'final' ? (
              <StatusBadge tone="ok">final {statement.number}</StatusBadge>
            ) : (
              <StatusBadge tone="info">preview</StatusBadge>
            )}
            <strong>{statement.memberId}</strong> ({statement.role}),{' '}
            {formatTimeRange(statement.periodStart, statement.periodEnd)}
          </p>
          <DataTable
            label="statement entries"
            columns={columns}
            rows={statement.entries}
            rowKey={(e) => e.entryId}
            initialSort={{ columnId: 'interval', direction: 'asc' }}
            filterable={false}
            emptyText="No ledger entry in this period that an earlier final statement does not already hold."
          />
          <dl className="p2p-statement-totals" aria-label="statement totals">
            <dt>energy, billed</dt>
            <dd className="p2p-number">
              {formatKwh(statement.energyWh)} kWh, {formatKwh(statement.billedWh)} kWh
            </dd>
            <dt>amount</dt>
            <dd className="p2p-number">{formatAmount(statement.amount, grid.currency, grid.currencyDigits)}</dd>
            {statement.role === 'consumer' ? (
              <>
                <dt>requested ({statement.requests?.length ?? 0})</dt>
                <dd
                  className="p2p-number"
                  title="payment requests issued in the period; a charge below the request minimum waits for a later request, so this may differ from the amount"
                >
                  {formatAmount(total(statement.requests), grid.currency, grid.currencyDigits)}
                </dd>
                <dt>paid, confirmed ({statement.payments?.length ?? 0})</dt>
                <dd className="p2p-number">
                  {formatAmount(total(statement.payments), grid.currency, grid.currencyDigits)}
                </dd>
                <dt>outstanding at start, end</dt>
                <dd className="p2p-number">
                  {formatAmount(statement.openingOutstanding, grid.currency, grid.currencyDigits)},{' '}
                  {formatAmount(statement.closingOutstanding, grid.currency, grid.currencyDigits)}
                </dd>
              </>
            ) : (
              <>
                <dt>paid out ({statement.payouts?.length ?? 0})</dt>
                <dd className="p2p-number">
                  {formatAmount(total(statement.payouts), grid.currency, grid.currencyDigits)}
                </dd>
              </>
            )}
          </dl>
        </section>
      )}
    </Panel>
  );
}
