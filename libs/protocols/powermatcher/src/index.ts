// Market basis, price grid and prices (SPEC §2)
export { PowerMatcherError, isPowerMatcherError, type PowerMatcherErrorCode } from './errors';
export { formatJavaDouble } from './java-double';
export {
  type MarketBasis,
  marketBasis,
  marketBasisEquals,
  DEFAULT_MARKET_BASIS,
  DEFAULT_CLUSTER_ID,
  DEFAULT_AUCTIONEER_ID,
} from './market-basis';
export { type Price, priceIncrement, priceOf, priceStep, priceIndex, fromPriceStep, checkPrice } from './price-grid';

// Bids (§3)
export {
  type Bid,
  type DemandScope,
  MAX_ABS_DEMAND,
  checkDemand,
  bid,
  flatBid,
  bidEquals,
  maximumDemand,
  minimumDemand,
  aggregate,
  subtract,
  transpose,
  demandAt,
  interpolatedDemandAt,
} from './bid';
export { MIN_BID_NUMBER, MAX_BID_NUMBER, isBidNumber, nextBidNumber } from './bid-number';
export { DemandArrayBuilder } from './demand-builder';
export { type PricePoint, MAX_PRICE_POINTS, comparePricePoints, pointBid, pointBidDemand } from './point-bid';

// Equilibrium (§4) and aggregation (§5)
export { DEMAND_TOLERANCE, intersection } from './equilibrium';
export { DemandAggregate } from './aggregation/demand-aggregate';

// Cluster model (§6)
export { ClusterModel, type IncomingBid, type AgentStatus, type MatcherStatus } from './cluster/model';
export type { LastBid, LastPrice } from './cluster/nodes';
export {
  DEFAULT_MIN_TIME_MS,
  type AuctioneerOptions,
  type ConcentratorOptions,
  type ClusterModelOptions,
} from './cluster/configuration';
export type {
  Effect,
  ClusterInfoEffect,
  BidAcceptedEffect,
  BidEffect,
  AggregatedEffect,
  BidReferenceChange,
  RoundEffect,
  PriceEffect,
  DisconnectEffect,
  ErrorEffect,
} from './cluster/effects';
export { BID_HISTORY_SIZE } from './cluster/bid-history';
export {
  type FlowLimits,
  DEFAULT_FLOW_LIMITS,
  flowLimits,
  clipToFlowLimits,
  peakShavingBid,
  peakShavingPrice,
} from './cluster/peak-shaving';
export {
  type ObjectiveSettings,
  type OperatorObjective,
  type ObjectiveEvent,
  type ObjectiveSignal,
  type ObjectiveInterval,
  type ObjectiveStatus,
  DEFAULT_OBJECTIVE_SETTINGS,
  objectiveSettings,
  operatorObjectiveDemand,
  evaluateObjective,
} from './cluster/objective';

// Wire protocol (§7)
export {
  type PowerMatcherMessage,
  type PayloadType,
  type UnknownMessage,
  type ClusterInfoPayload,
  type BidPayload,
  type PriceUpdatePayload,
  type ErrorPayload,
  encodeMessage,
  priceUpdateFrames,
  decodeMessage,
} from './wire/messages';
export {
  type InboundLimits,
  type InboundConnection,
  type AcceptedBid,
  type FrameOutcome,
  DEFAULT_INBOUND_LIMITS,
  openInboundConnection,
  clusterInfoSent,
  checkInboundFrame,
  recordErrorSent,
} from './wire/inbound';
export {
  type Dialect,
  type AgentAuth,
  type HandshakeRequest,
  type HandshakeContext,
  type HandshakeOutcome,
  type HandshakeRefusal,
  AGENT_ENDPOINTS,
  AGENT_ID_PATTERN,
  agentTokenRefusal,
  checkHandshake,
  refusalFrames,
} from './wire/handshake';
export {
  type CloseInstruction,
  HEARTBEAT_TIMEOUT,
  PARENT_DISCONNECTED,
  TOO_MANY_ERRORS,
  SEND_BUFFER_OVERFLOW,
  FRAME_TOO_LARGE,
  INVALID_UTF8,
  SHUTTING_DOWN,
  REFUSAL_CLOSE_CODES,
  CLOSE_REASON_MAX_BYTES,
  closeReason,
} from './wire/close-codes';
