import { P2PError } from '../errors';
import { type Bounds, checkIntervalMs, type SpanLimits } from '../time/interval';
import {
  type GridFee,
  hasFixedConsumerPrice,
  PRICING_RULE_IDS,
  pricingRule,
  type PricingRule,
  type PricingRuleId,
} from '../pricing/pricing';
import { type Profile } from './profile';
import { pricePerKwhToPerMWh } from '../units/units';

export type BilledEnergy = 'matched' | 'usage';
export type Allocation = 'per-interval' | 'all-time-share';

/** §16: every constant of the rules, with its profile default. Prices are per MWh, money in minor units. */
export interface P2PConfig extends Required<SpanLimits> {
  profile: Profile;
  intervalMs: number;
  wireBounds: Bounds;
  producerGateClosureMs: number;
  gridGateClosureMs: number;
  finalAfterMs: number;
  aggregateEveryMs: number;
  settleEveryMs: number;
  pricingRule: PricingRuleId;
  /** The community tariff; `poc-fixed@1` uses its own prices (§16). */
  consumerPricePerMWh: number;
  /** The producer's ask, in every profile. */
  producerPricePerMWh: number;
  gridFee: GridFee;
  billedEnergy: BilledEnergy;
  billingUnitWh: number;
  allocation: Allocation;
  /** `all-time-share` only: the grid's share of confirmed receipts. */
  poolGridShareBps: number;
  payoutChunk: number;
  payoutThrottleMs: number;
  requestMinAmount: number;
  /** `per-interval` only: the smallest accrued payout sent. */
  payoutMinAmount: number;
  currency: string;
  currencyDigits: number;
  walletPaymentChunk: number;
  /** Simulators: `poc` resets an idle meter clock (P2P-T10); null = never. */
  idleResetMs: number | null;
  storageAllowUnsecured: boolean;
}

const SHARED_LIMITS: Required<SpanLimits> = {
  minTimestampMs: 946_684_800_000,
  maxFutureMs: 300_000,
  maxLateMs: 400 * 86_400_000,
  maxSpanMs: 86_400_000,
  // 10 GWh: a day of a 400 MW plant, far past any community member, and a million such records still sum safely.
  maxRecordWh: 10_000_000_000,
};

/** The §16 table. */
export const PROFILE_DEFAULTS: Readonly<Record<Profile, P2PConfig>> = {
  community: {
    profile: 'community',
    intervalMs: 900_000,
    wireBounds: 'half-open',
    producerGateClosureMs: 300_000,
    gridGateClosureMs: 600_000,
    finalAfterMs: 172_800_000,
    aggregateEveryMs: 60_000,
    settleEveryMs: 60_000,
    pricingRule: 'community-fixed@1',
    consumerPricePerMWh: 25_000,
    producerPricePerMWh: 20_000,
    gridFee: { kind: 'perKwh', perMWh: 5_000 },
    billedEnergy: 'matched',
    billingUnitWh: 1,
    allocation: 'per-interval',
    poolGridShareBps: 2_000,
    payoutChunk: 1,
    payoutThrottleMs: 0,
    requestMinAmount: 100,
    payoutMinAmount: 100,
    currency: 'EUR',
    currencyDigits: 2,
    walletPaymentChunk: 1,
    idleResetMs: null,
    storageAllowUnsecured: false,
    ...SHARED_LIMITS,
  },
  poc: {
    profile: 'poc',
    intervalMs: 30_000,
    wireBounds: 'inclusive',
    producerGateClosureMs: 120_000,
    gridGateClosureMs: 210_000,
    finalAfterMs: 0,
    aggregateEveryMs: 60_000,
    settleEveryMs: 15_000,
    pricingRule: 'poc-fixed@1',
    consumerPricePerMWh: 5_000,
    producerPricePerMWh: 4_000,
    // Fixed by `poc-fixed@1` (5 = 4 + 1); kept for a rule override.
    gridFee: { kind: 'perKwh', perMWh: 1_000 },
    billedEnergy: 'usage',
    billingUnitWh: 1_000,
    allocation: 'all-time-share',
    poolGridShareBps: 2_000,
    payoutChunk: 40,
    payoutThrottleMs: 10_000,
    requestMinAmount: 1,
    // Unused: the pool pays in chunks.
    payoutMinAmount: 100,
    currency: 'IOTA',
    currencyDigits: 0,
    walletPaymentChunk: 25,
    idleResetMs: 150_000,
    storageAllowUnsecured: true,
    ...SHARED_LIMITS,
  },
};

function integerIn(problems: string[], name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(
      `${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '…' : max}], got ${String(value)}.`,
    );
  }
}

