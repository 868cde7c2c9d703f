/** The shapes of the auctioneer's REST API and live stream (SPEC §8.3) as the dashboard reads them. */

export interface MarketBasis {
  commodity: string;
  currency: string;
  priceSteps: number;
  minimumPrice: number;
  maximumPrice: number;
}

export interface MatcherView {
  id: string;
  kind: 'auctioneer' | 'concentrator';
  parentId: string | null;
  connected: boolean;
  children: string[];
}

export interface ClusterView {
  clusterId: string;
  auctioneerId: string | null;
  marketBasis: MarketBasis | null;
  lastPrice: PriceEvent | null;
  aggregate: { demand: number[]; agentCount: number };
  matchers: MatcherView[];
}

export interface PriceEvent {
  round: number;
  price: number;
  priceIndex: number;
  at: string;
}

export interface AggregateEvent {
  matcherId: string;
  run: number;
  demand: number[];
  agentCount: number;
  at: string;
}

export interface AgentView {
  agentId: string;
  parentId: string | null;
  dialect: '1.9' | 'v2.1' | 'local';
  connected: boolean;
  connectedAt: string | null;
  lastSeenAt: string | null;
  lastBid: { bidNumber: number; demand: number[]; at: string } | null;
  lastPrice: { price: number; bidNumber: number; at: string } | null;
}

/** The grid prices of a basis (SPEC §2.2): min + i × increment, clamped to max. */
export function gridPrices(basis: MarketBasis): number[] {
  const increment = (basis.maximumPrice - basis.minimumPrice) / (basis.priceSteps - 1);
  return Array.from({ length: basis.priceSteps }, (_, i) =>
    Math.min(basis.maximumPrice, basis.minimumPrice + i * increment),
  );
}

/** The demand the curve gives at `price`, interpolated between steps: where to draw the equilibrium marker. */
export function demandAtPrice(basis: MarketBasis, demand: readonly number[], price: number): number {
  const prices = gridPrices(basis);
  const step = (price - basis.minimumPrice) / (prices[1]! - prices[0]!);
  const k = Math.max(0, Math.min(Math.floor(step), demand.length - 2));
  return demand[k]! + (demand[k + 1]! - demand[k]!) * (step - k);
}
