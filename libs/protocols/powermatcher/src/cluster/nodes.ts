import { PowerMatcherError } from '../errors';
import {
  DEFAULT_AUCTIONEER_ID,
  DEFAULT_CLUSTER_ID,
  DEFAULT_MARKET_BASIS,
  type MarketBasis,
  marketBasis,
} from '../market-basis';
import { BidCache } from './bid-cache';
import { BidHistory } from './bid-history';
import { type AuctioneerOptions, checkDurationMs, type ConcentratorOptions } from './configuration';
import { type FlowLimits, flowLimits } from './peak-shaving';
import type { ScheduledTask } from './scheduler';

/*
 * The parts of a cluster (SPEC §6.1): matchers (the auctioneer, concentrators) and agents (concentrators toward
 * their parent, local device and objective agents, remote agents), linked by sessions (§6.2).
 */

/** One agent ↔ matcher link; bid numbers, suppression state and liveness are per session. */
export interface Session {
  readonly id: string;
  readonly agentId: string;
  readonly agentKind: Agent['kind'];
  /** Null: the parent is outside the model. */
  readonly parentId: string | null;
  readonly clusterId: string;
  readonly marketBasis: MarketBasis;
  /** Sender state of a local agent (§6.3). */
  counter: number;
  lastSent: { readonly bidNumber: number; readonly demand: readonly number[] } | null;
}

/** The matcher half of the auctioneer and of a concentrator (§6.4, §6.5). */
interface MatcherState {
  readonly id: string;
  readonly minTime: number;
  /** Child sessions in creation order. */
  readonly children: Map<string, Session>;
  coolingOffEnds: number;
  scheduled: ScheduledTask | null;
  /** Runs over the model's lifetime. */
  runs: number;
}

export interface Auctioneer extends MatcherState {
  readonly kind: 'auctioneer';
  readonly clusterId: string;
  readonly marketBasis: MarketBasis;
  readonly cache: BidCache;
  nextRound: number;
}

/** What an agent last had accepted by its parent in its current session, and when. */
export interface LastBid {
  readonly bidNumber: number;
  readonly demand: readonly number[];
  readonly at: number;
}

/** The last price delivered to an agent in its current session, with the bid number it answers. */
export interface LastPrice {
  readonly price: number;
  readonly bidNumber: number;
  readonly at: number;
}

interface AgentState {
  readonly id: string;
  readonly parentId: string | null;
  session: Session | null;
  /** Kept for the host's reads (§8.3); cleared when the session ends (a bid TTL clears `lastBid` too). */
  lastBid: LastBid | null;
  lastPrice: LastPrice | null;
}

export interface Concentrator extends MatcherState, AgentState {
  readonly kind: 'concentrator';
  /** Present while connected: a new parent session starts with a new one (§6.7). */
  cache: BidCache | null;
  readonly history: BidHistory;
  readonly peakShaving: { readonly limits: FlowLimits; measuredFlow: number; allocatedFlow: number } | null;
}

export interface LocalAgent extends AgentState {
  readonly kind: 'device' | 'objective';
  /** The bid it sends whenever it has a session. */
  bid: readonly number[] | null;
}

export interface RemoteAgent extends AgentState {
  readonly kind: 'remote';
  readonly parentId: string;
  /** With a bid TTL (§7.7): when its bid expires unless refreshed, and the one pending expiry check. */
  bidExpiresAt: number;
  expiry: ScheduledTask | null;
}

export type Matcher = Auctioneer | Concentrator;
export type Agent = Concentrator | LocalAgent | RemoteAgent;

export function createAuctioneer(options: AuctioneerOptions): Auctioneer {
  const firstRound = options.firstRound ?? 1;
  if (!Number.isInteger(firstRound) || firstRound < 1) {
    throw new PowerMatcherError('INVALID_CONFIGURATION', 'firstRound must be a positive integer');
  }
  const id = options.id ?? DEFAULT_AUCTIONEER_ID;
  const clusterId = options.clusterId ?? DEFAULT_CLUSTER_ID;
  if (id.length === 0 || clusterId.length === 0) {
    throw new PowerMatcherError('INVALID_CONFIGURATION', 'The auctioneer and cluster ids are required');
  }
  const basis = marketBasis(options.marketBasis ?? DEFAULT_MARKET_BASIS);
  return {
    kind: 'auctioneer',
    id,
    clusterId,
    marketBasis: basis,
    minTime: checkDurationMs(options.minTimeBetweenPriceUpdates, 'minTimeBetweenPriceUpdates'),
    children: new Map(),
    cache: new BidCache(basis.priceSteps, false),
    coolingOffEnds: 0,
    scheduled: null,
    runs: 0,
    nextRound: firstRound,
  };
}

export function createConcentrator(options: ConcentratorOptions): Concentrator {
  if (typeof options.id !== 'string' || options.id.length === 0) {
    throw new PowerMatcherError('INVALID_PARAMETER', 'An agent id is required');
  }
  return {
    kind: 'concentrator',
    id: options.id,
    parentId: options.parentId,
    minTime: checkDurationMs(options.minTimeBetweenBidUpdates, 'minTimeBetweenBidUpdates'),
    children: new Map(),
    cache: null,
    coolingOffEnds: 0,
    scheduled: null,
    runs: 0,
    session: null,
    lastBid: null,
    lastPrice: null,
    history: new BidHistory(),
    peakShaving:
      options.kind === 'peakShaving'
        ? { limits: flowLimits(options.floor, options.ceiling), measuredFlow: NaN, allocatedFlow: NaN }
        : null,
  };
}

/** The cluster id and basis a matcher hands its children, or null while it is not connected. */
export function matcherCluster(
  matcher: Matcher,
): { readonly clusterId: string; readonly marketBasis: MarketBasis } | null {
  return matcher.kind === 'auctioneer' ? matcher : matcher.session;
}
