import {
  type Column,
  DataTable,
  formatDateTime,
  localTimeZone,
  Panel,
  ProblemView,
  StatusBadge,
  type Tone,
} from '@flexgrid/ui';
import { type FormEvent, useMemo, useState } from 'react';
import {
  type OperatorApi,
  type OperatorData,
  type Payment,
  type PaymentRequest,
  type Payout,
  type RejectedRecord,
} from './api';
import { formatMinor, formatKwh } from './format';

const requestTones: Record<PaymentRequest['status'], Tone> = {
  requested: 'warn',
  'partially-paid': 'info',
  paid: 'info',
  confirmed: 'ok',
};

/** A column of minor units shown in the grid's currency. */
function amountColumn<T>(data: OperatorData, id: string, label: string, amount: (row: T) => number): Column<T> {
  return {
    id,
    header: `${label} ${data.grid.currency}`,
    value: amount,
    render: (row) => formatMinor(amount(row), data.grid.currencyDigits),
    align: 'right',
  };
}

/** A column of instants in the page's time zone. */
function timeColumn<T>(id: string, label: string, at: (row: T) => number): Column<T> {
  return {
    id,
    header: `${label} (${localTimeZone})`,
    value: at,
    render: (row) => formatDateTime(at(row)),
    text: (row) => formatDateTime(at(row)),
  };
}

/** The panels' one layout: a wide panel with a table, newest first by `sortBy`. */
function TablePanel<T>({
  title,
  columns,
  rows,
  rowKey,
  sortBy,
  emptyText,
}: {
  title: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  sortBy: string;
  emptyText: string;
}) {
  return (
    <Panel title={title} wide>
      <DataTable
        label={title.toLowerCase()}
        columns={columns}
        rows={rows}
        rowKey={rowKey}
        initialSort={{ columnId: sortBy, direction: 'desc' }}
        emptyText={emptyText}
      />
    </Panel>
  );
}

/** P2P-L2: requests not yet covered by confirmed payments. */
export function OpenRequestsPanel({ data }: { data: OperatorData }) {
  const columns: Column<PaymentRequest>[] = [
    { id: 'request', header: 'request', value: (r) => r.requestId },
    { id: 'consumer', header: 'consumer', value: (r) => r.consumerId },
    {
      id: 'status',
      header: 'status',
      value: (r) => r.status,
      render: (r) => <StatusBadge tone={requestTones[r.status]}>{r.status}</StatusBadge>,
    },
    amountColumn(data, 'owed', 'owed', (r) => r.owed),
    {
      id: 'usage',
      header: 'usage kWh',
      value: (r) => r.usageWh,
      render: (r) => formatKwh(r.usageWh),
      align: 'right',
    },
    timeColumn('issued', 'issued', (r) => r.issuedAt),
  ];
  return (
    <TablePanel
      title="Open payment requests"
      columns={columns}
      rows={data.openRequests}
      rowKey={(r) => r.requestId}
      sortBy="issued"
      emptyText="No open payment request: every request issued so far is paid and confirmed. Settlement runs issue new ones on p2p.payment-requests."
    />
  );
}

function AllocateForm({
  payment,
  consumers,
  api,
  onAllocated,
}: {
  payment: Payment;
  consumers: string[];
  api: OperatorApi;
  onAllocated: () => void;
}) {
  const [consumerId, setConsumerId] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    api
      .post(`/api/operator/payments/${encodeURIComponent(payment.paymentId)}/allocate`, { consumerId })
      .then(onAllocated, setError)
      .finally(() => setBusy(false));
  };
  return (
    <form className="p2p-allocate" onSubmit={submit}>
      <select
        className="fg-input"
        aria-label={`consumer for ${payment.paymentId}`}
        value={consumerId}
        onChange={(event) => setConsumerId(event.target.value)}
      >
        <option value="">choose a consumer…</option>
        {consumers.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>{' '}
      <button type="submit" className="fg-button" disabled={consumerId === '' || busy}>
        allocate
      </button>
      {error !== undefined && <ProblemView error={error} />}
    </form>
  );
}

