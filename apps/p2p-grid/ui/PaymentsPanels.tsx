import { type Column, DataTable, Panel, ProblemView, StatusBadge, type Tone } from '@flexgrid/ui';
import { type FormEvent, useMemo, useState } from 'react';
import {
  type OperatorApi,
  type OperatorData,
  type Payment,
  type PaymentRequest,
  type Payout,
  type RejectedRecord,
} from './api';
import { formatMinor, formatKwh, formatTime, timeZone } from './format';

const requestTones: Record<PaymentRequest['status'], Tone> = {
  requested: 'warn',
  'partially-paid': 'info',
  paid: 'info',
  confirmed: 'ok',
};

function useMoney(data: OperatorData) {
  const { currencyDigits } = data.grid;
  return (minor: number | null | undefined) => formatMinor(minor, currencyDigits);
}

/** P2P-L2: requests not yet covered by confirmed payments. */
export function OpenRequestsPanel({ data }: { data: OperatorData }) {
  const money = useMoney(data);
  const columns: Column<PaymentRequest>[] = [
    { id: 'request', header: 'request', value: (r) => r.requestId },
    { id: 'consumer', header: 'consumer', value: (r) => r.consumerId },
    {
      id: 'status',
      header: 'status',
      value: (r) => r.status,
      render: (r) => <StatusBadge tone={requestTones[r.status]}>{r.status}</StatusBadge>,
    },
    {
      id: 'owed',
      header: `owed ${data.grid.currency}`,
      value: (r) => r.owed,
      render: (r) => money(r.owed),
      align: 'right',
    },
    {
      id: 'usage',
      header: 'usage kWh',
      value: (r) => r.usageWh,
      render: (r) => formatKwh(r.usageWh),
      align: 'right',
    },
    {
      id: 'issued',
      header: `issued (${timeZone})`,
      value: (r) => r.issuedAt,
      render: (r) => formatTime(r.issuedAt),
      text: (r) => formatTime(r.issuedAt),
    },
  ];
  return (
    <Panel title="Open payment requests" wide>
      <DataTable
        label="open payment requests"
        columns={columns}
        rows={data.openRequests}
        rowKey={(r) => r.requestId}
        initialSort={{ columnId: 'issued', direction: 'desc' }}
        emptyText="No open payment request: every request issued so far is paid and confirmed. Settlement runs issue new ones on p2p.payment-requests."
      />
    </Panel>
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
  const money = useMoney(data);
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
    {
      id: 'amount',
      header: `amount ${data.grid.currency}`,
      value: (p) => p.amount,
      render: (p) => money(p.amount),
      align: 'right',
    },
    {
      id: 'sent',
      header: `sent (${timeZone})`,
      value: (p) => p.sentAt,
      render: (p) => formatTime(p.sentAt),
      text: (p) => formatTime(p.sentAt),
    },
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
    <Panel title="Unallocated payments" wide>
      <DataTable
        label="unallocated payments"
        columns={columns}
        rows={data.unallocated}
        rowKey={(p) => p.paymentId}
        initialSort={{ columnId: 'sent', direction: 'desc' }}
        emptyText="No unallocated payment: every payment named a consumer or one of its requests. A payment whose reference matches neither shows here to be allocated by hand."
      />
    </Panel>
  );
}

/** P2P-L4/L5: the newest payouts to producers and whether the payment rail confirmed them. */
export function PayoutsPanel({ data }: { data: OperatorData }) {
  const money = useMoney(data);
  const columns: Column<Payout>[] = [
    { id: 'payout', header: 'payout', value: (p) => p.paymentId },
    { id: 'producer', header: 'producer', value: (p) => p.producerId },
    {
      id: 'amount',
      header: `amount ${data.grid.currency}`,
      value: (p) => p.amount,
      render: (p) => money(p.amount),
      align: 'right',
    },
    {
      id: 'sent',
      header: `sent (${timeZone})`,
      value: (p) => p.sentAt,
      render: (p) => formatTime(p.sentAt),
      text: (p) => formatTime(p.sentAt),
    },
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
          <StatusBadge tone="ok" title={`confirmed ${formatTime(p.confirmedAt)}`}>
            confirmed
          </StatusBadge>
        ),
    },
  ];
  return (
    <Panel title="Recent payouts" wide>
      <DataTable
        label="recent payouts"
        columns={columns}
        rows={data.payouts}
        rowKey={(p) => p.paymentId}
        initialSort={{ columnId: 'sent', direction: 'desc' }}
        emptyText="No payout yet. The payout step of a settlement run pays producers what they were credited (above the minimum payout); the payment rail then confirms each on p2p.payments."
      />
    </Panel>
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
    {
      id: 'at',
      header: `rejected (${timeZone})`,
      value: (r) => Number(r.at),
      render: (r) => formatTime(Number(r.at)),
      text: (r) => formatTime(Number(r.at)),
    },
  ];
  return (
    <Panel title="Rejected records" wide>
      <DataTable
        label="rejected records"
        columns={columns}
        rows={data.rejected}
        rowKey={(r) => r.id}
        initialSort={{ columnId: 'at', direction: 'desc' }}
        emptyText="No record was rejected: every reading, output and payment the grid received passed its checks."
      />
    </Panel>
  );
}
