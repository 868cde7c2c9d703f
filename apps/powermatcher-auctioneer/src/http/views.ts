import type { AgentStatus, ClusterModel, Dialect } from '@flexgrid/protocol-powermatcher';
import type { RemoteAgent } from '../domain/remote-trees';
import type { StoredAgent } from '../store/store';

/** One agent as `GET /api/agents` and the `agent` stream event show it (SPEC §8.3). */
export interface AgentView {
  readonly agentId: string;
  readonly parentId: string | null;
  /** `1.9` or `v2.1` for websocket agents; `local` for the service's own components (concentrators, objective). */
  readonly dialect: Dialect | 'local';
  readonly connected: boolean;
  readonly connectedAt: string | null;
  readonly lastSeenAt: string | null;
  readonly lastBid: { bidNumber: number; demand: readonly number[]; at: string } | null;
  readonly lastPrice: { price: number; bidNumber: number; at: string } | null;
}

export type ConnectionOf = (
  agentId: string,
) => { dialect: Dialect; connectedAt: number; lastHeard: number } | undefined;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The live view of an agent the model knows: a websocket agent with its connection, or a local component. */
export function liveAgentView(status: AgentStatus, connectionOf: ConnectionOf, now: number): AgentView {
  const connection = status.kind === 'remote' ? connectionOf(status.agentId) : undefined;
  return {
    agentId: status.agentId,
    parentId: status.parentId,
    dialect: connection?.dialect ?? 'local',
    // A websocket agent is connected while its socket is (its session may wait for its parent, §6.2).
    connected: status.kind === 'remote' ? connection !== undefined : status.sessionId !== null,
    connectedAt: connection ? iso(connection.connectedAt) : null,
    lastSeenAt: iso(connection?.lastHeard ?? now),
    lastBid: status.lastBid
      ? { bidNumber: status.lastBid.bidNumber, demand: status.lastBid.demand, at: iso(status.lastBid.at) }
      : null,
    lastPrice: status.lastPrice
      ? { price: status.lastPrice.price, bidNumber: status.lastPrice.bidNumber, at: iso(status.lastPrice.at) }
      : null,
  };
}

/** An agent of a remote concentrator: what that concentrator reports of it. */
export function remoteAgentView(agent: RemoteAgent): AgentView {
  return {
    agentId: agent.agentId,
    parentId: agent.parentId,
    dialect: agent.dialect === '1.9' || agent.dialect === 'v2.1' ? agent.dialect : 'local',
    connected: agent.connected,
    connectedAt: null,
    lastSeenAt: null,
    lastBid: null,
    lastPrice: null,
  };
}

/** An agent seen before but not connected now. */
export function storedAgentView(agent: StoredAgent): AgentView {
  return {
    agentId: agent.agentId,
    parentId: agent.parentId,
    dialect: agent.dialect,
    connected: false,
    connectedAt: null,
    lastSeenAt: agent.lastSeen.toISOString(),
    lastBid: null,
    lastPrice: null,
  };
}

/** Every agent: the live ones from the model, then those only the database remembers. */
export function agentViews(
  model: ClusterModel,
  stored: readonly StoredAgent[],
  connectionOf: ConnectionOf,
  now: number,
): AgentView[] {
  const live = model.agentStatuses().map((status) => liveAgentView(status, connectionOf, now));
  const liveIds = new Set(live.map((view) => view.agentId));
  return [...live, ...stored.filter((agent) => !liveIds.has(agent.agentId)).map(storedAgentView)];
}
