import { P2PError } from '../errors';
import { exactPrice, type ExactPrice, floorPrice, formatExactPrice } from '../units/exact-price';
import { addSafe, toSafeNumber } from '../units/units';

/** §8: named, versioned rules; a formula change is a new version. */
export type PricingRuleId = 'poc-fixed@1' | 'community-fixed@1' | 'blueprint-average@1' | 'blueprint-weighted@1';

export const PRICING_RULE_IDS: readonly PricingRuleId[] = [
  'poc-fixed@1',
  'community-fixed@1',
  'blueprint-average@1',
  'blueprint-weighted@1',
];

/** The grid's fee: per MWh added to (or taken from) the price, or a share in basis points. */
export type GridFee = { kind: 'perKwh'; perMWh: number } | { kind: 'bps'; bps: number };

/** A rule with its parameters, as every settlement records it (`rule {name, version, params}`). */
export type PricingRule =
  | { name: 'poc-fixed'; version: 1; params: { consumerPricePerMWh: 5000; producerPricePerMWh: 4000 } }
  | { name: 'community-fixed'; version: 1; params: { consumerPricePerMWh: number; fee: GridFee } }
  | { name: 'blueprint-average'; version: 1; params: { fee: GridFee } }
  | { name: 'blueprint-weighted'; version: 1; params: { fee: GridFee } };

/** The `poc-fixed@1` constants: 5 per kWh from consumers, 4 to producers, 1 to the grid (§17 Q7). */
const POC_FIXED = { consumerPricePerMWh: 5000, producerPricePerMWh: 4000 } as const;

/** Builds a rule from its id and the configured tariff and fee; the id must be one of §8's. */
export function pricingRule(id: string, tariff: { consumerPricePerMWh: number; fee: GridFee }): PricingRule {
  switch (id) {
    case 'poc-fixed@1':
      return { name: 'poc-fixed', version: 1, params: { ...POC_FIXED } };
    case 'community-fixed@1':
      return {
        name: 'community-fixed',
        version: 1,
        params: { consumerPricePerMWh: tariff.consumerPricePerMWh, fee: tariff.fee },
      };
    case 'blueprint-average@1':
      return { name: 'blueprint-average', version: 1, params: { fee: tariff.fee } };
    case 'blueprint-weighted@1':
      return { name: 'blueprint-weighted', version: 1, params: { fee: tariff.fee } };
    default:
      throw new P2PError('INVALID_CONFIG', `pricing rule '${id}' is not one of ${PRICING_RULE_IDS.join(', ')}.`);
  }
}

/** Fixed rules price without any output; derived ones from the producers' asks (P2P-PR1, PR2). */
export function hasFixedConsumerPrice(rule: PricingRule): boolean {
  return rule.name === 'poc-fixed' || rule.name === 'community-fixed';
}

/** A producer's effective output and ask for the interval (P2P-PR1). */
export interface PricedOutput {
  outputWh: number;
  producerPricePerMWh: number;
}

/** P2P-PR1: the producer price `π_p`, exact and floored; both null when a derived rule has no price. */
export interface ConsensusPrice {
  exact: ExactPrice | null;
  perMWh: number | null;
}

const BPS = 10_000n;

export function consensusPrice(rule: PricingRule, producers: readonly PricedOutput[]): ConsensusPrice {
  let exact: ExactPrice | null;
  switch (rule.name) {
    case 'poc-fixed':
      exact = exactPrice(BigInt(rule.params.producerPricePerMWh), 1n);
      break;
    case 'community-fixed': {
      const { consumerPricePerMWh, fee } = rule.params;
      exact =
        fee.kind === 'perKwh'
          ? exactPrice(BigInt(consumerPricePerMWh - fee.perMWh), 1n)
          : exactPrice(BigInt(consumerPricePerMWh) * (BPS - BigInt(fee.bps)), BPS);
      break;
    }
    case 'blueprint-average': {
      let sum = 0n;
      for (const p of producers) sum += BigInt(p.producerPricePerMWh);
      exact = producers.length === 0 ? null : exactPrice(sum, BigInt(producers.length));
      break;
    }
    case 'blueprint-weighted': {
      let weighted = 0n;
      let output = 0n;
      for (const p of producers) {
        weighted += BigInt(p.outputWh) * BigInt(p.producerPricePerMWh);
        output += BigInt(p.outputWh);
      }
      exact = output === 0n ? null : exactPrice(weighted, output);
      break;
    }
  }
  return { exact, perMWh: exact ? toSafeNumber(floorPrice(exact), 'producer price') : null };
}

/** The settlement record's `prices` (P2P-S5). */
export interface IntervalPrices {
  consumerPerMWh: number | null;
  producerPerMWh: number | null;
  producerExact: string | null;
  reason?: 'no-output';
}

/** §8 `π_c` for a derived rule: `π_p + f`, or `floor(π_p·10000/(10000−b))`, from the floored `π_p`. */
function withFee(producerPerMWh: number, fee: GridFee): number {
  return fee.kind === 'perKwh'
    ? addSafe(producerPerMWh, fee.perMWh, 'consumer price')
    : toSafeNumber((BigInt(producerPerMWh) * BPS) / (BPS - BigInt(fee.bps)), 'consumer price');
}

/** Both prices of an interval under `rule` (§8, P2P-PR1). */
export function intervalPrices(rule: PricingRule, producers: readonly PricedOutput[]): IntervalPrices {
  const producer = consensusPrice(rule, producers);
  if (producer.exact === null || producer.perMWh === null) {
    return { consumerPerMWh: null, producerPerMWh: null, producerExact: null, reason: 'no-output' };
  }
  const consumerPerMWh =
    rule.name === 'blueprint-average' || rule.name === 'blueprint-weighted'
      ? withFee(producer.perMWh, rule.params.fee)
      : rule.params.consumerPricePerMWh;
  return { consumerPerMWh, producerPerMWh: producer.perMWh, producerExact: formatExactPrice(producer.exact) };
}
