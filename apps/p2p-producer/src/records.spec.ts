import { catalog, ContractValidator } from '@flexgrid/contracts';
import { Producer, resolveConfig, sideKeyHash } from '@flexgrid/protocol-p2p';
import { producerGoodbye, producerHello, producerOutputRecord } from './records';

// DESIGN.md "records": one record of each kind the producer publishes, checked against the catalog's schema.
const T = 1_800_000_000_000;

describe('the records the producer publishes (§3.2)', () => {
  const validator = new ContractValidator(catalog);
  const check = (entry: ReturnType<typeof producerHello>) =>
    validator.check(entry.topic, entry.event.type, entry.event.key, entry.event.data);

  it('producer.output from an aggregation run, and the stream hello and goodbye, fit the catalog', () => {
    const config = resolveConfig('poc');
    const producer = new Producer({ config, producerId: 'SUNFARM01', epoch: T });
    producer.sources.register('PANEL0001', 'source', T - 1);
    producer.ingest({ streamKey: 'PANEL0001', span: { start: T, end: T + 30_000 }, energyWh: 1250 }, T + 30_000);
    const [output] = producer.run(T + 30_000 + config.producerGateClosureMs + 1, {
      producerPricePerMWh: config.producerPricePerMWh,
      paymentIdOrAddress: 'SUNFARM01',
    });
    const record = producerOutputRecord(output.ceId, output.value);
    expect(record.event).toMatchObject({ key: 'SUNFARM01', id: `SUNFARM01:${T}:0` });
    expect(check(record)).toEqual({ ok: true });
    expect(check(producerHello('SUNFARM01', sideKeyHash('producer-secret-0001'), T))).toEqual({ ok: true });
    expect(check(producerGoodbye('SUNFARM01', T))).toEqual({ ok: true });
    // The check can fail: an output without its energy is refused.
    const withoutEnergy: Record<string, unknown> = { ...(record.event.data as Record<string, unknown>) };
    delete withoutEnergy.outputWh;
    expect(check({ ...record, event: { ...record.event, data: withoutEnergy } }).ok).toBe(false);
  });
});
