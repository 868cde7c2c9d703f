import '@flexgrid/ui/styles.css';
import {
  type Column,
  DataTable,
  fetchJson,
  PageShell,
  Panel,
  ProblemView,
  StatusBadge,
  StepCurveChart,
  TimeSeriesChart,
  useLiveStream,
} from '@flexgrid/ui';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  type AgentView,
  type AggregateEvent,
  type ClusterView,
  demandAtPrice,
  gridPrices,
  type MatcherView,
  type PriceEvent,
} from './model';

const MAX_PRICES = 2_000;

const agentColumns: Column<AgentView>[] = [
  { id: 'agent', header: 'agent', value: (a) => a.agentId },
  { id: 'parent', header: 'parent', value: (a) => a.parentId ?? '' },
  { id: 'dialect', header: 'dialect', value: (a) => a.dialect },
  {
    id: 'state',
    header: 'state',
    value: (a) => (a.connected ? 'connected' : 'disconnected'),
    render: (a) => (
      <StatusBadge tone={a.connected ? 'ok' : 'neutral'}>{a.connected ? 'connected' : 'gone'}</StatusBadge>
    ),
  },
  { id: 'bid', header: 'bid #', value: (a) => a.lastBid?.bidNumber, align: 'right' },
  {
    id: 'demand',
    header: 'bid W (min … max price)',
    value: (a) => a.lastBid?.demand[0],
    render: (a) => (a.lastBid ? `${round(a.lastBid.demand[0]!)} … ${round(a.lastBid.demand.at(-1)!)}` : ''),
    align: 'right',
  },
  {
    id: 'price',
    header: 'price',
    value: (a) => a.lastPrice?.price,
    text: (a) => fixed(a.lastPrice?.price),
    align: 'right',
  },
  { id: 'priced', header: 'for bid #', value: (a) => a.lastPrice?.bidNumber, align: 'right' },
];

function round(x: number): string {
  return Math.round(x).toLocaleString('en');
}

function fixed(x: number | undefined): string {
  return x === undefined ? '' : x.toFixed(4);
}

/** The matcher tree: the auctioneer, its concentrators, and how many agents hang under each. */
function MatcherTree({ matchers, agents }: { matchers: MatcherView[]; agents: AgentView[] }) {
  const byId = new Map(matchers.map((m) => [m.id, m]));
  const childMatchers = (id: string) => matchers.filter((m) => m.parentId === id);
  const agentsUnder = (id: string) => agents.filter((a) => a.parentId === id && a.connected && !byId.has(a.agentId));
  const node = (matcher: MatcherView) => {
    const devices = agentsUnder(matcher.id);
    // Agents that other agents name as parent are remote concentrators (their children are not here).
    return (
      <li key={matcher.id}>
        <strong>{matcher.id}</strong> <span className="fg-muted">{matcher.kind}</span>{' '}
        <StatusBadge tone={matcher.connected ? 'ok' : 'warn'}>
          {matcher.connected ? 'connected' : 'pending'}
        </StatusBadge>{' '}
        <span className="fg-muted" data-testid={`agents-under-${matcher.id}`}>
          {devices.length} agents
        </span>
        <ul>{childMatchers(matcher.id).map(node)}</ul>
      </li>
    );
  };
  const roots = matchers.filter((m) => m.parentId === null || !byId.has(m.parentId));
  return <ul aria-label="concentrator tree">{roots.map(node)}</ul>;
}

