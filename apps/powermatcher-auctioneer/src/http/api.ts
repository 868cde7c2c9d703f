import {
  type AgentAuth,
  agentTokenRefusal,
  isPowerMatcherError,
  type MarketBasis,
  type ObjectiveStatus,
  type OperatorObjective,
  operatorObjectiveDemand,
} from '@flexgrid/protocol-powermatcher';
import { bearerTokenOf, tokenMatcher } from '@flexgrid/platform-service';
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import type { ClusterHost } from '../domain/cluster-host';
import { checkSubtreeReport, clusterMatchers, type RemoteTrees } from '../domain/remote-trees';
import { AuctioneerError } from '../errors';
import type { AuctioneerStore } from '../store/store';
import type { LiveStream } from './stream';
import { agentViews, type ConnectionOf, remoteAgentView } from './views';

const HOUR_MS = 3_600_000;
const MAX_PRICE_ROWS = 10_000;

export interface ApiOptions {
  readonly host: ClusterHost;
  /** Null in a remote concentrator, which has no database: the API then serves what is live only. */
  readonly store: AuctioneerStore | null;
  readonly stream: LiveStream;
  readonly connectionOf: ConnectionOf;
  readonly cluster: {
    readonly clusterId: () => string | null;
    readonly auctioneerId: string | null;
    readonly marketBasis: () => MarketBasis | null;
    readonly minTimeBetweenPriceUpdatesMs: number;
  };
  readonly operatorToken: string | null;
  readonly apiReadAuth: boolean;
  /** What the remote concentrators connected here report of their subtrees, and how their reports are checked. */
  readonly remoteTrees: RemoteTrees;
  readonly agentAuth: AgentAuth;
}

/** §8.3: `Authorization: Bearer <PM_OPERATOR_TOKEN>`, compared in constant time. */
function operatorAuth(token: string | null) {
  const matches = token === null ? null : tokenMatcher([token]);
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (matches === null) {
      throw new AuctioneerError(403, 'Forbidden', 'This service has no operator token (PM_OPERATOR_TOKEN)');
    }
    if (!matches(bearerTokenOf(req))) {
      throw new AuctioneerError(401, 'Unauthorized', 'A valid operator bearer token is required');
    }
    next();
  };
}

function time(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new AuctioneerError(400, 'Bad Request', `${name} must be an RFC 3339 time`);
  return ms;
}

/** The objective's body with `until` as RFC 3339 (or epoch ms), as the model takes it (epoch ms). */
function operatorObjective(body: unknown): OperatorObjective {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AuctioneerError(400, 'Bad Request', 'The objective must be a JSON object with a mode');
  }
  const { until, ...rest } = body as Record<string, unknown>;
  if (until === undefined || until === null) return rest as unknown as OperatorObjective;
  const ms = typeof until === 'number' ? until : time(until, 'until', NaN);
  return { ...rest, until: ms } as unknown as OperatorObjective;
}

function objectiveView(status: ObjectiveStatus | null): ObjectiveStatus {
  if (!status) throw new AuctioneerError(404, 'Not Found', 'This service has no objective agent');
  return status;
}

