import {
  CONFIG_VARIABLES,
  configFromEnv,
  configuredRule,
  lagWarning,
  type P2PConfig,
  PROFILE_DEFAULTS,
  resolveConfig,
} from './config';
import { P2PError } from '../errors';

describe('P2P-CFG configuration and profiles', () => {
  it('P2P-CFG: community is the default profile with the §16 defaults', () => {
    const config = configFromEnv({});
    expect(config).toEqual(PROFILE_DEFAULTS.community);
    expect(config).toMatchObject({
      intervalMs: 900_000,
      wireBounds: 'half-open',
      producerGateClosureMs: 300_000,
      gridGateClosureMs: 600_000,
      finalAfterMs: 172_800_000,
      pricingRule: 'community-fixed@1',
      consumerPricePerMWh: 25_000,
      producerPricePerMWh: 20_000,
      gridFee: { kind: 'perKwh', perMWh: 5000 },
      billedEnergy: 'matched',
      billingUnitWh: 1,
      allocation: 'per-interval',
      requestMinAmount: 100,
      payoutMinAmount: 100,
      currency: 'EUR',
      currencyDigits: 2,
      walletPaymentChunk: 1,
      idleResetMs: null,
      storageAllowUnsecured: false,
      minTimestampMs: 946_684_800_000,
      maxFutureMs: 300_000,
      maxLateMs: 34_560_000_000,
      maxSpanMs: 86_400_000,
    });
    expect(configuredRule(config)).toEqual({
      name: 'community-fixed',
      version: 1,
      params: { consumerPricePerMWh: 25_000, fee: { kind: 'perKwh', perMWh: 5000 } },
    });
  });

  it('P2P-CFG: the poc profile', () => {
    expect(configFromEnv({ P2P_PROFILE: 'poc' })).toMatchObject({
      intervalMs: 30_000,
      wireBounds: 'inclusive',
      producerGateClosureMs: 120_000,
      gridGateClosureMs: 210_000,
      finalAfterMs: 0,
      settleEveryMs: 15_000,
      pricingRule: 'poc-fixed@1',
      consumerPricePerMWh: 5000,
      producerPricePerMWh: 4000,
      billedEnergy: 'usage',
      billingUnitWh: 1000,
      allocation: 'all-time-share',
      poolGridShareBps: 2000,
      payoutChunk: 40,
      payoutThrottleMs: 10_000,
      requestMinAmount: 1,
      currency: 'IOTA',
      currencyDigits: 0,
      walletPaymentChunk: 25,
      idleResetMs: 150_000,
      storageAllowUnsecured: true,
    });
  });

  it('P2P-CFG: every constant is overridable by its own variable; prices per kWh with ≤ 3 fraction digits', () => {
    const config = configFromEnv({
      P2P_PROFILE: 'community',
      P2P_INTERVAL_MS: '10000',
      P2P_PRODUCER_GATE_CLOSURE_MS: '2000',
      P2P_GRID_GATE_CLOSURE_MS: '4000',
      P2P_CONSUMER_PRICE_PER_KWH: '25.125',
      P2P_GRID_FEE_KIND: 'bps',
      P2P_GRID_FEE_BPS: '2000',
      P2P_PRICING_RULE: 'blueprint-weighted@1',
      P2P_IDLE_RESET_MS: 'none',
      P2P_STORAGE_ALLOW_UNSECURED: 'true',
      P2P_CURRENCY: 'CHF',
    });
    expect(config).toMatchObject({
      intervalMs: 10_000,
      consumerPricePerMWh: 25_125,
      gridFee: { kind: 'bps', bps: 2000 },
      pricingRule: 'blueprint-weighted@1',
      idleResetMs: null,
      storageAllowUnsecured: true,
      currency: 'CHF',
    });
    expect(CONFIG_VARIABLES).toContain('P2P_MAX_SPAN_MS');
  });

  // One variable at a time over the community defaults: each reaches its own setting (§16, P2P_<NAME>).
  const overrides: [string, string, Partial<P2PConfig>][] = [
    ['P2P_PROFILE', 'poc', { profile: 'poc', intervalMs: 30_000 }],
    ['P2P_INTERVAL_MS', '60000', { intervalMs: 60_000 }],
    ['P2P_WIRE_BOUNDS', 'inclusive', { wireBounds: 'inclusive' }],
    ['P2P_PRODUCER_GATE_CLOSURE_MS', '1000', { producerGateClosureMs: 1000 }],
    ['P2P_GRID_GATE_CLOSURE_MS', '700000', { gridGateClosureMs: 700_000 }],
    ['P2P_FINAL_AFTER_MS', '5', { finalAfterMs: 5 }],
    ['P2P_AGGREGATE_EVERY_MS', '7', { aggregateEveryMs: 7 }],
    ['P2P_SETTLE_EVERY_MS', '8', { settleEveryMs: 8 }],
    ['P2P_PRICING_RULE', 'blueprint-average@1', { pricingRule: 'blueprint-average@1' }],
    ['P2P_CONSUMER_PRICE_PER_KWH', '30', { consumerPricePerMWh: 30_000 }],
    ['P2P_PRODUCER_PRICE_PER_KWH', '21.5', { producerPricePerMWh: 21_500 }],
    ['P2P_GRID_FEE_KIND', 'perKwh', { gridFee: { kind: 'perKwh', perMWh: 5000 } }],
    ['P2P_GRID_FEE_PER_KWH', '4.25', { gridFee: { kind: 'perKwh', perMWh: 4250 } }],
    ['P2P_BILLED_ENERGY', 'usage', { billedEnergy: 'usage' }],
    ['P2P_BILLING_UNIT_WH', '1000', { billingUnitWh: 1000 }],
    ['P2P_ALLOCATION', 'all-time-share', { allocation: 'all-time-share' }],
    ['P2P_POOL_GRID_SHARE_BPS', '1500', { poolGridShareBps: 1500 }],
    ['P2P_PAYOUT_CHUNK', '5', { payoutChunk: 5 }],
    ['P2P_PAYOUT_THROTTLE_MS', '100', { payoutThrottleMs: 100 }],
    ['P2P_REQUEST_MIN_AMOUNT', '2', { requestMinAmount: 2 }],
    ['P2P_PAYOUT_MIN_AMOUNT', '3', { payoutMinAmount: 3 }],
    ['P2P_CURRENCY', 'CHF', { currency: 'CHF' }],
    ['P2P_CURRENCY_DIGITS', '3', { currencyDigits: 3 }],
    ['P2P_WALLET_PAYMENT_CHUNK', '25', { walletPaymentChunk: 25 }],
    ['P2P_IDLE_RESET_MS', '150000', { idleResetMs: 150_000 }],
    ['P2P_STORAGE_ALLOW_UNSECURED', 'true', { storageAllowUnsecured: true }],
    ['P2P_MIN_TIMESTAMP_MS', '0', { minTimestampMs: 0 }],
    ['P2P_MAX_FUTURE_MS', '1', { maxFutureMs: 1 }],
    ['P2P_MAX_LATE_MS', '2', { maxLateMs: 2 }],
    ['P2P_MAX_SPAN_MS', '3', { maxSpanMs: 3 }],
  ];

  it.each(overrides)('P2P-CFG: %s=%s overrides its profile default', (name, value, expected) => {
    expect(configFromEnv({ [name]: value })).toEqual({
      ...PROFILE_DEFAULTS[expected.profile ?? 'community'],
      ...expected,
    });
  });

  it('P2P-CFG: the table above covers every variable the lib reads; P2P_GRID_FEE_BPS comes with the bps kind', () => {
    expect([...overrides.map(([name]) => name), 'P2P_GRID_FEE_BPS'].sort()).toEqual([...CONFIG_VARIABLES].sort());
    expect(configFromEnv({ P2P_GRID_FEE_KIND: 'bps', P2P_GRID_FEE_BPS: '2000' }).gridFee).toEqual({
      kind: 'bps',
      bps: 2000,
    });
  });

  it('P2P-CFG: invalid values stop the start with one message naming every problem', () => {
    let error: unknown;
    try {
      configFromEnv({
        P2P_INTERVAL_MS: '7000',
        P2P_CONSUMER_PRICE_PER_KWH: '1.2345',
        P2P_BILLED_ENERGY: 'all',
        P2P_POOL_GRID_SHARE_BPS: '10000',
        P2P_REQUEST_MIN_AMOUNT: '0',
        P2P_PROFILE: 'poc',
        P2P_MAX_LATE_MS: 'x',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(P2PError);
    const message = (error as P2PError).message;
    expect((error as P2PError).code).toBe('INVALID_CONFIG');
    for (const part of [
      'P2P-T1',
      'more than 3 fraction digits',
      "P2P_BILLED_ENERGY must be one of matched, usage, got 'all'",
      'poolGridShareBps',
      'requestMinAmount',
      "P2P_MAX_LATE_MS must be an integer, got 'x'",
    ]) {
      expect(message).toContain(part);
    }
  });

  it('P2P-PR2: derived rules need billedEnergy matched and billingUnitWh 1; units > 1 need a fixed price', () => {
    expect(() => configFromEnv({ P2P_PROFILE: 'poc', P2P_PRICING_RULE: 'blueprint-average@1' })).toThrow(
      /needs billedEnergy 'matched'/,
    );
    expect(() => resolveConfig('community', { pricingRule: 'blueprint-average@1', billedEnergy: 'usage' })).toThrow(
      /P2P-PR2/,
    );
    expect(() => resolveConfig('community', { pricingRule: 'blueprint-weighted@1', billingUnitWh: 1000 })).toThrow(
      /billingUnitWh 1000 needs a fixed consumer price/,
    );
    expect(resolveConfig('community', { pricingRule: 'blueprint-weighted@1' }).pricingRule).toBe(
      'blueprint-weighted@1',
    );
    expect(() => configFromEnv({ P2P_GRID_FEE_KIND: 'bps' })).toThrow(/P2P_GRID_FEE_BPS is required/);
    expect(() => configFromEnv({ P2P_PRICING_RULE: 'magic@1' })).toThrow(/P2P_PRICING_RULE must be one of/);
    expect(() => resolveConfig('community', { gridFee: { kind: 'perKwh', perMWh: 30_000 } })).toThrow(
      /producer price would be negative/,
    );
  });

  it('P2P-T7: the grid lag should exceed the producer lag plus its aggregation period (a warning)', () => {
    expect(lagWarning(resolveConfig('community'))).toBeNull();
    expect(lagWarning(resolveConfig('poc'))).toBeNull();
    expect(lagWarning(resolveConfig('community', { gridGateClosureMs: 360_000 }))).toMatch(/late data/);
  });
});
