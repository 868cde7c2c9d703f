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
export interface P2PConfig extends SpanLimits {
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

const SHARED_LIMITS: SpanLimits = {
  minTimestampMs: 946_684_800_000,
  maxFutureMs: 300_000,
  maxLateMs: 400 * 86_400_000,
  maxSpanMs: 86_400_000,
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
  if (interval) problems.push(interval);
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
  if (problems.length > 0)
    throw new P2PError('INVALID_CONFIG', `Invalid P2P configuration:\n- ${problems.join('\n- ')}`);
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

type Env = Readonly<Record<string, string | undefined>>;

/** The `P2P_<NAME>` variables this lib reads, each overriding its profile default. */
export const CONFIG_VARIABLES = [
  'P2P_PROFILE',
  'P2P_INTERVAL_MS',
  'P2P_WIRE_BOUNDS',
  'P2P_PRODUCER_GATE_CLOSURE_MS',
  'P2P_GRID_GATE_CLOSURE_MS',
  'P2P_FINAL_AFTER_MS',
  'P2P_AGGREGATE_EVERY_MS',
  'P2P_SETTLE_EVERY_MS',
  'P2P_PRICING_RULE',
  'P2P_CONSUMER_PRICE_PER_KWH',
  'P2P_PRODUCER_PRICE_PER_KWH',
  'P2P_GRID_FEE_KIND',
  'P2P_GRID_FEE_PER_KWH',
  'P2P_GRID_FEE_BPS',
  'P2P_BILLED_ENERGY',
  'P2P_BILLING_UNIT_WH',
  'P2P_ALLOCATION',
  'P2P_POOL_GRID_SHARE_BPS',
  'P2P_PAYOUT_CHUNK',
  'P2P_PAYOUT_THROTTLE_MS',
  'P2P_REQUEST_MIN_AMOUNT',
  'P2P_PAYOUT_MIN_AMOUNT',
  'P2P_CURRENCY',
  'P2P_CURRENCY_DIGITS',
  'P2P_WALLET_PAYMENT_CHUNK',
  'P2P_IDLE_RESET_MS',
  'P2P_STORAGE_ALLOW_UNSECURED',
  'P2P_MIN_TIMESTAMP_MS',
  'P2P_MAX_FUTURE_MS',
  'P2P_MAX_LATE_MS',
  'P2P_MAX_SPAN_MS',
] as const;

/** Reads one variable, collecting a problem instead of throwing so the caller reports them all. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  integer(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
      this.problems.push(`${name} must be an integer, got '${value}'.`);
      return fallback;
    }
    return Number(value);
  }

  pricePerKwh(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    try {
      return pricePerKwhToPerMWh(value, name);
    } catch (error) {
      this.problems.push(error instanceof Error ? error.message : String(error));
      return fallback;
    }
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got '${value}'.`);
      return fallback;
    }
    return value as T;
  }

  text(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  flag(name: string, fallback: boolean): boolean {
    return this.oneOf(name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
  }

  requiredInteger(name: string, fallback: number | undefined, why: string): number {
    if (this.raw(name) === undefined && fallback === undefined) {
      this.problems.push(`${name} is required ${why}.`);
      return Number.NaN;
    }
    return this.integer(name, fallback ?? Number.NaN);
  }

  /** `none` turns a feature off. */
  optionalInteger(name: string, fallback: number | null): number | null {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value === 'none' ? null : this.integer(name, 0);
  }
}

/**
 * §16: the profile's defaults, overridden by `P2P_<NAME>` variables, validated. Prices are given per kWh with
 * at most 3 fraction digits, as on the wire. Throws one `P2PError` listing every problem.
 */
export function configFromEnv(env: Env): P2PConfig {
  const read = new EnvReader(env);
  const profile = read.oneOf<Profile>('P2P_PROFILE', ['community', 'poc'], 'community');
  const d = PROFILE_DEFAULTS[profile];
  const feeKind = read.oneOf('P2P_GRID_FEE_KIND', ['perKwh', 'bps'], d.gridFee.kind);
  const gridFee: GridFee =
    feeKind === 'perKwh'
      ? {
          kind: 'perKwh',
          perMWh: read.pricePerKwh('P2P_GRID_FEE_PER_KWH', d.gridFee.kind === 'perKwh' ? d.gridFee.perMWh : 0),
        }
      : {
          kind: 'bps',
          bps: read.requiredInteger(
            'P2P_GRID_FEE_BPS',
            d.gridFee.kind === 'bps' ? d.gridFee.bps : undefined,
            'with P2P_GRID_FEE_KIND=bps',
          ),
        };
  const config: P2PConfig = {
    profile,
    intervalMs: read.integer('P2P_INTERVAL_MS', d.intervalMs),
    wireBounds: read.oneOf<Bounds>('P2P_WIRE_BOUNDS', ['half-open', 'inclusive'], d.wireBounds),
    producerGateClosureMs: read.integer('P2P_PRODUCER_GATE_CLOSURE_MS', d.producerGateClosureMs),
    gridGateClosureMs: read.integer('P2P_GRID_GATE_CLOSURE_MS', d.gridGateClosureMs),
    finalAfterMs: read.integer('P2P_FINAL_AFTER_MS', d.finalAfterMs),
    aggregateEveryMs: read.integer('P2P_AGGREGATE_EVERY_MS', d.aggregateEveryMs),
    settleEveryMs: read.integer('P2P_SETTLE_EVERY_MS', d.settleEveryMs),
    pricingRule: read.oneOf<PricingRuleId>('P2P_PRICING_RULE', PRICING_RULE_IDS, d.pricingRule),
    consumerPricePerMWh: read.pricePerKwh('P2P_CONSUMER_PRICE_PER_KWH', d.consumerPricePerMWh),
    producerPricePerMWh: read.pricePerKwh('P2P_PRODUCER_PRICE_PER_KWH', d.producerPricePerMWh),
    gridFee,
    billedEnergy: read.oneOf<BilledEnergy>('P2P_BILLED_ENERGY', ['matched', 'usage'], d.billedEnergy),
    billingUnitWh: read.integer('P2P_BILLING_UNIT_WH', d.billingUnitWh),
    allocation: read.oneOf<Allocation>('P2P_ALLOCATION', ['per-interval', 'all-time-share'], d.allocation),
    poolGridShareBps: read.integer('P2P_POOL_GRID_SHARE_BPS', d.poolGridShareBps),
    payoutChunk: read.integer('P2P_PAYOUT_CHUNK', d.payoutChunk),
    payoutThrottleMs: read.integer('P2P_PAYOUT_THROTTLE_MS', d.payoutThrottleMs),
    requestMinAmount: read.integer('P2P_REQUEST_MIN_AMOUNT', d.requestMinAmount),
    payoutMinAmount: read.integer('P2P_PAYOUT_MIN_AMOUNT', d.payoutMinAmount),
    currency: read.text('P2P_CURRENCY', d.currency),
    currencyDigits: read.integer('P2P_CURRENCY_DIGITS', d.currencyDigits),
    walletPaymentChunk: read.integer('P2P_WALLET_PAYMENT_CHUNK', d.walletPaymentChunk),
    idleResetMs: read.optionalInteger('P2P_IDLE_RESET_MS', d.idleResetMs),
    storageAllowUnsecured: read.flag('P2P_STORAGE_ALLOW_UNSECURED', d.storageAllowUnsecured),
    minTimestampMs: read.integer('P2P_MIN_TIMESTAMP_MS', d.minTimestampMs),
    maxFutureMs: read.integer('P2P_MAX_FUTURE_MS', d.maxFutureMs),
    maxLateMs: read.integer('P2P_MAX_LATE_MS', d.maxLateMs),
    maxSpanMs: read.integer('P2P_MAX_SPAN_MS', d.maxSpanMs),
  };
  const problems = [...read.problems, ...configProblems(config)];
  if (problems.length > 0)
    throw new P2PError('INVALID_CONFIG', `Invalid P2P configuration:\n- ${problems.join('\n- ')}`);
  return config;
}
