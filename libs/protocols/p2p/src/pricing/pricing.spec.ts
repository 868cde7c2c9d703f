import { consensusPrice, hasFixedConsumerPrice, intervalPrices, pricingRule } from './pricing';
import { exactPrice, formatExactPrice } from '../units/exact-price';

const perKwh = (perMWh: number) => ({ kind: 'perKwh' as const, perMWh });
const X = { outputWh: 2500, producerPricePerMWh: 12_500 };
const Y = { outputWh: 1500, producerPricePerMWh: 20_000 };

describe('P2P-PR pricing rules', () => {
  it('P2P-PR1: §8 example: average 16 250, weighted 15 312.5 → 15 312 (producerExact "15312.5")', () => {
    const average = pricingRule('blueprint-average@1', { consumerPricePerMWh: 0, fee: perKwh(3000) });
    const weighted = pricingRule('blueprint-weighted@1', { consumerPricePerMWh: 0, fee: perKwh(3000) });
    expect(consensusPrice(average, [X, Y])).toEqual({ exact: { num: 16_250n, den: 1n }, perMWh: 16_250 });
    expect(consensusPrice(weighted, [X, Y])).toEqual({ exact: { num: 30_625n, den: 2n }, perMWh: 15_312 });
    // Fee 3 per kWh → π_c 19 250 / 18 312.
    expect(intervalPrices(average, [X, Y])).toEqual({
      consumerPerMWh: 19_250,
      producerPerMWh: 16_250,
      producerExact: '16250',
    });
    expect(intervalPrices(weighted, [X, Y])).toEqual({
      consumerPerMWh: 18_312,
      producerPerMWh: 15_312,
      producerExact: '15312.5',
    });
  });

  it('P2P-PR1: fee 2000 bps on the weighted price → floor(15312·10000/8000) = 19 140', () => {
    const weighted = pricingRule('blueprint-weighted@1', { consumerPricePerMWh: 0, fee: { kind: 'bps', bps: 2000 } });
    expect(intervalPrices(weighted, [X, Y]).consumerPerMWh).toBe(19_140);
  });

  it('P2P-PR1: zero-output producers count in the average; weighted is null when Σ output = 0', () => {
    const average = pricingRule('blueprint-average@1', { consumerPricePerMWh: 0, fee: perKwh(0) });
    const weighted = pricingRule('blueprint-weighted@1', { consumerPricePerMWh: 0, fee: perKwh(0) });
    const zero = { outputWh: 0, producerPricePerMWh: 30_000 };
    expect(consensusPrice(average, [X, zero]).perMWh).toBe(21_250);
    expect(consensusPrice(weighted, [X, zero]).perMWh).toBe(12_500);
    expect(consensusPrice(weighted, [zero])).toEqual({ exact: null, perMWh: null });
    expect(consensusPrice(average, [])).toEqual({ exact: null, perMWh: null });
    expect(intervalPrices(weighted, [zero])).toEqual({
      consumerPerMWh: null,
      producerPerMWh: null,
      producerExact: null,
      reason: 'no-output',
    });
  });

  it('P2P-PR1: fixed rules are priced without any output', () => {
    expect(intervalPrices(pricingRule('poc-fixed@1', { consumerPricePerMWh: 1, fee: perKwh(1) }), [])).toEqual({
      consumerPerMWh: 5000,
      producerPerMWh: 4000,
      producerExact: '4000',
    });
    expect(
      intervalPrices(pricingRule('community-fixed@1', { consumerPricePerMWh: 25_000, fee: perKwh(5000) }), []),
    ).toEqual({ consumerPerMWh: 25_000, producerPerMWh: 20_000, producerExact: '20000' });
    const bps = pricingRule('community-fixed@1', { consumerPricePerMWh: 25_001, fee: { kind: 'bps', bps: 2000 } });
    expect(intervalPrices(bps, [])).toEqual({
      consumerPerMWh: 25_001,
      producerPerMWh: 20_000,
      producerExact: '20000.8',
    });
    expect(hasFixedConsumerPrice(bps)).toBe(true);
  });

  it('P2P-S5 producerExact: a terminating decimal, else the reduced fraction', () => {
    expect(formatExactPrice(exactPrice(10n, 3n))).toBe('10/3');
    expect(formatExactPrice(exactPrice(50n, 8n))).toBe('6.25');
    expect(formatExactPrice(exactPrice(6n, 4n))).toBe('1.5');
    expect(formatExactPrice(exactPrice(1n, 40n))).toBe('0.025');
    expect(formatExactPrice(exactPrice(-3n, 2n))).toBe('-1.5');
  });

  it('P2P-PR: rules are named and versioned; an unknown id fails clearly', () => {
    expect(pricingRule('community-fixed@1', { consumerPricePerMWh: 25_000, fee: perKwh(5000) })).toEqual({
      name: 'community-fixed',
      version: 1,
      params: { consumerPricePerMWh: 25_000, fee: perKwh(5000) },
    });
    expect(() => pricingRule('community-fixed@2', { consumerPricePerMWh: 1, fee: perKwh(0) })).toThrow(
      /not one of poc-fixed@1/,
    );
  });
});
