// Units, errors and the rounding rule (§1, §7)
export { P2PError, type P2PErrorCode } from './errors';
export {
  kwhToWh,
  parseScaledDecimal,
  pricePerKwhToPerMWh,
  requireSafeInteger,
  thousandthsToDecimal,
  toSafeNumber,
  wholeChunks,
} from './units/units';
export { type CarryStep, floorWithCarry, largestRemainder } from './units/rounding';
export { type ExactPrice, exactPrice, formatExactPrice } from './units/exact-price';
export { compareIds } from './units/id-order';
export { canonicalJson } from './units/canonical-json';

// Identifiers and channels (§1, §2)
export {
  REGISTRATION_ID,
  SIDE_KEY,
  STREAM_KEY,
  sameSideKeyHash,
  sideKeyHash,
  paymentRequestSigner,
  signPaymentRequest,
  streamBinding,
  type StreamBinding,
  type StreamRegistration,
  verificationKey,
  verifyPaymentRequest,
} from './channels/channel';
export {
  type ActivePeriod,
  activeAt,
  activeWithin,
  type ChannelCommand,
  type ChannelOutcome,
  type Registration,
  Registry,
} from './channels/registration';

// Time and intervals (§4)
export {
  boundsOf,
  type Bounds,
  checkIntervalMs,
  gateClosureForWindows,
  type IntervalShare,
  intervalStartOf,
  isDue,
  isFinalAt,
  latestDueIntervalStart,
  readSpan,
  type RejectionReason,
  shareIn,
  type Span,
  type SpanLimits,
  spanRejection,
  splitSpan,
  toWireSpan,
  type WireSpan,
} from './time/interval';
export { DueIntervals } from './time/due-intervals';
export {
  initialMeterWindowState,
  type MeterWindowOptions,
  type MeterWindowState,
  meterWindows,
} from './time/meter-windows';

// Ingestion (§3.1, §5)
export { type Quality, worseQuality } from './ingestion/quality';
export {
  type BoundIngestion,
  changedSpan,
  decideIngestion,
  type IngestionOutcome,
  type KeyHistory,
  type OutputDetail,
  type StoredRevision,
  StreamBook,
  type StreamRecord,
  type StreamView,
} from './ingestion/ingestion';
export {
  commandFitsRole,
  type MeterReadingValue,
  type ReadingContext,
  type ReadingIntake,
  readMeterReading,
  type StreamRole,
} from './ingestion/meter-reading';

// Producer aggregation (§3.2, §6)
export {
  aggregateOutput,
  type AggregationInput,
  type MemberStatus,
  type OutputAggregate,
  type SourceContribution,
} from './aggregation/aggregation';
export {
  producerIntervalData,
  type ProducerIntervalData,
  streamIntervalData,
  type StreamIntervalData,
} from './aggregation/interval-data';
export {
  type OutputPublication,
  planProducerOutput,
  type ProducerOffer,
  producerOutputRecord,
  type ProducerOutputIn,
  type ProducerOutputValue,
  type PublishedOutput,
  readProducerOutput,
} from './aggregation/producer-output';
export { Producer, type ProducerOptions } from './aggregation/producer';

// Pricing (§8)
export {
  consensusPrice,
  type ConsensusPrice,
  type GridFee,
  hasFixedConsumerPrice,
  type IntervalPrices,
  intervalPrices,
  type PricedOutput,
  PRICING_RULE_IDS,
  pricingRule,
  type PricingRule,
  type PricingRuleId,
} from './pricing/pricing';

// Settlement and ledger (§9, §10)
export {
  finaliseInterval,
  type IntervalSettlement,
  type IntervalSettlementState,
  inputsHash,
  type MemberPosition,
  type SettlementAdjustmentRecord,
  type SettlementFinalisedRecord,
  type SettlementInput,
  type SettlementInputSources,
  type SettlementIntervalRecord,
  type SettlementLine,
  type SettlementRecord,
  type SettlementRunContext,
  type SettlementTerms,
  settlementTerms,
  type SettlementTotals,
  settleInterval,
  settlementInputs,
} from './settlement/settlement';
export {
  type ConsumerAccount,
  type ConsumerBalances,
  consumerBalances,
  type EntryDraft,
  type EntryKind,
  Ledger,
  type LedgerEntry,
  type LedgerEntryJson,
  ledgerEntryJson,
  type MemberAccount,
  type MemberBalances,
  newAccount,
  outstanding,
  type ProducerAccount,
  type ProducerBalances,
  producerBalances,
  payoutPending,
  type Role,
  unrequested,
} from './settlement/ledger';
export { issuePaymentRequest, type PaymentRequestValue, type RequestTerms } from './settlement/payment-request';
export {
  type PaymentEvent,
  type PaymentSentValue,
  type PayoutConfirmedValue,
  type PayoutSentValue,
  type Transfer,
} from './settlement/payment-records';
export {
  type OpenRequest,
  type Payment,
  type PaymentOutcome,
  PaymentsLedger,
  type PaymentsTerms,
  REQUEST_STATUSES,
  type RequestStatus,
  requestStatus,
} from './settlement/payments';
export {
  type AccruedPosition,
  accruedPayouts,
  EMPTY_POOL,
  type Payout,
  payoutSentValue,
  type PoolProducer,
  poolPayoutStep,
  type PoolState,
  type PoolTerms,
} from './settlement/payouts';
export { newWallet, type WalletState, walletStep } from './settlement/wallet';
export {
  Grid,
  type GridBalances,
  type GridOpening,
  type GridOptions,
  type SettlementPublication,
  type SettlementRunResult,
} from './settlement/grid';

// Storage paging (§13.4)
export {
  type Page,
  pageOf,
  type Paging,
  type PagingQuery,
  type PagingResult,
  parsePaging,
  type QueryValue,
} from './paging/paging';

// Configuration and profiles (§16)
export {
  type Allocation,
  type BilledEnergy,
  CONFIG_VARIABLES,
  configFromSettings,
  configuredRule,
  lagWarning,
  type P2PConfig,
  type P2PSettings,
  PROFILE_DEFAULTS,
  resolveConfig,
  validateConfig,
} from './config/config';
export { type Profile } from './config/profile';
