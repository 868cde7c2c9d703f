import { DAY_MS, defineTopic } from '../topic';

/*
 * P2P energy records, ../shared/p2p/SPEC.md §3 (P2P-K). Units per §1: times are integer epoch ms, energy integer
 * Wh, money integer minor units, prices integer per MWh (or per kWh numbers on the wire where the spec says so).
 *
 * Open objects: P2P §3 says "readers ignore unknown fields", so a P2P record with an extra field must reach its
 * reader, not the dead-letter topic. P2P schemas therefore list and type every field of the spec (required ones
 * required) but do not set `additionalProperties: false`.
 */

/** P2P-U3: registration ids, gridId and producerId (a consumerId is a consumer's registration id). */
export const registrationIdSchema = { type: 'string', pattern: '^[A-Za-z0-9._~-]{8,128}$' } as const;
/** P2P-U3: stream keys (`root`, `meterId`, `producerId`): 1-200 printable ASCII characters without space. */
export const streamKeySchema = { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$' } as const;
/** P2P-CH1 sideKeyHash and P2P-CH5 verification key: 43 base64url characters without padding. */
export const base64Url43Schema = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
const epochMs = { type: 'integer', minimum: 0 } as const;
const quality = { type: 'string', enum: ['measured', 'replaced', 'estimated'] } as const;
const profile = { type: 'string', enum: ['community', 'poc'] } as const;
/** The configured currency: `EUR` (2 digits) in `community`, `IOTA` (0 digits) in `poc`; not only ISO 4217. */
const currency = { type: 'string', minLength: 1, maxLength: 16 } as const;
/** Money in minor units. */
const amount = { type: 'integer', minimum: 1 } as const;
const address = { type: 'string', minLength: 1, maxLength: 256 } as const;

// ---- p2p.producer-output (key producerId), §3.2 -------------------------------------------------------------

export const producerChannelHelloSchema = {
  type: 'object',
  required: ['command', 'producerId', 'sideKeyHash', 'sentAt'],
  properties: {
    command: { const: 'hello' },
    producerId: registrationIdSchema,
    sideKeyHash: base64Url43Schema,
    sentAt: epochMs,
  },
} as const;

export const producerChannelGoodbyeSchema = {
  type: 'object',
  required: ['command', 'producerId', 'sentAt'],
  properties: {
    command: { const: 'goodbye' },
    producerId: registrationIdSchema,
    sentAt: epochMs,
  },
} as const;

export const producerOutputSchema = {
  type: 'object',
  required: [
    'command',
    'producerId',
    'startTime',
    'endTime',
    'bounds',
    'outputWh',
    'output',
    'producerPrice',
    'producerPricePerMWh',
    'paymentIdOrAddress',
    'quality',
    'complete',
    'missingSources',
    'partialSources',
    'revision',
    'publishedAt',
    'profile',
  ],
  properties: {
    command: { const: 'output' },
    producerId: registrationIdSchema,
    startTime: epochMs,
    endTime: { type: 'integer', minimum: 1 },
    /** P2P-T3: our records always carry the wire bounds they were written in. */
    bounds: { type: 'string', enum: ['half-open', 'inclusive'] },
    /** Σ of the sources' energy assigned to the interval (§6); readings are ≥ 0 Wh, so is their sum. */
    outputWh: { type: 'integer', minimum: 0 },
    /** outputWh / 1000 (kWh), blueprint compatibility only. */
    output: { type: 'number', minimum: 0 },
    /** Asking price per kWh (a rate), at most 3 fraction digits: not checked with multipleOf 0.001, which floats break. */
    producerPrice: { type: 'number', minimum: 0 },
    producerPricePerMWh: { type: 'integer', minimum: 0 },
    paymentIdOrAddress: address,
    quality,
    complete: { type: 'boolean' },
    missingSources: { type: 'array', items: registrationIdSchema },
    partialSources: { type: 'array', items: registrationIdSchema },
    revision: { type: 'integer', minimum: 0 },
    publishedAt: epochMs,
    profile,
  },
} as const;

export const p2pProducerOutput = defineTopic({
  name: 'p2p.producer-output',
  key: 'producerId',
  description: "Each producer's output per interval (integer Wh) with its asking price, and its channel hello/goodbye.",
  producers: ['p2p-producer'],
  consumers: ['p2p-grid'],
  // Settlement input like meter.readings: the grid stores what it ingests, the topic only bridges downtime.
  config: { partitions: 3, retentionMs: 30 * DAY_MS, cleanupPolicy: 'delete' },
  events: {
    'channel.hello': producerChannelHelloSchema,
    'channel.goodbye': producerChannelGoodbyeSchema,
    'producer.output': producerOutputSchema,
  },
});

// ---- p2p.payment-requests (key consumerId), §3.3 -----------------------------------------------------------

export const consumerChannelHelloSchema = {
  type: 'object',
  required: ['command', 'consumerId', 'gridId', 'verificationKey', 'sentAt'],
  properties: {
    command: { const: 'hello' },
    consumerId: registrationIdSchema,
    gridId: registrationIdSchema,
    /** P2P-CH5: the grid's Ed25519 public key, raw 32 bytes as base64url. */
    verificationKey: base64Url43Schema,
    sentAt: epochMs,
  },
} as const;

export const consumerChannelGoodbyeSchema = {
  type: 'object',
  required: ['command', 'consumerId', 'gridId', 'sentAt'],
  properties: {
    command: { const: 'goodbye' },
    consumerId: registrationIdSchema,
    gridId: registrationIdSchema,
    sentAt: epochMs,
  },
} as const;

export const paymentRequestSchema = {
  type: 'object',
  required: [
    'command',
    'requestId',
    'seq',
    'gridId',
    'consumerId',
    'owed',
    'usageWh',
    'usage',
    'outstanding',
    'currency',
    'paymentIdOrAddress',
    'entries',
    'intervals',
    'issuedAt',
  ],
  properties: {
    command: { const: 'payment-request' },
    /** `<gridId>:<consumerId>:<seq>`. */
    requestId: { type: 'string', pattern: '^[A-Za-z0-9._~-]{8,128}:[A-Za-z0-9._~-]{8,128}:[1-9][0-9]*$' },
    /** Per consumer from 1, gapless. */
    seq: { type: 'integer', minimum: 1 },
    gridId: registrationIdSchema,
    consumerId: registrationIdSchema,
    /** A delta: minor units newly settled since the previous request (P2P-L2); a request is only sent when > 0. */
    owed: amount,
    /** Billed energy of the covered entries; entries are deltas, so no sign is implied. */
    usageWh: { type: 'integer' },
    /** usageWh / 1000 (kWh). */
    usage: { type: 'number' },
    /** The consumer's balance after this request: requested − confirmed (negative = credit). */
    outstanding: { type: 'integer' },
    currency,
    paymentIdOrAddress: address,
    /** First and last ledger `seq` covered (P2P-L1). */
    entries: {
      type: 'object',
      required: ['fromSeq', 'toSeq'],
      properties: { fromSeq: { type: 'integer', minimum: 1 }, toSeq: { type: 'integer', minimum: 1 } },
    },
    /** Smallest and largest intervalStart of the covered entries, not necessarily contiguous. */
    intervals: {
      type: 'object',
      required: ['fromStart', 'toStart'],
      properties: { fromStart: epochMs, toStart: epochMs },
    },
    issuedAt: epochMs,
  },
} as const;

export const p2pPaymentRequests = defineTopic({
  name: 'p2p.payment-requests',
  key: 'consumerId',
  description:
    "The grid's return channel to each consumer: signed payment requests (owed is a delta) and hello/goodbye.",
  producers: ['p2p-grid'],
  consumers: ['p2p-wallet'],
  // Kept forever: `owed` is a delta, so a wallet needs every request it ever missed; a few records per run.
  config: { partitions: 3, retentionMs: -1, cleanupPolicy: 'delete' },
  events: {
    'channel.hello': consumerChannelHelloSchema,
    'channel.goodbye': consumerChannelGoodbyeSchema,
    'payment.request': paymentRequestSchema,
  },
});

// ---- p2p.payments (key paymentId, ce_id <paymentId>:<type>), §3.4 ------------------------------------------

const paymentProperties = {
  paymentId: { type: 'string', minLength: 1, maxLength: 256 },
  from: address,
  /** A grid's paymentIdOrAddress. */
  to: address,
  amount,
  currency,
  /** A consumerId or a requestId (P2P-L3 allocation). */
  reference: { type: 'string', minLength: 1, maxLength: 256 },
  sentAt: epochMs,
} as const;

export const paymentSentSchema = {
  type: 'object',
  required: ['paymentId', 'from', 'to', 'amount', 'currency', 'reference', 'sentAt'],
  properties: paymentProperties,
} as const;

/** `payment.sent` fields + confirmedAt: a confirmation alone implies the send. */
export const paymentConfirmedSchema = {
  type: 'object',
  required: ['paymentId', 'from', 'to', 'amount', 'currency', 'reference', 'sentAt', 'confirmedAt'],
  properties: { ...paymentProperties, confirmedAt: epochMs },
} as const;

const payoutProperties = {
  /** `<gridId>:payout:<runNo>:<producerId>`. */
  paymentId: { type: 'string', pattern: '^[A-Za-z0-9._~-]{8,128}:payout:[0-9]+:[A-Za-z0-9._~-]{8,128}$' },
  gridId: registrationIdSchema,
  producerId: registrationIdSchema,
  /** The gridId. */
  from: registrationIdSchema,
  /** The producer's paymentIdOrAddress. */
  to: address,
  /** No zero payouts (P2P-L4, L5). */
  amount,
  currency,
  /** `<gridId>:run:<runNo>`. */
  reference: { type: 'string', pattern: '^[A-Za-z0-9._~-]{8,128}:run:[0-9]+$' },
  sentAt: epochMs,
} as const;

export const payoutSentSchema = {
  type: 'object',
  required: ['paymentId', 'gridId', 'producerId', 'from', 'to', 'amount', 'currency', 'reference', 'sentAt'],
  properties: payoutProperties,
} as const;

export const payoutConfirmedSchema = {
  type: 'object',
  required: [
    'paymentId',
    'gridId',
    'producerId',
    'from',
    'to',
    'amount',
    'currency',
    'reference',
    'sentAt',
    'confirmedAt',
  ],
  properties: { ...payoutProperties, confirmedAt: epochMs },
} as const;

export const p2pPayments = defineTopic({
  name: 'p2p.payments',
  key: 'paymentId',
  description: 'Consumer payments (sent by wallets, confirmed by the rail) and producer payouts (sent by the grid).',
  producers: ['p2p-wallet', 'p2p-payment-rail', 'p2p-grid'],
  consumers: ['p2p-producer', 'p2p-grid', 'p2p-wallet', 'p2p-payment-rail'],
  // Kept forever: money movements; the grid's payments ledger and the producers' balances are built from them.
  config: { partitions: 3, retentionMs: -1, cleanupPolicy: 'delete' },
  events: {
    'payment.sent': paymentSentSchema,
    'payment.confirmed': paymentConfirmedSchema,
    'payout.sent': payoutSentSchema,
    'payout.confirmed': payoutConfirmedSchema,
  },
});

// ---- p2p.settlements (key gridId), §3.5 and P2P-S5, S8, S9 -------------------------------------------------

const role = { type: 'string', enum: ['producer', 'consumer'] } as const;
const memberStatus = { type: 'string', enum: ['present', 'partial', 'missing'] } as const;

/** P2P-S5 `inputs`: one per member, sorted by role, then id. A missing member has no data: nulls, never 0. */
const settlementInputs = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'role', 'energyWh', 'quality', 'revision', 'coverageMs', 'status', 'producerPricePerMWh'],
    properties: {
      id: registrationIdSchema,
      role,
      energyWh: { type: 'integer', minimum: 0, nullable: true },
      quality: { type: 'string', enum: ['measured', 'replaced', 'estimated', null], nullable: true },
      revision: { type: 'integer', minimum: 0, nullable: true },
      coverageMs: { type: 'integer', minimum: 0 },
      status: memberStatus,
      /** A producer's effective price; null for consumers and for producers without output. */
      producerPricePerMWh: { type: 'integer', minimum: 0, nullable: true },
    },
  },
} as const;

