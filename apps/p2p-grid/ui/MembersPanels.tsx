import { type Column, DataTable, Panel, StatusBadge } from '@flexgrid/ui';
import { useMemo } from 'react';
import { type ConsumerBalances, type Member, type OperatorData, type ProducerBalances } from './api';
import { formatMinor, formatKwh, formatShare } from './format';

type WithBalances<B> = Member & { balances: B };

function memberColumns<B>(): Column<WithBalances<B>>[] {
  return [
    { id: 'id', header: 'member', value: (m) => m.id },
    {
      id: 'status',
      header: 'status',
      value: (m) => m.status,
      render: (m) => <StatusBadge tone={m.status === 'active' ? 'ok' : 'neutral'}>{m.status}</StatusBadge>,
    },
  ];
}

/** Columns of minor-unit amounts and Wh energies, right-aligned with their units. */
function figures<B>(data: OperatorData) {
  const { currency, currencyDigits } = data.grid;
  return {
    money: (id: string, header: string, pick: (b: B) => number, title?: string): Column<WithBalances<B>> => ({
      id,
      header: <span title={title}>{`${header} ${currency}`}</span>,
      value: (m) => pick(m.balances),
      render: (m) => formatMinor(pick(m.balances), currencyDigits),
      align: 'right',
    }),
    energy: (id: string, header: string, pick: (b: B) => number): Column<WithBalances<B>> => ({
      id,
      header: `${header} kWh`,
      value: (m) => pick(m.balances),
      render: (m) => formatKwh(pick(m.balances)),
      align: 'right',
    }),
  };
}

function withRole<B extends { role: string }>(members: Member[], role: B['role']): WithBalances<B>[] {
  return members.filter((m): m is WithBalances<B> => m.role === role && m.balances?.role === role);
}

/** §10.1 consumer balances: what each consumer used, was billed and paid. */
export function ConsumersPanel({ data }: { data: OperatorData }) {
  const rows = useMemo(() => withRole<ConsumerBalances>(data.members, 'consumer'), [data.members]);
  const columns = useMemo(() => {
    const { money, energy } = figures<ConsumerBalances>(data);
    return [
      ...memberColumns<ConsumerBalances>(),
      energy('usage', 'usage', (b) => b.usageWh),
      energy('billed', 'billed', (b) => b.billedWh),
      money('charged', 'charged', (b) => b.charged),
      money('paid', 'paid', (b) => b.paid, 'payments sent'),
      money('confirmed', 'confirmed', (b) => b.confirmed, 'payments the payment rail confirmed'),
      money('outstanding', 'outstanding', (b) => b.outstanding, 'requested − confirmed'),
    ];
  }, [data]);
  return (
    <Panel title="Consumer balances" wide>
      <DataTable
        label="consumer balances"
        columns={columns}
        rows={rows}
        rowKey={(m) => m.id}
        initialSort={{ columnId: 'id', direction: 'asc' }}
        emptyText="No consumer is registered. Register one with PUT /registration/<id> {itemType: consumer}; its meter readings then arrive on meter.readings."
      />
    </Panel>
  );
}

/** §10.1 producer balances: what each producer delivered, was credited and paid out. */
export function ProducersPanel({ data }: { data: OperatorData }) {
  const rows = useMemo(() => withRole<ProducerBalances>(data.members, 'producer'), [data.members]);
  const columns = useMemo(() => {
    const { money, energy } = figures<ProducerBalances>(data);
    return [
      ...memberColumns<ProducerBalances>(),
      energy('output', 'output', (b) => b.outputWh),
      energy('sold', 'sold', (b) => b.soldWh),
      money('credited', 'credited', (b) => b.credited),
      {
        id: 'share',
        header: 'pool share',
        value: (m: WithBalances<ProducerBalances>) =>
          m.balances.share === null ? null : m.balances.share.num / m.balances.share.den,
        render: (m: WithBalances<ProducerBalances>) => formatShare(m.balances.share),
        align: 'right' as const,
      },
      money('payoutSent', 'paid out', (b) => b.payoutSent),
      money('payoutPending', 'pending', (b) => b.payoutPending, 'paid out, not yet confirmed'),
    ];
  }, [data]);
  return (
    <Panel title="Producer balances" wide>
      <DataTable
        label="producer balances"
        columns={columns}
        rows={rows}
        rowKey={(m) => m.id}
        initialSort={{ columnId: 'id', direction: 'asc' }}
        emptyText="No producer is registered. Register one with PUT /registration/<id> {itemType: producer}; its output then arrives on p2p.producer-output."
      />
    </Panel>
  );
}
