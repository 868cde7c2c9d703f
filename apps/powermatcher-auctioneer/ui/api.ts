/**
 * The service's REST API and live stream as the page reads them (SPEC §8.3, the app's src/http): the page holds
 * these shapes only, no protocol logic.
 */

export interface MarketBasis {
  readonly commodity: string;
  readonly currency: string;
  readonly priceSteps: number;
  readonly minimumPrice: number;
  readonly maximumPrice: number;
}

/** One price round: `GET /api/clusters/:id` `lastPrice`, the stream's `price` event. */
export interface PriceRound {
  readonly round: number;
  readonly price: number;
  readonly priceIndex: number;
  readonly at: string;
}

/** A round of `GET /api/prices`, with the aggregate it priced. */
export interface StoredRound extends PriceRound {
  readonly demand?: readonly number[];
}

export interface MatcherView {
  readonly id: string;
  readonly kind: 'auctioneer' | 'concentrator';
  readonly parentId: string | null;
  readonly connected: boolean;
  readonly children: readonly string[];
  /** Run by a remote concentrator process (as it reports its subtree). */
  readonly remote?: boolean;
}

export interface ClusterView {
  readonly clusterId: string;
  readonly auctioneerId: string | null;
  readonly marketBasis: MarketBasis | null;
  readonly minTimeBetweenPriceUpdatesMs: number;
  readonly lastPrice: PriceRound | null;
  readonly aggregate: { readonly demand: readonly number[]; readonly agentCount: number };
  readonly matchers: readonly MatcherView[];
}

/** `GET /api/clusters`: the one cluster of this instance, or none yet (a concentrator without its parent). */
export interface ClusterLink {
  readonly clusterId: string;
  /** Null on a remote concentrator. */
  readonly auctioneerId: string | null;
}

export interface AgentView {
  readonly agentId: string;
  readonly parentId: string | null;
  readonly dialect: '1.9' | 'v2.1' | 'local';
  readonly connected: boolean;
  readonly connectedAt: string | null;
  readonly lastSeenAt: string | null;
  readonly lastBid: { readonly bidNumber: number; readonly demand: readonly number[]; readonly at: string } | null;
  readonly lastPrice: { readonly price: number; readonly bidNumber: number; readonly at: string } | null;
}

/** The stream's `agent` event: a full view, or only the id of an agent the service no longer knows. */
export type AgentEvent = AgentView | { readonly agentId: string; readonly connected: false };

/** The stream's `aggregate` event: one matcher's run. */
export interface AggregateEvent {
  readonly matcherId: string;
  readonly run: number;
  readonly demand: readonly number[];
  readonly agentCount: number;
  readonly at: string;
}

export interface ObjectiveView {
  readonly source: 'operator' | 'event' | 'none';
  readonly mode: 'none' | 'flat' | 'target' | 'price' | 'curve';
  readonly demand: readonly number[];
  readonly eventId?: string;
}

/** The named events of `GET /api/stream`. */
export type StreamMessage =
  | { readonly event: 'price'; readonly data: PriceRound }
  | { readonly event: 'aggregate'; readonly data: AggregateEvent }
  | { readonly event: 'agent'; readonly data: AgentEvent }
  | { readonly event: 'agentsChanged'; readonly data: { readonly count: number } };

export const streamEvents = ['price', 'aggregate', 'agent', 'agentsChanged'] as const;