/** P2P-S5 `totals`. */
const settlementTotals = {
  type: 'object',
  required: ['producedWh', 'consumedWh', 'matchedWh', 'importWh', 'exportWh'],
  properties: {
    producedWh: { type: 'integer', minimum: 0 },
    consumedWh: { type: 'integer', minimum: 0 },
    matchedWh: { type: 'integer', minimum: 0 },
    importWh: { type: 'integer', minimum: 0 },
    exportWh: { type: 'integer', minimum: 0 },
  },
} as const;

/**
 * P2P-S5 `lines`: per member, the version's energy (usage or output) and matched energy (covered or sold), and
 * this record's ledger entry (billed Wh, units, amount, entryId; 0, 0, 0 and null without one). Field names are
 * those of the ledger entry (P2P-L1); the member is `id` as in `inputs`. Amounts are deltas after version 1.
 */
const settlementLines = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'role', 'status', 'energyWh', 'matchedWh', 'billedWh', 'units', 'amount', 'entryId'],
    properties: {
      id: registrationIdSchema,
      role,
      status: memberStatus,
      /** null for a missing member (P2P-S2): never 0. */
      energyWh: { type: 'integer', minimum: 0, nullable: true },
      matchedWh: { type: 'integer', minimum: 0, nullable: true },
      billedWh: { type: 'integer' },
      units: { type: 'integer' },
      amount: { type: 'integer' },
      /** `<memberId>:<seq>`, or null when this record posts no entry for the member. */
      entryId: { type: 'string', minLength: 1, nullable: true },
    },
  },
} as const;