/** Every rule §16 and §4/§8 put on a configuration, as messages; empty when valid. */
function configProblems(config: P2PConfig): string[] {
  const problems: string[] = [];
  const interval = checkIntervalMs(config.intervalMs);
  if (interval) problems.push(`${CONFIG_VARIABLES.intervalMs}: ${interval}`);
  for (const name of [
    'producerGateClosureMs',
    'gridGateClosureMs',
    'finalAfterMs',
    'payoutThrottleMs',
    'minTimestampMs',
    'maxFutureMs',
    'maxLateMs',
  ] as const) {
    integerIn(problems, name, config[name], 0);
  }
  for (const name of [
    'aggregateEveryMs',
    'settleEveryMs',
    'maxSpanMs',
    'maxRecordWh',
    'billingUnitWh',
    'payoutChunk',
    'requestMinAmount',
    'payoutMinAmount',
    'walletPaymentChunk',
  ] as const) {
    integerIn(problems, name, config[name], 1);
  }
  integerIn(problems, 'consumerPricePerMWh', config.consumerPricePerMWh, 0);
  integerIn(problems, 'producerPricePerMWh', config.producerPricePerMWh, 0);
  integerIn(problems, 'poolGridShareBps', config.poolGridShareBps, 0, 9_999);
  integerIn(problems, 'currencyDigits', config.currencyDigits, 0, 18);
  if (config.idleResetMs !== null) integerIn(problems, 'idleResetMs', config.idleResetMs, 1);
  if (!/^[A-Za-z0-9]{1,16}$/.test(config.currency))
    problems.push(`currency must be 1–16 letters or digits, got '${config.currency}'.`);
  const fee = config.gridFee;
  if (fee.kind === 'perKwh') integerIn(problems, 'gridFee per MWh', fee.perMWh, 0);
  else integerIn(problems, 'gridFee bps', fee.bps, 0, 9_999);
  if (!PRICING_RULE_IDS.includes(config.pricingRule)) {
    problems.push(`pricingRule must be one of ${PRICING_RULE_IDS.join(', ')}, got '${String(config.pricingRule)}'.`);
    return problems;
  }
  const rule = configuredRule(config);
  if (rule.name === 'community-fixed' && fee.kind === 'perKwh' && fee.perMWh > config.consumerPricePerMWh) {
    problems.push(
      'community-fixed@1: the grid fee per kWh exceeds the consumer price, so the producer price would be negative.',
    );
  }
  if (!hasFixedConsumerPrice(rule)) {
    // P2P-PR2: a derived price exists only where producers sold, so only matched energy can be billed at it.
    if (config.billedEnergy !== 'matched')
      problems.push(
        `${rule.name}@${rule.version} derives the consumer price, so it needs billedEnergy 'matched' (P2P-PR2).`,
      );
    if (config.billingUnitWh !== 1)
      problems.push(
        `billingUnitWh ${config.billingUnitWh} needs a fixed consumer price; ${rule.name}@${rule.version} derives it (P2P-PR2).`,
      );
  }
  return problems;
}

function invalidConfig(problems: string[]): P2PError {
  return new P2PError('INVALID_CONFIG', `Invalid P2P configuration:\n- ${problems.join('\n- ')}`);
}

/** The configured pricing rule with its parameters, as settlements record it. */
export function configuredRule(config: P2PConfig): PricingRule {
  return pricingRule(config.pricingRule, { consumerPricePerMWh: config.consumerPricePerMWh, fee: config.gridFee });
}

/** A profile's defaults with overrides (dev host, tests), validated. */
export function resolveConfig(profile: Profile, overrides: Partial<Omit<P2PConfig, 'profile'>> = {}): P2PConfig {
  return validateConfig({ ...PROFILE_DEFAULTS[profile], ...overrides, profile });
}

/** Fails with every problem at once, as a service start should (§16). */
export function validateConfig(config: P2PConfig): P2PConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw invalidConfig(problems);
  return config;
}

/**
 * P2P-T7 "SHOULD": the grid's lag exceeds the producer's lag plus its aggregation period, else output arrives as
 * late data. A warning for the dev host, not an error.
 */
export function lagWarning(config: P2PConfig): string | null {
  const needed = config.producerGateClosureMs + config.aggregateEveryMs;
  return config.gridGateClosureMs > needed
    ? null
    : `grid gate closure ${config.gridGateClosureMs} ms should exceed producer gate closure + aggregation period (${needed} ms); producer output will arrive as late data.`;
}

/**
 * §16 as an operator writes it, every setting optional (its profile default applies): prices per kWh as decimal
 * text, so they are read exactly (P2P-U1); the grid fee as its kind and amount; `none` turns the idle reset off.
 * An app reads these from `CONFIG_VARIABLES` with the platform's config reader and passes them to
 * `configFromSettings`; the lib itself never reads the environment.
 */
export type P2PSettings = Partial<
  Omit<P2PConfig, 'consumerPricePerMWh' | 'producerPricePerMWh' | 'gridFee' | 'idleResetMs'>
> & {
  consumerPricePerKwh?: string;
  producerPricePerKwh?: string;
  gridFeeKind?: GridFee['kind'];
  gridFeePerKwh?: string;
  gridFeeBps?: number;
  idleResetMs?: number | 'none';
};

