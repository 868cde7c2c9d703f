import { DAY_MS, defineTopic } from '../topic';

/*
 * PowerMatcher auctioneer records, ../shared/powermatcher/SPEC.md §8.1 (PM-SVC-1), with the market basis of §2
 * and bids of §3. Demands are watts (positive = consumption), prices are in the market basis' unit, both IEEE
 * doubles. The spec does not fix the time format of `receivedAt`/`at`: ISO 8601 date-time strings, as the
 * service's REST API (§8.3) speaks RFC 3339.
 */

const dateTime = { type: 'string', format: 'date-time' } as const;
/** §6.1: service id syntax for agents, matchers and clusters. */
const pmId = { type: 'string', pattern: '^[A-Za-z0-9._~:@-]{1,128}$' } as const;
/** §10: bid numbers are int32. */
const bidNumber = { type: 'integer', minimum: -2147483648, maximum: 2147483647 } as const;
/** §3.1 row 3: |demand| ≤ 1e12 W for bids entering the cluster. */
const boundedDemand = { type: 'number', minimum: -1e12, maximum: 1e12 } as const;
/** `agentId → bidNumber`: the references of one run (§5.2, §8.1). */
const bidReferences = { type: 'object', propertyNames: pmId, additionalProperties: bidNumber } as const;

/** §2.1 (PM-MB-1): priceSteps ≥ 2 (ours) and ≤ 10 000 (service cap); maximumPrice > minimumPrice is checked by the lib. */
export const marketBasisSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['commodity', 'currency', 'priceSteps', 'minimumPrice', 'maximumPrice'],
  properties: {
    commodity: { type: 'string', minLength: 1 },
    currency: { type: 'string', minLength: 1 },
    priceSteps: { type: 'integer', minimum: 2, maximum: 10000 },
    minimumPrice: { type: 'number' },
    maximumPrice: { type: 'number' },
  },
} as const;

/** A bid accepted by a matcher (§6.4); `demand` is the array, also when the agent sent price points (§3.2). */
export const bidAcceptedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusterId', 'agentId', 'parentId', 'sessionId', 'bidNumber', 'marketBasis', 'demand', 'receivedAt'],
  properties: {
    clusterId: pmId,
    agentId: pmId,
    /** The matcher that accepted the bid. */
    parentId: pmId,
    sessionId: { type: 'string', minLength: 1 },
    bidNumber,
    marketBasis: marketBasisSchema,
    /** One value per price step, non-increasing (the lib checks length and order). */
    demand: { type: 'array', minItems: 2, maxItems: 10000, items: boundedDemand },
    /** The agent's point bid as sent, when it bid with points (§3.2, §7.3). */
    pricePoints: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['price', 'demand'],
        properties: { price: { type: 'number' }, demand: boundedDemand },
      },
    },
    receivedAt: dateTime,
  },
} as const;

/**
 * One run of a matcher (§5, §6.7): its aggregate and the child bids it contains. Aggregates are sums, so the
 * 1e12 bound of entering bids does not apply (§3.1). `sentBidNumber`/`sentDemand` are a concentrator's bid of
 * that run, absent when suppressed and for the auctioneer.
 */
export const bidAggregatedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusterId', 'matcherId', 'run', 'demand', 'agentBidReferences', 'at'],
  properties: {
    clusterId: pmId,
    matcherId: pmId,
    /** Counts the matcher's runs from 1. */
    run: { type: 'integer', minimum: 1 },
    demand: { type: 'array', minItems: 2, maxItems: 10000, items: { type: 'number' } },
    agentBidReferences: bidReferences,
    sentBidNumber: bidNumber,
    sentDemand: { type: 'array', minItems: 2, maxItems: 10000, items: { type: 'number' } },
    at: dateTime,
  },
} as const;

export const powermatcherBids = defineTopic({
  name: 'powermatcher.bids',
  key: 'agentId',
  keyByEventType: { 'powermatcher.bid.aggregated': 'matcherId' },
  description: 'Every bid a matcher accepted and every aggregated bid of a matcher run.',
  producers: ['powermatcher-auctioneer'],
  consumers: [],
  // Soft state (§8.1: agents re-send bids, records are published without the outbox): the most voluminous
  // PowerMatcher stream, so more partitions and a short retention.
  config: { partitions: 6, retentionMs: DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'powermatcher.bid.accepted': bidAcceptedSchema,
    'powermatcher.bid.aggregated': bidAggregatedSchema,
  },
});

/** §6.6: a price round of the auctioneer; `bidNumbers` are the references of that run. */
export const pricePublishedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusterId', 'round', 'price', 'priceIndex', 'marketBasis', 'bidNumbers', 'at'],
  properties: {
    clusterId: pmId,
    /** Cluster-wide, increasing, persisted. */
    round: { type: 'integer', minimum: 1 },
    /** The equilibrium price, within the market basis (§4). */
    price: { type: 'number' },
    /** priceIndex(price), 0 … priceSteps − 1. */
    priceIndex: { type: 'integer', minimum: 0, maximum: 9999 },
    marketBasis: marketBasisSchema,
    bidNumbers: bidReferences,
    at: dateTime,
  },
} as const;

export const powermatcherPrices = defineTopic({
  name: 'powermatcher.prices',
  key: 'clusterId',
  description: 'Every price the auctioneer published: round, price, price index and the bid numbers it answers.',
  producers: ['powermatcher-auctioneer'],
  consumers: [],
  config: { partitions: 3, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'powermatcher.price.published': pricePublishedSchema,
  },
});
