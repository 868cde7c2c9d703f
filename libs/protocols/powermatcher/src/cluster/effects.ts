import type { PowerMatcherErrorCode } from '../errors';
import type { MarketBasis } from '../market-basis';

/*
 * The outputs of the cluster model (SPEC §6 effects table), in emission order. Each carries `t`, the model time
 * it happened at, and exactly the table's fields; `type` names it. The host delivers the `remote` ones and maps
 * all of them to Kafka, metrics and the dashboard (§6.11, §8.1).
 */

/** A session was created (§6.2): the agent learns its cluster and market basis. */
export interface ClusterInfoEffect {
  readonly type: 'clusterInfo';
  readonly t: number;
  readonly agentId: string;
  /** The matcher; null when the parent is outside the model (a concentrator's remote parent). */
  readonly parentId: string | null;
  readonly sessionId: string;
  readonly clusterId: string;
  readonly marketBasis: MarketBasis;
  /** The agent is outside the model: the host sends it CLUSTERINFO. */
  readonly remote: boolean;
}

/** A matcher accepted a bid into its cache (§6.4). */
export interface BidAcceptedEffect {
  readonly type: 'bidAccepted';
  readonly t: number;
  readonly agentId: string;
  readonly parentId: string;
  readonly sessionId: string;
  readonly bidNumber: number;
  readonly demand: readonly number[];
}

/** A local agent or concentrator sent a bid (§6.3). */
export interface BidEffect {
  readonly type: 'bid';
  readonly t: number;
  readonly agentId: string;
  /** Null when the parent is outside the model. */
  readonly parentId: string | null;
  readonly sessionId: string;
  readonly bidNumber: number;
  readonly demand: readonly number[];
  /** The parent is outside the model: the host sends it the BID. */
  readonly remote: boolean;
}

/** One child whose reference changed since the matcher's previous run; `bidNumber: null`: its bid left. */
export interface BidReferenceChange {
  readonly agentId: string;
  readonly sessionId: string;
  readonly bidNumber: number | null;
}

/** Every run of a connected matcher, before the transform (§6.5). */
export interface AggregatedEffect {
  readonly type: 'aggregated';
  readonly t: number;
  readonly matcherId: string;
  readonly run: number;
  readonly demand: readonly number[];
  readonly changes: readonly BidReferenceChange[];
}

/** Every auctioneer run, after its `aggregated` (§6.6). */
export interface RoundEffect {
  readonly type: 'round';
  readonly t: number;
  readonly clusterId: string;
  readonly round: number;
  readonly price: number;
  readonly priceIndex: number;
}

/** A price delivered to a session, with the bid number of that agent's bid it answers (§6.6, §6.7). */
export interface PriceEffect {
  readonly type: 'price';
  readonly t: number;
  readonly agentId: string;
  readonly parentId: string;
  readonly sessionId: string;
  readonly price: number;
  readonly bidNumber: number;
  /** The agent is outside the model: the host sends it PRICE_UPDATE. */
  readonly remote: boolean;
}

/** The model ends a remote agent's connection (§6.2 item 5). */
export interface DisconnectEffect {
  readonly type: 'disconnect';
  readonly t: number;
  readonly agentId: string;
  readonly parentId: string;
  /** Null for an agent that was still pending. */
  readonly sessionId: string | null;
  readonly code: number;
  readonly reason: string;
}

/** A rejected input, a failed run or a warning. */
export interface ErrorEffect {
  readonly type: 'error';
  readonly t: number;
  readonly matcherId: string | null;
  readonly agentId: string | null;
  readonly code: PowerMatcherErrorCode;
  readonly message: string;
  readonly bidNumber: number | null;
  readonly level: 'error' | 'warning';
}

export type Effect =
  | ClusterInfoEffect
  | BidAcceptedEffect
  | BidEffect
  | AggregatedEffect
  | RoundEffect
  | PriceEffect
  | DisconnectEffect
  | ErrorEffect;
