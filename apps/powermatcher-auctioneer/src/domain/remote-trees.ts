import type { ClusterModel } from '@flexgrid/protocol-powermatcher';
import { AuctioneerError } from '../errors';

/** A matcher as the cluster view shows it (SPEC §8.3 `matchers`); `remote` when another process runs it. */
export interface MatcherView {
  readonly id: string;
  readonly kind: 'auctioneer' | 'concentrator';
  readonly parentId: string | null;
  readonly connected: boolean;
  readonly children: readonly string[];
  readonly remote?: true;
}

/** An agent below a remote concentrator, as far as that concentrator knows it. */
export interface RemoteAgent {
  readonly agentId: string;
  readonly parentId: string;
  readonly dialect: string;
  readonly connected: boolean;
}

/**
 * What a remote concentrator (`PM_ROLE=concentrator`) reports to its parent's REST API about what runs below it:
 * its matchers (itself first, its parent left null) and their agents, its own remote concentrators' included.
 */
export interface SubtreeReport {
  readonly matchers: readonly MatcherView[];
  readonly agents: readonly RemoteAgent[];
}

const MAX_REPORTED = 100_000;

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function badReport(detail: string): AuctioneerError {
  return new AuctioneerError(400, 'Bad Request', `Invalid subtree report: ${detail}`);
}

/** The body of `PUT /api/concentrators/:id/tree`, checked field by field. */
export function checkSubtreeReport(body: unknown): SubtreeReport {
  const { matchers, agents } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(matchers) || !Array.isArray(agents)) throw badReport('matchers and agents must be lists');
  if (matchers.length + agents.length > MAX_REPORTED) throw badReport(`more than ${MAX_REPORTED} entries`);
  return {
    matchers: matchers.map((entry: unknown): MatcherView => {
      const m = (entry ?? {}) as Record<string, unknown>;
      if (!isString(m['id']) || (m['parentId'] !== null && !isString(m['parentId'])) || !Array.isArray(m['children'])) {
        throw badReport('a matcher needs an id, a parentId (or null) and its children');
      }
      if (!m['children'].every(isString)) throw badReport(`the children of [${m['id']}] must be ids`);
      return {
        id: m['id'],
        kind: 'concentrator',
        parentId: m['parentId'],
        connected: m['connected'] === true,
        children: m['children'],
        remote: true,
      };
    }),
    agents: agents.map((entry: unknown): RemoteAgent => {
      const a = (entry ?? {}) as Record<string, unknown>;
      if (!isString(a['agentId']) || !isString(a['parentId']))
        throw badReport('an agent needs an agentId and a parentId');
      return {
        agentId: a['agentId'],
        parentId: a['parentId'],
        dialect: typeof a['dialect'] === 'string' ? a['dialect'] : 'local',
        connected: a['connected'] === true,
      };
    }),
  };
}

/**
 * The subtrees the remote concentrators connected here report (a remote concentrator is one agent to its parent,
 * SPEC §6.1; this is what lets the cluster view show it as a concentrator with its children). A report lives as
 * long as the concentrator's connection.
 */
export class RemoteTrees {
  private readonly reports = new Map<string, SubtreeReport>();

  put(concentratorId: string, report: SubtreeReport): void {
    this.reports.set(concentratorId, report);
  }

  /** True when there was a report to forget. */
  forget(concentratorId: string): boolean {
    return this.reports.delete(concentratorId);
  }

  /** The reported matchers, each remote concentrator hung under its parent here. */
  matchers(model: ClusterModel): MatcherView[] {
    const views: MatcherView[] = [];
    for (const [concentratorId, report] of this.reports) {
      const parentId = model.agentStatus(concentratorId)?.parentId ?? null;
      for (const matcher of report.matchers) {
        views.push(matcher.id === concentratorId && matcher.parentId === null ? { ...matcher, parentId } : matcher);
      }
    }
    return views;
  }

  agents(): RemoteAgent[] {
    return [...this.reports.values()].flatMap((report) => report.agents);
  }
}

/** The matchers this process runs, then those its remote concentrators report. */
export function clusterMatchers(model: ClusterModel, remote: RemoteTrees): MatcherView[] {
  return [
    ...model.matcherStatuses().map((m) => ({
      id: m.id,
      kind: m.kind,
      parentId: m.parentId,
      connected: m.connected,
      children: m.children,
    })),
    ...remote.matchers(model),
  ];
}

/** What this process reports to its parent about everything below it (a remote concentrator's upstream). */
export function subtreeReport(
  model: ClusterModel,
  remote: RemoteTrees,
  connectedRemotely: (agentId: string) => { dialect: string } | undefined,
): SubtreeReport {
  const matchers = clusterMatchers(model, remote);
  const matcherIds = new Set(matchers.map((m) => m.id));
  const agents: RemoteAgent[] = [];
  for (const status of model.agentStatuses()) {
    if (matcherIds.has(status.agentId) || status.parentId === null) continue;
    const connection = status.kind === 'remote' ? connectedRemotely(status.agentId) : undefined;
    agents.push({
      agentId: status.agentId,
      parentId: status.parentId,
      dialect: connection?.dialect ?? 'local',
      connected: status.kind === 'remote' ? connection !== undefined : status.sessionId !== null,
    });
  }
  return { matchers, agents: [...agents, ...remote.agents()] };
}