/** P2P-L3: payments the grid could not attribute to a consumer; the operator allocates them (§14.1). */
export function UnallocatedPanel({
  data,
  api,
  onAllocated,
}: {
  data: OperatorData;
  api: OperatorApi;
  onAllocated: () => void;
}) {
  const consumers = useMemo(
    () =>
      data.members
        .filter((m) => m.role === 'consumer' && m.status === 'active')
        .map((m) => m.id)
        .sort(),
    [data.members],
  );
  const columns: Column<Payment>[] = [
    { id: 'payment', header: 'payment', value: (p) => p.paymentId },
    { id: 'from', header: 'from', value: (p) => p.from },
    { id: 'reference', header: 'reference', value: (p) => p.reference },
    amountColumn(data, 'amount', 'amount', (p) => p.amount),
    timeColumn('sent', 'sent', (p) => p.sentAt),
    {
      id: 'allocate',
      header: 'allocate to',
      value: () => null,
      sortable: false,
      searchable: false,
      render: (p) => <AllocateForm payment={p} consumers={consumers} api={api} onAllocated={onAllocated} />,
    },
  ];
  return (
    <TablePanel
      title="Unallocated payments"
      columns={columns}
      rows={data.unallocated}
      rowKey={(p) => p.paymentId}
      sortBy="sent"
      emptyText="No unallocated payment: every payment named a consumer or one of its requests. A payment whose reference matches neither shows here to be allocated by hand."
    />
  );
}

/** P2P-L4/L5: the newest payouts to producers and whether the payment rail confirmed them. */
export function PayoutsPanel({ data }: { data: OperatorData }) {
  const columns: Column<Payout>[] = [
    { id: 'payout', header: 'payout', value: (p) => p.paymentId },
    { id: 'producer', header: 'producer', value: (p) => p.producerId },
    amountColumn(data, 'amount', 'amount', (p) => p.amount),
    timeColumn('sent', 'sent', (p) => p.sentAt),
    {
      id: 'state',
      header: 'state',
      value: (p) => (p.confirmedAt === null ? 'sent' : 'confirmed'),
      render: (p) =>
        p.confirmedAt === null ? (
          <StatusBadge tone="warn" title="waiting for payout.confirmed on p2p.payments">
            sent
          </StatusBadge>
        ) : (
          <StatusBadge tone="ok" title={`confirmed ${formatDateTime(p.confirmedAt)}`}>
            confirmed
          </StatusBadge>
        ),
    },
  ];
  return (
    <TablePanel
      title="Recent payouts"
      columns={columns}
      rows={data.payouts}
      rowKey={(p) => p.paymentId}
      sortBy="sent"
      emptyText="No payout yet. The payout step of a settlement run pays producers what they were credited (above the minimum payout); the payment rail then confirms each on p2p.payments."
    />
  );
}

/** P2P-IN8 and P2P-L3: records the grid refused (a reading outside the limits, a payment in another currency …). */
export function RejectedPanel({ data }: { data: OperatorData }) {
  const columns: Column<RejectedRecord>[] = [
    { id: 'topic', header: 'topic', value: (r) => r.topic },
    { id: 'key', header: 'key', value: (r) => r.key },
    {
      id: 'reason',
      header: 'reason',
      value: (r) => r.reason,
      render: (r) => <StatusBadge tone="error">{r.reason}</StatusBadge>,
    },
    timeColumn('at', 'rejected', (r) => Number(r.at)),
  ];
  return (
    <TablePanel
      title="Rejected records"
      columns={columns}
      rows={data.rejected}
      rowKey={(r) => r.id}
      sortBy="at"
      emptyText="No record was rejected: every reading, output and payment the grid received passed its checks."
    />
  );
}