/** §16's `P2P_<NAME>` variable of each setting. */
export const CONFIG_VARIABLES = {
  profile: 'P2P_PROFILE',
  intervalMs: 'P2P_INTERVAL_MS',
  wireBounds: 'P2P_WIRE_BOUNDS',
  producerGateClosureMs: 'P2P_PRODUCER_GATE_CLOSURE_MS',
  gridGateClosureMs: 'P2P_GRID_GATE_CLOSURE_MS',
  finalAfterMs: 'P2P_FINAL_AFTER_MS',
  aggregateEveryMs: 'P2P_AGGREGATE_EVERY_MS',
  settleEveryMs: 'P2P_SETTLE_EVERY_MS',
  pricingRule: 'P2P_PRICING_RULE',
  consumerPricePerKwh: 'P2P_CONSUMER_PRICE_PER_KWH',
  producerPricePerKwh: 'P2P_PRODUCER_PRICE_PER_KWH',
  gridFeeKind: 'P2P_GRID_FEE_KIND',
  gridFeePerKwh: 'P2P_GRID_FEE_PER_KWH',
  gridFeeBps: 'P2P_GRID_FEE_BPS',
  billedEnergy: 'P2P_BILLED_ENERGY',
  billingUnitWh: 'P2P_BILLING_UNIT_WH',
  allocation: 'P2P_ALLOCATION',
  poolGridShareBps: 'P2P_POOL_GRID_SHARE_BPS',
  payoutChunk: 'P2P_PAYOUT_CHUNK',
  payoutThrottleMs: 'P2P_PAYOUT_THROTTLE_MS',
  requestMinAmount: 'P2P_REQUEST_MIN_AMOUNT',
  payoutMinAmount: 'P2P_PAYOUT_MIN_AMOUNT',
  currency: 'P2P_CURRENCY',
  currencyDigits: 'P2P_CURRENCY_DIGITS',
  walletPaymentChunk: 'P2P_WALLET_PAYMENT_CHUNK',
  idleResetMs: 'P2P_IDLE_RESET_MS',
  storageAllowUnsecured: 'P2P_STORAGE_ALLOW_UNSECURED',
  minTimestampMs: 'P2P_MIN_TIMESTAMP_MS',
  maxFutureMs: 'P2P_MAX_FUTURE_MS',
  maxLateMs: 'P2P_MAX_LATE_MS',
  maxSpanMs: 'P2P_MAX_SPAN_MS',
  maxRecordWh: 'P2P_MAX_RECORD_WH',
} as const satisfies Record<keyof P2PSettings, `P2P_${string}`>;

/**
 * §16: the profile's defaults, overridden by the settings given, validated. Throws one `P2PError`
 * (`INVALID_CONFIG`) listing every problem; a price that is not exact names its variable.
 */
export function configFromSettings(settings: P2PSettings): P2PConfig {
  const {
    consumerPricePerKwh,
    producerPricePerKwh,
    gridFeeKind,
    gridFeePerKwh,
    gridFeeBps,
    idleResetMs,
    ...sameAsConfig
  } = settings;
  const problems: string[] = [];
  const profile = settings.profile ?? 'community';
  const defaults = PROFILE_DEFAULTS[profile];
  const perMWh = (
    key: 'consumerPricePerKwh' | 'producerPricePerKwh' | 'gridFeePerKwh',
    perKwh: string | undefined,
    fallback: number,
  ): number => {
    if (perKwh === undefined) return fallback;
    try {
      return pricePerKwhToPerMWh(perKwh, CONFIG_VARIABLES[key]);
    } catch (error) {
      if (!(error instanceof P2PError)) throw error;
      problems.push(error.message);
      return fallback;
    }
  };
  let gridFee: GridFee;
  if ((gridFeeKind ?? defaults.gridFee.kind) === 'perKwh') {
    gridFee = {
      kind: 'perKwh',
      perMWh: perMWh('gridFeePerKwh', gridFeePerKwh, defaults.gridFee.kind === 'perKwh' ? defaults.gridFee.perMWh : 0),
    };
  } else {
    const bps = gridFeeBps ?? (defaults.gridFee.kind === 'bps' ? defaults.gridFee.bps : undefined);
    if (bps === undefined)
      problems.push(`${CONFIG_VARIABLES.gridFeeBps} is required with ${CONFIG_VARIABLES.gridFeeKind}=bps.`);
    gridFee = { kind: 'bps', bps: bps ?? Number.NaN };
  }
  // A reader hands unset variables over as undefined; they must not hide the profile's defaults.
  const given = Object.fromEntries(Object.entries(sameAsConfig).filter(([, value]) => value !== undefined));
  const config: P2PConfig = {
    ...defaults,
    ...given,
    profile,
    consumerPricePerMWh: perMWh('consumerPricePerKwh', consumerPricePerKwh, defaults.consumerPricePerMWh),
    producerPricePerMWh: perMWh('producerPricePerKwh', producerPricePerKwh, defaults.producerPricePerMWh),
    gridFee,
    idleResetMs: idleResetMs === 'none' ? null : (idleResetMs ?? defaults.idleResetMs),
  };
  problems.push(...configProblems(config));
  if (problems.length > 0) throw invalidConfig(problems);
  return config;
}
