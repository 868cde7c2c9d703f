import type { MeterReading, PaymentRequest, PayoutSent } from '@flexgrid/contracts';
import {
  type MeterWindowState,
  meterWindows,
  newWallet,
  type PaymentRequestValue,
  Producer,
  resolveConfig,
  toWireSpan,
  type WalletState,
  walletStep,
} from '@flexgrid/protocol-p2p';
import { answer, journaled, json, OPERATOR_TOKEN, startTestGrid, type TestGrid } from './test-grid.test-util';

/**
 * SPEC §11.3 through the grid service over Kafka and HTTP, in the poc profile, on the spec's schedule. The two
 * producers are the lib's reference `Producer` (the producer service is not built yet), the wallets follow P2P-L6
 * and the rail confirms at once.
 */
const T0 = 1_800_000_000_000;
const W = 30_000;
const config = resolveConfig('poc');
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

const sources: Record<string, { producer: 'SUNFARM01' | 'WINDMILL1'; windows: Record<number, number> }> = {
  PANEL0001: { producer: 'SUNFARM01', windows: { 0: 1250, 1: 2000 } },
  PANEL0002: { producer: 'SUNFARM01', windows: { 0: 2750, 1: 1500 } },
  PANEL0003: { producer: 'SUNFARM01', windows: { 0: 500, 1: 1750 } },
  ROTOR0001: { producer: 'WINDMILL1', windows: { 0: 3000, 1: 3250 } },
};
const consumers: Record<string, Record<number, number>> = {
  HOUSE0001: { 0: 2250, 1: 4500 },
  HOUSE0002: { 0: 1750, 1: 2500, 2: 1000 },
};
const round2 = [
  { meterId: 'HOUSE0001', window: 2, wh: 3500 },
  { meterId: 'HOUSE0002', window: 3, wh: 5000 },
];

