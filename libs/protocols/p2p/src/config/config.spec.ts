import {
  CONFIG_VARIABLES,
  configFromSettings,
  configuredRule,
  lagWarning,
  type P2PConfig,
  type P2PSettings,
  PROFILE_DEFAULTS,
  resolveConfig,
} from './config';
import { type PricingRuleId } from '../pricing/pricing';
import { P2PError } from '../errors';

describe('P2P-CFG configuration and profiles', () => {
  it('P2P-CFG: community is the default profile with the §16 defaults', () => {
    const config = configFromSettings({});
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
    expect(configFromSettings({ profile: 'poc' })).toMatchObject({
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

  it('P2P-CFG: every constant is overridable by its own setting; prices per kWh with ≤ 3 fraction digits', () => {
    const config = configFromSettings({
      profile: 'community',
      intervalMs: 10_000,
      producerGateClosureMs: 2000,
      gridGateClosureMs: 4000,
      consumerPricePerKwh: '25.125',
      gridFeeKind: 'bps',
      gridFeeBps: 2000,
      pricingRule: 'blueprint-weighted@1',
      idleResetMs: 'none',
      storageAllowUnsecured: true,
      currency: 'CHF',
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
  });

  it('P2P-CFG: a setting a reader hands over as undefined (its variable unset) keeps the profile default', () => {
    expect(configFromSettings({ profile: 'poc', intervalMs: undefined, consumerPricePerKwh: undefined })).toEqual(
      PROFILE_DEFAULTS.poc,
    );
  });

  // One setting at a time over the community defaults: each reaches its own constant (§16, P2P_<NAME>).
  const overrides: [keyof P2PSettings, P2PSettings[keyof P2PSettings], Partial<P2PConfig>][] = [
    ['profile', 'poc', { profile: 'poc', intervalMs: 30_000 }],
    ['intervalMs', 60_000, { intervalMs: 60_000 }],
    ['wireBounds', 'inclusive', { wireBounds: 'inclusive' }],
    ['producerGateClosureMs', 1000, { producerGateClosureMs: 1000 }],
    ['gridGateClosureMs', 700_000, { gridGateClosureMs: 700_000 }],
    ['finalAfterMs', 5, { finalAfterMs: 5 }],
    ['aggregateEveryMs', 7, { aggregateEveryMs: 7 }],
    ['settleEveryMs', 8, { settleEveryMs: 8 }],
    ['pricingRule', 'blueprint-average@1', { pricingRule: 'blueprint-average@1' }],
    ['consumerPricePerKwh', '30', { consumerPricePerMWh: 30_000 }],
    ['producerPricePerKwh', '21.5', { producerPricePerMWh: 21_500 }],
    ['gridFeeKind', 'perKwh', { gridFee: { kind: 'perKwh', perMWh: 5000 } }],
    ['gridFeePerKwh', '4.25', { gridFee: { kind: 'perKwh', perMWh: 4250 } }],
    ['billedEnergy', 'usage', { billedEnergy: 'usage' }],
    ['billingUnitWh', 1000, { billingUnitWh: 1000 }],
    ['allocation', 'all-time-share', { allocation: 'all-time-share' }],
    ['poolGridShareBps', 1500, { poolGridShareBps: 1500 }],
    ['payoutChunk', 5, { payoutChunk: 5 }],
    ['payoutThrottleMs', 100, { payoutThrottleMs: 100 }],
    ['requestMinAmount', 2, { requestMinAmount: 2 }],
    ['payoutMinAmount', 3, { payoutMinAmount: 3 }],
    ['currency', 'CHF', { currency: 'CHF' }],
    ['currencyDigits', 3, { currencyDigits: 3 }],
    ['walletPaymentChunk', 25, { walletPaymentChunk: 25 }],
    ['idleResetMs', 150_000, { idleResetMs: 150_000 }],
    ['storageAllowUnsecured', true, { storageAllowUnsecured: true }],
    ['minTimestampMs', 0, { minTimestampMs: 0 }],
    ['maxFutureMs', 1, { maxFutureMs: 1 }],
    ['maxLateMs', 2, { maxLateMs: 2 }],
    ['maxSpanMs', 3, { maxSpanMs: 3 }],
    ['maxRecordWh', 4, { maxRecordWh: 4 }],
  ];

  it.each(overrides)('P2P-CFG: %s=%s overrides its profile default', (setting, value, expected) => {
    expect(configFromSettings({ [setting]: value })).toEqual({
      ...PROFILE_DEFAULTS[expected.profile ?? 'community'],
      ...expected,
    });
  });

  it('P2P-CFG: the table above covers every setting; gridFeeBps comes with the bps kind', () => {
    expect([...overrides.map(([setting]) => setting), 'gridFeeBps'].sort()).toEqual(
      Object.keys(CONFIG_VARIABLES).sort(),
    );
    expect(configFromSettings({ gridFeeKind: 'bps', gridFeeBps: 2000 }).gridFee).toEqual({ kind: 'bps', bps: 2000 });
  });

  it('P2P-CFG: each setting has its own §16 variable, P2P_<NAME>', () => {
    expect(Object.values(CONFIG_VARIABLES).sort()).toEqual(
      [
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
        'P2P_MAX_RECORD_WH',
      ].sort(),
    );
  });

  it('P2P-CFG: invalid values stop the start with one message naming every problem', () => {
    let error: unknown;
    try {
      configFromSettings({
        intervalMs: 7000,
        consumerPricePerKwh: '1.2345',
        producerPricePerKwh: 'four',
        poolGridShareBps: 10_000,
        requestMinAmount: 0,
        profile: 'poc',
        maxLateMs: 1.5,
        currency: 'EURO DOLLAR',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(P2PError);
    const message = (error as P2PError).message;
    expect((error as P2PError).code).toBe('INVALID_CONFIG');
    for (const part of [
      'P2P-T1',
      "P2P_CONSUMER_PRICE_PER_KWH has more than 3 fraction digits: '1.2345'",
      "P2P_PRODUCER_PRICE_PER_KWH must be a decimal number, got 'four'",
      'poolGridShareBps',
      'requestMinAmount',
      'maxLateMs must be an integer in [0, …], got 1.5',
      "currency must be 1–16 letters or digits, got 'EURO DOLLAR'",
    ]) {
      expect(message).toContain(part);
    }
  });

  it('P2P-PR2: derived rules need billedEnergy matched and billingUnitWh 1; units > 1 need a fixed price', () => {
    expect(() => configFromSettings({ profile: 'poc', pricingRule: 'blueprint-average@1' })).toThrow(
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
    expect(() => configFromSettings({ gridFeeKind: 'bps' })).toThrow(
      /P2P_GRID_FEE_BPS is required with P2P_GRID_FEE_KIND=bps/,
    );
    // A reader that passes an unknown rule through unchecked still meets the lib's own check.
    expect(() => configFromSettings({ pricingRule: 'magic@1' as PricingRuleId })).toThrow(/pricingRule must be one of/);
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
