import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import type { Logger } from '@flexgrid/platform-service';
import type { Role } from '../config';
import type { ClusterHost } from './cluster-host';
import type { SubtreeReport } from './remote-trees';

/** How often a changed subtree is reported to the parent. */
const REPORT_INTERVAL_MS = 2_000;

/** A remote concentrator's link to its parent matcher: it is one agent there (SPEC §6.1). */
export interface Upstream {
  /** Throws while the concentrator has no session with its parent (for `/readyz`). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Connects a remote concentrator (`PM_ROLE=concentrator`) to its parent through the agent SDK: CLUSTERINFO
 * starts its parent session (§6.7), PRICE_UPDATEs are forwarded to its children by bid number, and its own
 * bids go up. Losing the parent does not end the children's sessions: the SDK reconnects with backoff and
 * re-sends the last aggregate under its number, so the bid history still resolves the next price.
 */
export function connectUpstream(
  role: Extract<Role, { kind: 'concentrator' }>,
  host: ClusterHost,
  subtree: () => SubtreeReport,
  logger: Logger,
): Upstream {
  const id = role.concentratorId;
  const reporter = subtreeReporter(role, subtree, logger);
  const agent = new PowerMatcherAgent({
    url: role.parentUrl,
    token: role.parentToken ?? undefined,
    logger,
    onClusterInfo: (info) => {
      try {
        host.apply((model) => model.connectParent(id, info));
        reporter.parentSession();
      } catch (error) {
        logger.error({ err: error }, 'the parent sent a cluster this concentrator cannot join');
      }
    },
    onPrice: (update) => {
      try {
        host.apply((model) => model.receivePrice(id, update.price, update.bidNumber));
      } catch (error) {
        logger.error({ err: error }, 'the parent sent a price this concentrator cannot apply');
      }
    },
    onError: (error) => logger.warn({ code: error.code, bidNumber: error.bidNumber }, error.message),
    onConnectionChange: (connected, close) =>
      logger.info({ connected, code: close?.code, reason: close?.reason }, 'parent connection'),
  });
  host.onEffects((effects) => {
    for (const effect of effects) {
      if (effect.type === 'bid' && effect.remote && effect.agentId === id) {
        agent.bid({ demand: effect.demand }, effect.bidNumber);
      }
    }
  });
  agent.start();
  const reporting = setInterval(() => {
    if (agent.connected) void reporter.report();
  }, REPORT_INTERVAL_MS);
  reporting.unref();
  return {
    ready: async () => {
      if (!agent.connected) throw new Error('not connected to the parent matcher');
    },
    stop: async () => {
      clearInterval(reporting);
      await agent.stop();
    },
  };
}

/**
 * Reports this concentrator's subtree to the parent's REST API (`PUT /api/concentrators/:id/tree` on the host
 * of PM_PARENT_URL, with PM_PARENT_TOKEN), so the parent's cluster view shows it as a concentrator with its
 * children rather than as one agent. Sent when it changed and after each new parent session; a parent that does
 * not know the route (a v2.1 auctioneer) only costs a request per change. Display only: the market never waits.
 */
function subtreeReporter(
  role: Extract<Role, { kind: 'concentrator' }>,
  subtree: () => SubtreeReport,
  logger: Logger,
): { report(): Promise<void>; parentSession(): void } {
  const url = new URL(role.parentUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = `/api/concentrators/${encodeURIComponent(role.concentratorId)}/tree`;
  url.search = '';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (role.parentToken) headers['authorization'] = `Bearer ${role.parentToken}`;
  let lastSent: string | null = null;
  let sending = false;
  return {
    parentSession: () => {
      lastSent = null;
    },
    report: async () => {
      const body = JSON.stringify(subtree());
      if (sending || body === lastSent) return;
      sending = true;
      try {
        const response = await fetch(url, { method: 'PUT', headers, body, signal: AbortSignal.timeout(5_000) });
        // Not sent again until it changes: a parent without the route, or one whose body limit it exceeds.
        if (response.ok || [404, 405, 413].includes(response.status)) lastSent = body;
        if (response.status === 413) {
          logger.warn({ bytes: body.length }, "the subtree report exceeds the parent's HTTP_BODY_LIMIT_BYTES");
        } else if (!response.ok) {
          logger.debug({ status: response.status }, 'the parent did not take the subtree report');
        }
      } catch (error) {
        logger.debug({ err: error }, 'subtree report not sent');
      } finally {
        sending = false;
      }
    },
  };
}
