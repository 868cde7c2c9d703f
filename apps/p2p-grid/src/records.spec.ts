import { catalog, ContractValidator } from '@flexgrid/contracts';
import {
  Grid,
  paymentRequestSigner,
  resolveConfig,
  verificationKey,
  verifyPaymentRequest,
} from '@flexgrid/protocol-p2p';
import {
  paymentRequestRecord,
  paymentRequestSignatures,
  payoutSentRecord,
  returnChannelGoodbye,
  returnChannelHello,
  settlementRecord,
} from './records';

// DESIGN.md "records": one record of each kind the grid publishes, checked against the catalog's schema.
const L = 900_000;
const T = 1_800_000_000_000;

function settledGrid() {
  const config = resolveConfig('community', { finalAfterMs: 0, requestMinAmount: 1, payoutMinAmount: 1 });
  const grid = new Grid({ config, gridId: 'GRID00001', epoch: T });
  grid.register('PVROOF001', 'producer', T - 1);
  grid.register('FLAT00001', 'consumer', T - 1);
  grid.register('FLAT00002', 'consumer', T - 1);
  const span = { start: T, end: T + L };
  grid.ingestOutput(
    {
      streamKey: 'PVROOF001',
      span,
      energyWh: 10_000,
      revision: 0,
      output: {
        complete: true,
        missingSources: [],
        partialSources: [],
        producerPricePerMWh: 20_000,
        paymentIdOrAddress: 'PVROOF001',
      },
    },
    T + L,
  );
  grid.ingestReading({ streamKey: 'FLAT00001', span, energyWh: 8_000 }, T + L);
  const first = grid.run(T + L + config.gridGateClosureMs + 1);
  // A late reading after finality: an adjustment.
  grid.ingestReading({ streamKey: 'FLAT00002', span, energyWh: 1_000 }, T + 2 * L);
  const second = grid.run(T + 3 * L);
  return [first, second];
}

describe('records.ts: every record the grid publishes fits the catalog', () => {
  const validator = new ContractValidator(catalog);
  const check = (entry: { topic: string; event: { type: string; key: string; data: unknown } }) =>
    validator.check(entry.topic, entry.event.type, entry.event.key, entry.event.data);

  it('settlement.interval, settlement.finalised, settlement.adjustment, payment.request, payout.sent, return channel hello/goodbye', async () => {
    const runs = settledGrid();
    const records = runs.flatMap((r) => r.records);
    expect(new Set(records.map((r) => r.type))).toEqual(
      new Set(['settlement.interval', 'settlement.finalised', 'settlement.adjustment']),
    );
    for (const publication of records)
      expect(check(settlementRecord('GRID00001', publication))).toEqual({
        ok: true,
      });
    const requests = runs.flatMap((r) => r.paymentRequests);
    const payouts = runs.flatMap((r) => r.payouts);
    expect(requests.length).toBeGreaterThan(0);
    expect(payouts.length).toBeGreaterThan(0);
    const seed = Buffer.alloc(32, 3).toString('base64url');
    const signatures = paymentRequestSignatures(paymentRequestSigner(seed));
    for (const request of requests) {
      const record = paymentRequestRecord(request);
      expect(check(record)).toEqual({ ok: true });
      // P2P-CH5: the value sent is the data's JSON, and the relay's ce_p2psig verifies over exactly those bytes.
      const value = record.event.value as string;
      expect(JSON.parse(value)).toEqual(record.event.data);
      const made = await signatures({ topic: record.topic, type: record.event.type, value });
      expect(verifyPaymentRequest(Buffer.from(value), made?.p2psig as string, verificationKey(seed))).toBe(true);
      expect(verifyPaymentRequest(Buffer.from(`${value} `), made?.p2psig as string, verificationKey(seed))).toBe(false);
    }
    // Nothing else the grid publishes is signed.
    const hello = returnChannelHello('GRID00001', 'FLAT00001', 'A'.repeat(43), T);
    expect(signatures({ topic: hello.topic, type: hello.event.type, value: '{}' })).toBeUndefined();
    for (const payout of payouts) expect(check(payoutSentRecord(payout))).toEqual({ ok: true });
    const key = 'A'.repeat(43);
    expect(check(returnChannelHello('GRID00001', 'FLAT00001', key, T))).toEqual({ ok: true });
    expect(check(returnChannelGoodbye('GRID00001', 'FLAT00001', T))).toEqual({ ok: true });
  });
});
