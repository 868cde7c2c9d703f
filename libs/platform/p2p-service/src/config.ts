import { defineConfig, env } from '@flexgrid/platform-service';
import {
  CONFIG_VARIABLES as p2p,
  configFromSettings,
  type P2PConfig,
  P2PError,
  PRICING_RULE_IDS,
} from '@flexgrid/protocol-p2p';

/** §16's rule settings: each `P2P_<NAME>` overrides its profile default; the lib checks the combination. */
export const ruleEnv = defineConfig({
  profile: env.enum(p2p.profile, ['community', 'poc'], { optional: true }),
  intervalMs: env.int(p2p.intervalMs, { optional: true }),
  wireBounds: env.enum(p2p.wireBounds, ['half-open', 'inclusive'], { optional: true }),
  producerGateClosureMs: env.int(p2p.producerGateClosureMs, { optional: true, min: 0 }),
  gridGateClosureMs: env.int(p2p.gridGateClosureMs, { optional: true, min: 0 }),
  finalAfterMs: env.int(p2p.finalAfterMs, { optional: true, min: 0 }),
  aggregateEveryMs: env.int(p2p.aggregateEveryMs, { optional: true, min: 1 }),
  settleEveryMs: env.int(p2p.settleEveryMs, { optional: true, min: 1 }),
  pricingRule: env.enum(p2p.pricingRule, PRICING_RULE_IDS, { optional: true }),
  consumerPricePerKwh: env.string(p2p.consumerPricePerKwh, { optional: true }),
  producerPricePerKwh: env.string(p2p.producerPricePerKwh, { optional: true }),
  gridFeeKind: env.enum(p2p.gridFeeKind, ['perKwh', 'bps'], { optional: true }),
  gridFeePerKwh: env.string(p2p.gridFeePerKwh, { optional: true }),
  gridFeeBps: env.int(p2p.gridFeeBps, { optional: true }),
  billedEnergy: env.enum(p2p.billedEnergy, ['matched', 'usage'], { optional: true }),
  billingUnitWh: env.int(p2p.billingUnitWh, { optional: true }),
  allocation: env.enum(p2p.allocation, ['per-interval', 'all-time-share'], { optional: true }),
  poolGridShareBps: env.int(p2p.poolGridShareBps, { optional: true }),
  payoutChunk: env.int(p2p.payoutChunk, { optional: true }),
  payoutThrottleMs: env.int(p2p.payoutThrottleMs, { optional: true }),
  requestMinAmount: env.int(p2p.requestMinAmount, { optional: true }),
  payoutMinAmount: env.int(p2p.payoutMinAmount, { optional: true }),
  currency: env.string(p2p.currency, { optional: true }),
  currencyDigits: env.int(p2p.currencyDigits, { optional: true }),
  storageAllowUnsecured: env.boolean(p2p.storageAllowUnsecured, { optional: true }),
  minTimestampMs: env.int(p2p.minTimestampMs, { optional: true }),
  maxFutureMs: env.int(p2p.maxFutureMs, { optional: true }),
  maxLateMs: env.int(p2p.maxLateMs, { optional: true }),
  maxSpanMs: env.int(p2p.maxSpanMs, { optional: true }),
});

/** A profile or setting the lib refuses (§16): the message names it, the service does not start. */
export class RuleConfigError extends Error {}

/** The rules from the variables given (the profile's defaults for the others), checked by the lib. */
export function rulesOf(environment: { [K in keyof typeof ruleEnv]?: unknown }): P2PConfig {
  const settings = Object.fromEntries(
    Object.keys(ruleEnv)
      .map((key) => [key, environment[key as keyof typeof ruleEnv]])
      .filter(([, value]) => value !== undefined),
  );
  try {
    return configFromSettings(settings);
  } catch (error) {
    if (error instanceof P2PError) throw new RuleConfigError(error.message);
    throw error;
  }
}