describe('P2P-POC: the §11.3 chain through the grid service (poc profile)', () => {
  let grid: TestGrid;
  let clock = T0;
  beforeAll(async () => {
    grid = await startTestGrid({ P2P_PROFILE: 'poc' }, { now: () => clock });
  });
  afterAll(() => grid.stop());

  it('requests 30/25 then 20/25, wallets pay 25s, payouts 24/15 twice, pool 1 then 2', async () => {
    for (const [id, itemType] of [
      ['SUNFARM01', 'producer'],
      ['WINDMILL1', 'producer'],
      ['HOUSE0001', 'consumer'],
      ['HOUSE0002', 'consumer'],
    ])
      expect((await answer(grid.app.fetch(`/registration/${id}`, json('PUT', { itemType }, operator)))).status).toBe(
        200,
      );
    const producers = {
      SUNFARM01: new Producer({ config, producerId: 'SUNFARM01', epoch: T0 }),
      WINDMILL1: new Producer({ config, producerId: 'WINDMILL1', epoch: T0 }),
    };
    for (const [id, source] of Object.entries(sources))
      producers[source.producer].sources.register(id, 'source', T0 - 1000);
    const meters = new Map<string, MeterWindowState>(
      [...Object.keys(sources), ...Object.keys(consumers)].map((id) => [id, { lastEnd: T0 }]),
    );
    const wallets = new Map<string, WalletState>(Object.keys(consumers).map((id) => [id, newWallet(id)]));
    let dataRecords = 0;
    let paymentFacts = 0;
    const seenRequests = new Set<string>();
    const seenPayouts = new Set<string>();
    grid.app.published('p2p.payments');
    const owed: [string, number][] = [];
    const payouts: [number, string, number][] = [];
    const usage = (meterId: string, window: number, wh: number) => {
      const wire = toWireSpan({ start: T0 + window * W, end: T0 + (window + 1) * W }, 'inclusive');
      const data = { meterId, ...wire, energyWh: wh, source: 'p2p-simulator' } satisfies MeterReading;
      return { type: 'meter.reading', key: meterId, id: `${meterId}:${data.startTime}:0`, data };
    };

    for (let t = T0 + 1000; t <= T0 + 360_000; t += 1000) {
      clock = t;
      const readings = [];
      for (const [meterId, state] of meters) {
        const step = meterWindows(state, t, { intervalMs: W, idleResetMs: config.idleResetMs ?? undefined });
        meters.set(meterId, step.state);
        for (const window of step.windows) {
          const n = (window.start - T0) / W;
          const source = sources[meterId];
          if (source?.windows[n] !== undefined)
            producers[source.producer].ingest({ streamKey: meterId, span: window, energyWh: source.windows[n] }, t);
          if (consumers[meterId]?.[n] !== undefined) readings.push(usage(meterId, n, consumers[meterId][n]));
        }
      }
      if (t === T0 + 335_000) for (const late of round2) readings.push(usage(late.meterId, late.window, late.wh));
      if (readings.length > 0) {
        await grid.devices.publish('meter.readings', readings);
        dataRecords += readings.length;
      }
      if ((t - T0) % 60_000 === 0) {
        const outputs = Object.entries(producers).flatMap(([id, producer]) =>
          producer
            .run(t, { producerPricePerMWh: config.producerPricePerMWh, paymentIdOrAddress: id })
            .map((r) => ({ type: 'producer.output', key: id, id: r.ceId, data: { ...r.value } })),
        );
        if (outputs.length > 0) {
          await grid.devices.publish('p2p.producer-output', outputs);
          dataRecords += outputs.length;
        }
      }
      if (![315_000, 330_000, 345_000, 360_000].includes(t - T0)) continue;
      await journaled(grid, ['reading', 'output'], dataRecords);
      await journaled(grid, ['payment', 'payout-confirmed'], paymentFacts);
      const run = await answer(grid.app.fetch('/api/operator/settlement-runs', json('POST', { asOf: t }, operator)));
      expect(run.status).toBe(200);
      const summary = run.body as { runNo: number; paymentRequests: number; payouts: number };
      const requests = (
        await grid.app.published('p2p.payment-requests').waitFor(2 + seenRequests.size + summary.paymentRequests)
      ).filter((r) => r.type === 'payment.request' && !seenRequests.has(r.headers.ce_id));
      // The topic also carries the wallets' and the rail's records: the grid's payouts are its payout.sent.
      const payoutsSent = async () =>
        grid.app
          .published('p2p.payments')
          .records.filter((r) => r.type === 'payout.sent' && !seenPayouts.has(r.headers.ce_id));
      for (let i = 0; (await payoutsSent()).length < summary.payouts; i++) {
        if (i > 400) throw new Error('payouts not published');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const sent = await payoutsSent();
      const rail = [];
      for (const record of requests) {
        seenRequests.add(record.headers.ce_id);
        const request = record.data as PaymentRequest;
        owed.push([request.consumerId, request.owed]);
        const wallet = wallets.get(request.consumerId) as WalletState;
        const step = walletStep(wallet, [request as PaymentRequestValue], config.walletPaymentChunk, t);
        wallets.set(request.consumerId, step.wallet);
        if (!step.payment) continue;
        const p = step.payment;
        rail.push(
          { type: 'payment.sent', key: p.paymentId, id: `${p.paymentId}:payment.sent`, data: { ...p } },
          {
            type: 'payment.confirmed',
            key: p.paymentId,
            id: `${p.paymentId}:payment.confirmed`,
            data: { ...p, confirmedAt: t },
          },
        );
        paymentFacts += 2;
      }
      for (const record of sent) {
        seenPayouts.add(record.headers.ce_id);
        const payout = record.data as PayoutSent;
        payouts.push([summary.runNo, payout.producerId, payout.amount]);
        rail.push({
          type: 'payout.confirmed',
          key: payout.paymentId,
          id: `${payout.paymentId}:payout.confirmed`,
          data: { ...payout, confirmedAt: t },
        });
        paymentFacts += 1;
      }
      if (rail.length > 0) await grid.devices.publish('p2p.payments', rail);
    }

    expect(owed.sort()).toEqual([
      ['HOUSE0001', 20],
      ['HOUSE0001', 30],
      ['HOUSE0002', 25],
      ['HOUSE0002', 25],
    ]);
    expect(payouts.sort()).toEqual([
      [2, 'SUNFARM01', 24],
      [2, 'WINDMILL1', 15],
      [4, 'SUNFARM01', 24],
      [4, 'WINDMILL1', 15],
    ]);
    const house1 = (await answer(grid.app.fetch('/api/operator/members/HOUSE0001', { headers: operator }))).body
      .member as {
      balances: { usageWh: number; billedWh: number; requested: number; confirmed: number };
    };
    // 2250 + 4500 + 3500 Wh used; 10 whole kWh billed at 5 = 50, paid 25 + 25.
    expect(house1.balances).toMatchObject({ usageWh: 10_250, billedWh: 10_000, requested: 50, confirmed: 50 });
  });
});
