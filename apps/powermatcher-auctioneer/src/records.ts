import type { AggregatedBid, BidAccepted, PriceUpdate } from '@flexgrid/contracts';
import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import type {
  AggregatedEffect,
  BidAcceptedEffect,
  BidEffect,
  MarketBasis,
  PricePoint,
  RoundEffect,
} from '@flexgrid/protocol-powermatcher';

/*
 * The Kafka records of SPEC §8.1 (PM-SVC-1), built from the lib's effects and type-checked against the
 * contracts. Times are the effects' model times (the service's real clock), as RFC 3339.
 */

export const BIDS_TOPIC = 'powermatcher.bids';
export const PRICES_TOPIC = 'powermatcher.prices';

function basisOf(basis: MarketBasis): BidAccepted['marketBasis'] {
  return {
    commodity: basis.commodity,
    currency: basis.currency,
    priceSteps: basis.priceSteps,
    minimumPrice: basis.minimumPrice,
    maximumPrice: basis.maximumPrice,
  };
}

/** `powermatcher.bid.accepted`, keyed by the sending agent. */
export function bidAcceptedRecord(
  clusterId: string,
  basis: MarketBasis,
  effect: BidAcceptedEffect,
  pricePoints?: readonly PricePoint[],
): OutgoingEvent<BidAccepted> {
  const data = {
    clusterId,
    agentId: effect.agentId,
    parentId: effect.parentId,
    sessionId: effect.sessionId,
    bidNumber: effect.bidNumber,
    marketBasis: basisOf(basis),
    demand: [...effect.demand],
    ...(pricePoints ? { pricePoints: pricePoints.map((p) => ({ price: p.price, demand: p.demand })) } : {}),
    receivedAt: new Date(effect.t).toISOString(),
  } satisfies BidAccepted;
  return {
    type: 'powermatcher.bid.accepted',
    key: effect.agentId,
    id: `${effect.sessionId}:${effect.bidNumber}:${effect.t}`,
    time: new Date(effect.t),
    data,
  };
}

/**
 * `powermatcher.bid.aggregated`, keyed by the matcher: the run's aggregate and the references of that run,
 * serialised from the app's live map; a concentrator's sent bid when it was not suppressed.
 */
export function bidAggregatedRecord(
  clusterId: string,
  effect: AggregatedEffect,
  references: ReadonlyMap<string, number>,
  sent: BidEffect | undefined,
): OutgoingEvent<AggregatedBid> {
  const data = {
    clusterId,
    matcherId: effect.matcherId,
    run: effect.run,
    demand: [...effect.demand],
    agentBidReferences: Object.fromEntries(references),
    ...(sent ? { sentBidNumber: sent.bidNumber, sentDemand: [...sent.demand] } : {}),
    at: new Date(effect.t).toISOString(),
  } satisfies AggregatedBid;
  return {
    type: 'powermatcher.bid.aggregated',
    key: effect.matcherId,
    id: `${clusterId}:${effect.matcherId}:${effect.run}:${effect.t}`,
    time: new Date(effect.t),
    data,
  };
}

/** `powermatcher.price.published`, keyed by the cluster; its id `<clusterId>:<round>` is the natural key. */
export function pricePublishedRecord(
  basis: MarketBasis,
  effect: RoundEffect,
  references: ReadonlyMap<string, number>,
): OutgoingEvent<PriceUpdate> {
  const data = {
    clusterId: effect.clusterId,
    round: effect.round,
    price: effect.price,
    priceIndex: effect.priceIndex,
    marketBasis: basisOf(basis),
    bidNumbers: Object.fromEntries(references),
    at: new Date(effect.t).toISOString(),
  } satisfies PriceUpdate;
  return {
    type: 'powermatcher.price.published',
    key: effect.clusterId,
    id: `${effect.clusterId}:${effect.round}`,
    time: new Date(effect.t),
    data,
  };
}