export const settlementIntervalSchema = {
  type: 'object',
  required: [
    'gridId',
    'intervalStart',
    'intervalEnd',
    'version',
    'supersedes',
    'settledAt',
    'asOf',
    'runNo',
    'profile',
    'rule',
    'inputsHash',
    'inputs',
    'prices',
    'totals',
    'lines',
    'gridLine',
    'complete',
    'gaps',
  ],
  properties: {
    gridId: registrationIdSchema,
    intervalStart: epochMs,
    intervalEnd: { type: 'integer', minimum: 1 },
    version: { type: 'integer', minimum: 1 },
    /** The version this one replaces: null for version 1. */
    supersedes: { type: 'integer', minimum: 1, nullable: true },
    settledAt: epochMs,
    asOf: epochMs,
    runNo: { type: 'integer', minimum: 0 },
    profile,
    /** §8: a named, versioned pricing rule (`poc-fixed@1` = name `poc-fixed`, version 1) and its parameters. */
    rule: {
      type: 'object',
      required: ['name', 'version', 'params'],
      properties: {
        name: { type: 'string', enum: ['poc-fixed', 'community-fixed', 'blueprint-average', 'blueprint-weighted'] },
        version: { type: 'integer', minimum: 1 },
        params: { type: 'object' },
      },
    },
    /** Hex SHA-256 of the RFC 8785 canonical JSON of `inputs`. */
    inputsHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    inputs: settlementInputs,
    /** P2P-PR1: prices per MWh; all three null with `reason: "no-output"` when a derived rule has no price. */
    prices: {
      type: 'object',
      required: ['consumerPerMWh', 'producerPerMWh', 'producerExact'],
      properties: {
        consumerPerMWh: { type: 'integer', minimum: 0, nullable: true },
        producerPerMWh: { type: 'integer', minimum: 0, nullable: true },
        /** Exact π_p per MWh: a terminating decimal (`"15312.5"`) or the reduced fraction `"num/den"`. */
        producerExact: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+|/[1-9][0-9]*)?$', nullable: true },
        reason: { const: 'no-output' },
      },
    },
    totals: settlementTotals,
    lines: settlementLines,
    /** The balancing line (per-interval) or the accrued fee (all-time-share); a delta after version 1. */
    gridLine: { type: 'integer' },
    complete: { type: 'boolean' },
    /** Missing and partial members, sorted ids; empty iff complete. */
    gaps: { type: 'array', items: registrationIdSchema },
  },
} as const;

