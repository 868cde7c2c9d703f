import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import type { Logger } from '@flexgrid/platform-service';
import type { Role } from '../config';
import type { ClusterHost } from './cluster-host';

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
  logger: Logger,
): Upstream {
  const id = role.concentratorId;
  const agent = new PowerMatcherAgent({
    url: role.parentUrl,
    token: role.parentToken ?? undefined,
    logger,
    onClusterInfo: (info) => {
      try {
        host.apply((model) => model.connectParent(id, info));
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
  return {
    ready: async () => {
      if (!agent.connected) throw new Error('not connected to the parent matcher');
    },
    stop: () => agent.stop(),
  };
}
