import { fetchJson, PageShell, Panel, ProblemError, ProblemView, useLiveStream } from '@flexgrid/ui';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import {
  type AgentView,
  type ClusterLink,
  type ClusterView,
  type ObjectiveView,
  type StoredRound,
  type StreamMessage,
  streamEvents,
} from './api';
import { AgentsPanel } from './AgentsPanel';
import { BidCurvePanel } from './BidCurvePanel';
import { ClusterTreePanel } from './ClusterTreePanel';
import {
  applyEvents,
  applySnapshot,
  type DashboardState,
  initialState,
  type Snapshot,
  topMatcherId,
} from './dashboard-state';
import { MarketPanel } from './MarketPanel';
import { ObjectivePanel, type ObjectiveState } from './ObjectivePanel';
import { PricePanel } from './PricePanel';

type Action =
  | { readonly type: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly type: 'events'; readonly messages: readonly StreamMessage[] };

function reduce(state: DashboardState, action: Action): DashboardState {
  return action.type === 'snapshot' ? applySnapshot(state, action.snapshot) : applyEvents(state, action.messages);
}

/** A 404 answers "this instance has none" (a remote concentrator keeps no prices and runs no objective). */
function absentOn404<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((error: unknown) => {
    if (error instanceof ProblemError && error.problem.status === 404) return null;
    throw error;
  });
}

/** Snapshot reloads triggered by the stream (agents beyond the stream's per-second budget, a matcher changing). */
const RELOAD_THROTTLE_MS = 2_000;

/**
 * The auctioneer's dashboard (SPEC §8.3): the REST snapshot once and after every reconnect of the live stream,
 * then the stream's events, batched per animation frame.
 */
