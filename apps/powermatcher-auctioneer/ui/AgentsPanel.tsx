import { type Column, DataTable, formatDateTime, formatRecentTime, Panel, StatusBadge } from '@flexgrid/ui';
import { useMemo } from 'react';
import type { AgentView, MarketBasis } from './api';
import type { DashboardState } from './dashboard-state';
import { formatCount, formatPower, formatPrice } from './format';
import { Sparkline } from './Sparkline';

function bidRange(agent: AgentView): string {
  const demand = agent.lastBid?.demand;
  if (!demand || demand.length === 0) return '';
  const high = Math.max(...demand);
  const low = Math.min(...demand);
  return high === low ? `flat ${formatPower(high)}` : `${formatPower(high)} … ${formatPower(low)}`;
}

function columns(basis: MarketBasis | null): Column<AgentView>[] {
  return [
    {
      id: 'agent',
      header: 'agent',
      value: (a) => a.agentId,
      render: (a) => <span className="pm-mono">{a.agentId}</span>,
    },
    { id: 'parent', header: 'parent', value: (a) => a.parentId ?? '', render: (a) => a.parentId ?? '–' },
    {
      id: 'dialect',
      header: 'dialect',
      value: (a) => a.dialect,
      render: (a) => (
        <StatusBadge
          tone="neutral"
          title={a.dialect === 'local' ? 'a component inside the service' : `websocket, ${a.dialect} endpoint`}
        >
          {a.dialect}
        </StatusBadge>
      ),
    },
    {
      id: 'state',
      header: 'state',
      value: (a) => (a.connected ? 'connected' : 'disconnected'),
      render: (a) => (
        <StatusBadge
          tone={a.connected ? 'ok' : 'neutral'}
          title={a.connectedAt ? `since ${formatDateTime(a.connectedAt)}` : undefined}
        >
          {a.connected ? 'connected' : 'disconnected'}
        </StatusBadge>
      ),
    },
    {
      id: 'bid',
      header: 'last bid (demand at lowest … highest price)',
      // Sorted by the demand at the lowest price: how much the agent wants when power is cheapest.
      value: (a) => a.lastBid?.demand[0],
      text: bidRange,
      align: 'right',
      render: (a) =>
        a.lastBid ? (
          <span className="pm-bid">
            <Sparkline demand={a.lastBid.demand} label={`${a.agentId}'s bid`} />
            <span className="pm-num">{bidRange(a)}</span>
          </span>
        ) : (
          <span className="fg-muted">no bid</span>
        ),
    },
    {
      id: 'bidNumber',
      header: 'bid #',
      value: (a) => a.lastBid?.bidNumber,
      align: 'right',
      render: (a) => <span className="pm-num">{a.lastBid ? a.lastBid.bidNumber : '–'}</span>,
    },
    {
      id: 'bidAt',
      header: 'bid at',
      value: (a) => (a.lastBid ? new Date(a.lastBid.at) : undefined),
      text: (a) => formatRecentTime(a.lastBid?.at ?? null),
      align: 'right',
      render: (a) => (
        <span className="pm-num" title={a.lastBid ? formatDateTime(a.lastBid.at) : undefined}>
          {formatRecentTime(a.lastBid?.at ?? null)}
        </span>
      ),
    },
    {
      id: 'price',
      header: 'last price',
      value: (a) => a.lastPrice?.price,
      text: (a) => (a.lastPrice ? formatPrice(a.lastPrice.price, basis) : ''),
      align: 'right',
      render: (a) => (
        <span
          className="pm-num"
          title={a.lastPrice ? `for bid ${a.lastPrice.bidNumber}, ${formatDateTime(a.lastPrice.at)}` : undefined}
        >
          {a.lastPrice ? formatPrice(a.lastPrice.price, basis) : '–'}
        </span>
      ),
    },
    {
      id: 'seen',
      header: 'last heard',
      value: (a) => (a.lastSeenAt ? new Date(a.lastSeenAt) : undefined),
      text: (a) => formatRecentTime(a.lastSeenAt),
      align: 'right',
      render: (a) => (
        <span className="pm-num" title={a.lastSeenAt ? formatDateTime(a.lastSeenAt) : undefined}>
          {formatRecentTime(a.lastSeenAt)}
        </span>
      ),
    },
  ];
}

export interface AgentsPanelProps {
  readonly state: DashboardState;
  readonly selectedAgent: string | undefined;
  readonly onSelect: (agentId: string) => void;
}

/** Every agent with its last bid and the last price it got; sortable, filterable, a click draws its bid. */
export function AgentsPanel({ state, selectedAgent, onSelect }: AgentsPanelProps) {
  const basis = state.cluster?.marketBasis ?? null;
  const tableColumns = useMemo(() => columns(basis), [basis]);
  const rows = useMemo(() => [...state.agents.values()], [state.agents]);
  const connected = rows.filter((a) => a.connected).length;
  return (
    <Panel
      title="Agents"
      wide
      actions={
        <span className="pm-toolbar">
          {formatCount(connected)} connected of {formatCount(rows.length)}
        </span>
      }
    >
      <DataTable
        label="agents"
        columns={tableColumns}
        rows={rows}
        rowKey={(a) => a.agentId}
        initialSort={{ columnId: 'agent', direction: 'asc' }}
        filterPlaceholder="filter, e.g. parent:north"
        onRowClick={(a) => onSelect(a.agentId)}
        selectedKey={selectedAgent ?? ''}
        emptyText={
          <>
            No agents yet. Agents connect over websockets to <code>/powermatcher/websockets/agentendpoint</code> (1.9)
            or <code>/powermatcher/websocket</code> (v2.1); they appear here with their bids as they do.
          </>
        }
      />
      <p className="pm-note">
        Filter by any text, or by one column: <code>state:connected</code>, <code>dialect:v2.1</code>,{' '}
        <code>parent:north</code>. Click a row to draw that agent's bid over the aggregate. Local components (the
        service's own concentrators and objective agent) are listed too.
      </p>
    </Panel>
  );
}