/** The REST API of SPEC §8.3; errors go through the app's one mapper as problem+json. */
export function apiRoutes(options: ApiOptions): Router {
  const { host, store, stream, cluster } = options;
  const router = express.Router();
  const mutation = operatorAuth(options.operatorToken);
  const read = options.apiReadAuth ? [mutation] : [];

  router.get('/api/clusters', ...read, (_req, res) => {
    const clusterId = cluster.clusterId();
    res.json(clusterId === null ? [] : [{ clusterId, auctioneerId: cluster.auctioneerId }]);
  });

  router.get('/api/clusters/:id', ...read, (req, res) => {
    const clusterId = cluster.clusterId();
    if (clusterId === null || req.params['id'] !== clusterId) {
      throw new AuctioneerError(404, 'Not Found', `No cluster [${String(req.params['id'])}] here`);
    }
    const view = host.read((model) => {
      const top = cluster.auctioneerId ?? model.matcherStatuses().find((m) => m.parentId === null)?.id ?? null;
      const aggregate = top === null ? undefined : model.aggregate(top);
      return {
        clusterId,
        auctioneerId: cluster.auctioneerId,
        marketBasis: cluster.marketBasis(),
        minTimeBetweenPriceUpdatesMs: cluster.minTimeBetweenPriceUpdatesMs,
        lastPrice: stream.price,
        aggregate: aggregate ?? { demand: [], agentCount: 0 },
        matchers: clusterMatchers(model, options.remoteTrees),
      };
    });
    res.json(view);
  });

  router.get('/api/agents', ...read, async (_req, res) => {
    const stored = store ? await store.agents() : [];
    res.json(
      host.read((model) => [
        ...agentViews(model, stored, options.connectionOf, host.now()),
        ...options.remoteTrees.agents().map(remoteAgentView),
      ]),
    );
  });

  // A remote concentrator's report of its subtree, authenticated as the agent it is here (PM-WS-3).
  router.put('/api/concentrators/:id/tree', (req, res) => {
    const id = String(req.params['id']);
    const refusal = agentTokenRefusal(options.agentAuth, bearerTokenOf(req) ?? null, id);
    if (refusal) throw new AuctioneerError(refusal.code === 'FORBIDDEN' ? 403 : 401, refusal.code, refusal.message);
    if (!options.connectionOf(id)) {
      throw new AuctioneerError(409, 'Conflict', `No agent [${id}] is connected here`);
    }
    options.remoteTrees.put(id, checkSubtreeReport(req.body));
    stream.subtreeChanged(id);
    res.status(204).end();
  });

  router.get('/api/prices', ...read, async (req, res) => {
    if (!store) throw new AuctioneerError(404, 'Not Found', 'A remote concentrator keeps no price history');
    const now = Date.now();
    const to = time(req.query['to'], 'to', now);
    const from = time(req.query['from'], 'from', to - HOUR_MS);
    const rows = await store.prices(new Date(from), new Date(to), MAX_PRICE_ROWS);
    res.json(
      rows.map((row) => ({
        round: row.round,
        at: row.at.toISOString(),
        price: row.price,
        priceIndex: row.priceIndex,
        demand: row.demand,
      })),
    );
  });

  router.get('/api/objective', ...read, (_req, res) => {
    res.json(objectiveView(host.read((model) => model.objectiveStatus())));
  });

  // One objective change at a time, so the stored objective and the applied one are the same last write.
  let objectiveChanges: Promise<unknown> = Promise.resolve();
  router.put('/api/objective', mutation, async (req, res) => {
    const objective = operatorObjective(req.body);
    objectiveView(host.read((model) => model.objectiveStatus()));
    const basis = cluster.marketBasis();
    if (basis === null) throw new AuctioneerError(503, 'Service Unavailable', 'Not connected to the cluster');
    // Checked (a bad objective gets its §3 message and changes nothing), stored, and only then applied: a
    // database failure leaves the market as it was instead of running an objective a restart would forget.
    operatorObjectiveDemand(basis, objective);
    const change = objectiveChanges.then(async () => {
      await store?.saveOperatorObjective(objective, new Date());
      host.apply((model) => model.setOperatorObjective(objective));
    });
    objectiveChanges = change.catch(() => undefined);
    await change;
    res.json(objectiveView(host.read((model) => model.objectiveStatus())));
  });

  router.post('/api/peakshaving', mutation, (req, res) => {
    const body: unknown = req.body;
    if (!Array.isArray(body)) {
      throw new AuctioneerError(400, 'Bad Request', 'The body must be a list of {agentId, measurement}');
    }
    const results = body.map((entry: unknown) => {
      const { agentId, measurement } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
        string,
        unknown
      >;
      if (typeof agentId !== 'string') return { agentId: null, result: 'unknown agent' };
      try {
        host.apply((model) => model.measureFlow(agentId, measurement as number));
        return { agentId, result: 'updated' };
      } catch (error) {
        if (!isPowerMatcherError(error)) throw error;
        return { agentId, result: error.code === 'INVALID_MEASUREMENT' ? 'invalid measurement' : 'unknown agent' };
      }
    });
    res.json(results);
  });

  router.get('/api/stream', ...read, stream.handler);
  return router;
}