/** P2P-S9: a change to a final interval's inputs; delta entries as in P2P-S7. */
export const settlementAdjustmentSchema = {
  type: 'object',
  required: ['gridId', 'intervalStart', 'adjustmentNo', 'basedOn', 'reason', 'inputs', 'totals', 'lines'],
  properties: {
    gridId: registrationIdSchema,
    intervalStart: epochMs,
    adjustmentNo: { type: 'integer', minimum: 1 },
    /** The interval's latest record before this one: `v<version>` or `a<adjustmentNo>`. */
    basedOn: { type: 'string', pattern: '^[va][1-9][0-9]*$' },
    reason: { const: 'inputs-changed' },
    inputs: settlementInputs,
    totals: settlementTotals,
    lines: settlementLines,
  },
} as const;

/** P2P-S8: the interval is final at this version. */
export const settlementFinalisedSchema = {
  type: 'object',
  required: ['gridId', 'intervalStart', 'version', 'finalisedAt'],
  properties: {
    gridId: registrationIdSchema,
    intervalStart: epochMs,
    version: { type: 'integer', minimum: 1 },
    finalisedAt: epochMs,
  },
} as const;

export const p2pSettlements = defineTopic({
  name: 'p2p.settlements',
  key: 'gridId',
  description:
    'Immutable settlement records per interval: versions, adjustments after finality, and the finalised marker.',
  producers: ['p2p-grid'],
  consumers: [],
  // Kept forever: the immutable settlement history is what statements, audits and disputes go back to.
  // A version carries inputs and lines for every member: about 340 bytes each, 3.4 MB for 10,000 members.
  config: { partitions: 3, retentionMs: -1, cleanupPolicy: 'delete', maxMessageBytes: 16 * 1024 * 1024 },
  events: {
    'settlement.interval': settlementIntervalSchema,
    'settlement.adjustment': settlementAdjustmentSchema,
    'settlement.finalised': settlementFinalisedSchema,
  },
});