function Dashboard() {
  const [cluster, setCluster] = useState<ClusterView>();
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [prices, setPrices] = useState<PriceEvent[]>([]);
  const [aggregate, setAggregate] = useState<AggregateEvent>();
  const [problem, setProblem] = useState<unknown>();
  const pendingPrices = useRef<PriceEvent[]>([]);
  const pendingAgents = useRef(new Map<string, AgentView>());

  const load = useCallback(async () => {
    try {
      const [first] = await fetchJson<{ clusterId: string }[]>('/api/clusters');
      if (!first) return;
      const view = await fetchJson<ClusterView>(`/api/clusters/${encodeURIComponent(first.clusterId)}`);
      setCluster(view);
      setAgents(await fetchJson<AgentView[]>('/api/agents'));
      const history = await fetchJson<PriceEvent[]>('/api/prices');
      setPrices((live) => mergePrices(history, live));
      setProblem(undefined);
    } catch (error) {
      setProblem(error);
    }
  }, []);
  useEffect(() => {
    void load();
    // The tree and the agents list are re-read now and then; prices and the curve come live.
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [load]);

  const stream = useLiveStream({
    url: '/api/stream',
    events: ['price', 'aggregate', 'agent', 'agentsChanged'],
    onMessage: (data, event) => {
      if (event === 'price') pendingPrices.current.push(JSON.parse(data) as PriceEvent);
      else if (event === 'aggregate') {
        const snapshot = JSON.parse(data) as AggregateEvent;
        if (snapshot.matcherId === cluster?.auctioneerId || cluster?.auctioneerId === null) setAggregate(snapshot);
      } else if (event === 'agent') {
        const agent = JSON.parse(data) as AgentView;
        pendingAgents.current.set(agent.agentId, agent);
      } else if (event === 'agentsChanged') void load();
    },
  });
  // Stream events are applied once per animation frame, not per message.
  useEffect(() => {
    let frame = 0;
    const flush = () => {
      if (pendingPrices.current.length > 0) {
        const batch = pendingPrices.current;
        pendingPrices.current = [];
        setPrices((previous) => mergePrices(previous, batch));
      }
      if (pendingAgents.current.size > 0) {
        const changed = pendingAgents.current;
        pendingAgents.current = new Map();
        setAgents((previous) => {
          const next = previous.map((a) => changed.get(a.agentId) ?? a);
          const known = new Set(previous.map((a) => a.agentId));
          for (const [id, agent] of changed) if (!known.has(id)) next.push(agent);
          return next;
        });
      }
      frame = requestAnimationFrame(flush);
    };
    frame = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(frame);
  }, []);

  const basis = cluster?.marketBasis ?? null;
  const demand = aggregate?.demand ?? cluster?.aggregate.demand ?? [];
  const lastPrice = prices.at(-1) ?? cluster?.lastPrice ?? null;
  const curve = useMemo(() => {
    if (!basis || demand.length !== basis.priceSteps) return [];
    const grid = gridPrices(basis);
    return demand.map((y, i) => ({ x: grid[i]!, y }));
  }, [basis, demand]);
  const marker =
    basis && lastPrice && curve.length > 0
      ? { label: 'equilibrium', x: lastPrice.price, y: demandAtPrice(basis, demand, lastPrice.price) }
      : undefined;
  const priceSeries = useMemo(
    () => [
      { label: `price ${basis?.currency ?? ''}`, points: prices.map((p) => [Date.parse(p.at), p.price] as const) },
    ],
    [prices, basis],
  );
  const connected = agents.filter((a) => a.connected).length;

  return (
    <PageShell
      service="PowerMatcher auctioneer"
      title={cluster ? `cluster ${cluster.clusterId}` : 'cluster'}
      nav={[{ label: 'cluster', href: '/ui/', active: true }]}
      connection={stream}
    >
      {problem !== undefined && (
        <Panel title="Problem" wide>
          <ProblemView error={problem} onRetry={() => void load()} />
        </Panel>
      )}
      <Panel title="Aggregate bid and equilibrium">
        <p className="fg-muted">
          round <span data-testid="round">{lastPrice?.round ?? '–'}</span>, price{' '}
          <span data-testid="price">{lastPrice ? lastPrice.price.toFixed(6) : '–'}</span> {basis?.currency},{' '}
          <span data-testid="bids-in-aggregate">{aggregate?.agentCount ?? cluster?.aggregate.agentCount ?? 0}</span>{' '}
          bids at the auctioneer
        </p>
        <StepCurveChart
          label="aggregate bid"
          curves={[{ label: 'aggregate bid', points: curve }]}
          marker={marker}
          xMax={basis?.maximumPrice}
          xLabel={`price ${basis?.currency ?? ''}`}
          yLabel="demand W"
          height={260}
        />
      </Panel>
      <Panel title="Price over time">
        <p className="fg-muted">
          <span data-testid="price-points">{prices.length}</span> rounds shown
        </p>
        <TimeSeriesChart label="price over time" series={priceSeries} yLabel={basis?.currency} height={260} />
      </Panel>
      <Panel title="Concentrator tree">{cluster && <MatcherTree matchers={cluster.matchers} agents={agents} />}</Panel>
      <Panel title={`Agents (${connected} connected)`} wide>
        <DataTable
          label="agents"
          columns={agentColumns}
          rows={agents}
          rowKey={(a) => a.agentId}
          initialSort={{ columnId: 'agent', direction: 'asc' }}
        />
      </Panel>
    </PageShell>
  );
}

/** Rounds by number, oldest first, the latest MAX_PRICES kept. */
function mergePrices(a: readonly PriceEvent[], b: readonly PriceEvent[]): PriceEvent[] {
  const byRound = new Map<number, PriceEvent>();
  for (const p of [...a, ...b]) byRound.set(p.round, p);
  return [...byRound.values()].sort((x, y) => x.round - y.round).slice(-MAX_PRICES);
}

createRoot(document.getElementById('root')!).render(<Dashboard />);