export function Dashboard() {
  const [state, dispatch] = useReducer(reduce, initialState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [loadError, setLoadError] = useState<unknown>();
  const [noCluster, setNoCluster] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [hasPriceHistory, setHasPriceHistory] = useState(true);
  const [objective, setObjective] = useState<ObjectiveState>({ status: 'loading' });
  const [selectedAgent, setSelectedAgent] = useState<string | undefined>();
  const pending = useRef<StreamMessage[]>([]);
  const reloadTimer = useRef<number | undefined>(undefined);

  // Only an auctioneer with PM_OBJECTIVE_ENABLED has an objective agent, and only an auctioneer a price history:
  // the page asks for them only where they exist (a 404 is a console error in every browser).
  const loadObjective = useCallback((hasObjective: boolean) => {
    if (!hasObjective) {
      setObjective({ status: 'absent' });
      return;
    }
    absentOn404(fetchJson<ObjectiveView>('/api/objective')).then(
      (view) => setObjective(view ? { status: 'loaded', view } : { status: 'absent' }),
      (error: unknown) => setObjective({ status: 'failed', error }),
    );
  }, []);

  /**
   * The snapshot. The price history only on the first load and after a reconnect: in between the stream brings
   * every round, and the history (an hour of rounds with their aggregates) is the heaviest read.
   */
  const load = useCallback(
    async (withHistory: boolean) => {
      const requestedAt = stateRef.current.version;
      try {
        const clusters = await fetchJson<ClusterLink[]>('/api/clusters');
        const link = clusters[0];
        const [cluster, agents] = await Promise.all([
          link ? fetchJson<ClusterView>(`/api/clusters/${encodeURIComponent(link.clusterId)}`) : Promise.resolve(null),
          fetchJson<AgentView[]>('/api/agents'),
        ]);
        const isAuctioneer = cluster?.auctioneerId != null;
        const rounds = withHistory && isAuctioneer ? await absentOn404(fetchJson<StoredRound[]>('/api/prices')) : null;
        setNoCluster(!link);
        if (withHistory) setHasPriceHistory(rounds !== null);
        dispatch({ type: 'snapshot', snapshot: { cluster, agents, rounds, requestedAt } });
        setLoadError(undefined);
        setLoaded(true);
        // The service's local components are its matchers and its objective agent.
        const matcherIds = new Set(cluster?.matchers.map((m) => m.id));
        loadObjective(isAuctioneer && agents.some((a) => a.dialect === 'local' && !matcherIds.has(a.agentId)));
      } catch (error) {
        setLoadError(error);
      }
    },
    [loadObjective],
  );

  const scheduleReload = useCallback(() => {
    if (reloadTimer.current !== undefined) return;
    reloadTimer.current = window.setTimeout(() => {
      reloadTimer.current = undefined;
      void load(false);
    }, RELOAD_THROTTLE_MS);
  }, [load]);

  const stream = useLiveStream({
    url: '/api/stream',
    events: streamEvents,
    onMessage: (data, event) => {
      if ((streamEvents as readonly string[]).includes(event)) {
        pending.current.push({ event, data: JSON.parse(data) } as StreamMessage);
      }
    },
  });

  // The snapshot on the first open and again after each reconnect: events missed while away are in it.
  useEffect(() => {
    if (stream.state === 'open') void load(true);
  }, [stream.state, load]);
  useEffect(() => () => window.clearTimeout(reloadTimer.current), []);

  useEffect(() => {
    let frame = 0;
    const flush = () => {
      const messages = pending.current;
      if (messages.length > 0) {
        pending.current = [];
        dispatch({ type: 'events', messages });
        const matchers = new Set(stateRef.current.cluster?.matchers.map((m) => m.id));
        for (const message of messages) {
          if (message.event === 'agentsChanged') scheduleReload();
          if (message.event === 'agent' && 'dialect' in message.data && message.data.dialect === 'local') {
            // A local component moved: a concentrator (the tree's connection states) or the objective agent.
            if (matchers.has(message.data.agentId)) scheduleReload();
            else loadObjective(stateRef.current.cluster?.auctioneerId != null);
          }
        }
      }
      frame = requestAnimationFrame(flush);
    };
    frame = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(frame);
  }, [scheduleReload, loadObjective]);

  const cluster = state.cluster;
  const basis = cluster?.marketBasis ?? null;
  // A remote concentrator's own dashboard: its subtree, with the prices its parent sends.
  const remote = cluster !== null && cluster.auctioneerId === null;
  const selectAgent = (agentId: string) => setSelectedAgent((current) => (current === agentId ? undefined : agentId));

  return (
    <PageShell
      service={remote ? 'PowerMatcher concentrator' : 'PowerMatcher auctioneer'}
      title={
        cluster
          ? remote
            ? `${topMatcherId(cluster)} in cluster ${cluster.clusterId}`
            : `Cluster ${cluster.clusterId}`
          : 'Cluster'
      }
      connection={stream}
    >
      {loadError !== undefined && (
        <Panel title="The service did not answer" wide>
          <ProblemView error={loadError} onRetry={() => void load(true)} />
        </Panel>
      )}
      {noCluster && (
        <Panel title="No cluster yet" wide>
          <div className="pm-empty">
            <strong>This instance has not joined a cluster yet.</strong>A remote concentrator learns its cluster from
            its parent's CLUSTERINFO: check that the parent at PM_PARENT_URL is running and accepts this concentrator.
          </div>
        </Panel>
      )}
      {!loaded && loadError === undefined && (
        <Panel title="Loading" wide>
          <div className="pm-empty">Reading the cluster from the service…</div>
        </Panel>
      )}
      {loaded && (
        <>
          <MarketPanel state={state} />
          <BidCurvePanel
            state={state}
            selectedAgent={selectedAgent}
            onClearSelection={() => setSelectedAgent(undefined)}
          />
          <PricePanel rounds={state.rounds} basis={basis} hasHistory={hasPriceHistory} />
          <div className="pm-stack">
            <ClusterTreePanel state={state} selectedAgent={selectedAgent} onSelect={selectAgent} />
            <ObjectivePanel objective={objective} />
          </div>
          <AgentsPanel state={state} selectedAgent={selectedAgent} onSelect={selectAgent} />
        </>
      )}
    </PageShell>
  );
}
