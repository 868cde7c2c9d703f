import { PowerMatcherError } from '../errors';
import type { MarketBasis } from '../market-basis';
import type { ObjectiveEvent, ObjectiveSettings } from './objective';
import { flowLimits } from './peak-shaving';

/** §6.5 and §10: the default cooling-off of the auctioneer and of concentrators, ms. */
export const DEFAULT_MIN_TIME_MS = 1000;

export interface AuctioneerOptions {
  readonly id?: string;
  readonly clusterId?: string;
  readonly marketBasis?: MarketBasis;
  /** §6.5 `minTimeBetweenPriceUpdates`, ms. */
  readonly minTimeBetweenPriceUpdates?: number;
  /** The first round number (after a restart: the stored maximum + 1). */
  readonly firstRound?: number;
}

export interface ConcentratorOptions {
  readonly id: string;
  /** The parent matcher, or null when the parent is outside the model (a concentrator of a remote cluster). */
  readonly parentId: string | null;
  /** §6.5 `minTimeBetweenBidUpdates`, ms. */
  readonly minTimeBetweenBidUpdates?: number;
  readonly kind?: 'plain' | 'peakShaving';
  /** Peak shaving (§6.8), W. */
  readonly floor?: number;
  readonly ceiling?: number;
}

export interface ClusterModelOptions {
  /** Model time for inputs, ms: the host's real clock in the service, a variable in tests. */
  readonly clock: () => number;
  /** Session ids (service: UUID v4); default `session-1`, `session-2`, … */
  readonly sessionIds?: () => string;
  /** The cluster's auctioneer; null for a model whose top concentrators have a remote parent. */
  readonly auctioneer?: AuctioneerOptions | null;
  /** Local concentrators; each parent chain must reach the auctioneer or a remote parent. */
  readonly concentrators?: readonly ConcentratorOptions[];
  /** §7.7 `PM_BID_TTL_MS`: a remote agent's bid not refreshed within this many ms is removed; 0 (default): off. */
  readonly bidTtlMs?: number;
  /** The objective agent (§6.9), a local agent of the auctioneer, with the events stored before a restart. */
  readonly objective?: Partial<ObjectiveSettings> & { readonly events?: readonly ObjectiveEvent[] };
}

/** A configured duration in ms (cooling-off, bid TTL): finite and not negative. */
export function checkDurationMs(value: number | undefined, name: string, fallback = DEFAULT_MIN_TIME_MS): number {
  const duration = value ?? fallback;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
    throw new PowerMatcherError('INVALID_CONFIGURATION', `${name} must be a non-negative number of ms`);
  }
  return duration;
}

export function duplicateAgent(id: string): PowerMatcherError {
  return new PowerMatcherError('DUPLICATE_AGENT', `An agent with id [${id}] was already connected`);
}

export function unknownParent(id: string): PowerMatcherError {
  return new PowerMatcherError('UNKNOWN_PARENT', `Desired parent [${id}] does not exist`);
}

/** Start-up check of configured components (§6.1, §8.4): unique ids, parents that exist, no cycles. */
export function checkTopology(
  auctioneerId: string | null,
  objectiveId: string | null,
  concentrators: readonly ConcentratorOptions[],
): void {
  const parents = new Map<string, string | null>();
  for (const id of [auctioneerId, objectiveId]) if (id !== null) parents.set(id, null);
  for (const concentrator of concentrators) {
    if (parents.has(concentrator.id)) throw duplicateAgent(concentrator.id);
    parents.set(concentrator.id, concentrator.parentId);
    if (concentrator.kind === 'peakShaving') flowLimits(concentrator.floor, concentrator.ceiling);
    checkDurationMs(concentrator.minTimeBetweenBidUpdates, 'minTimeBetweenBidUpdates');
  }
  const matchers = new Set(concentrators.map((c) => c.id));
  if (auctioneerId !== null) matchers.add(auctioneerId);
  for (const concentrator of concentrators) {
    if (concentrator.parentId !== null && !matchers.has(concentrator.parentId))
      throw unknownParent(concentrator.parentId);
    checkCycle(concentrator, (id) => parents.get(id));
  }
}

/** Follows the parent chain from `start`; returning to it is a cycle. An unknown parent ends the walk (pending). */
export function checkCycle(start: ConcentratorOptions, parentOf: (id: string) => string | null | undefined): void {
  const seen = new Set<string>([start.id]);
  for (let id = start.parentId; id !== null && id !== undefined; id = parentOf(id) ?? null) {
    if (seen.has(id)) throw new PowerMatcherError('INVALID_CONFIGURATION', `Cyclic parent chain at [${start.id}]`);
    seen.add(id);
  }
}
