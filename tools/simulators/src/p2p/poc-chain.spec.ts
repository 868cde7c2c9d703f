import type { MeterReading, PaymentRequest, PayoutSent } from '@flexgrid/contracts';
import {
  type MeterWindowState,
  meterWindows,
  newWallet,
  type PaymentRequestValue,
  resolveConfig,
  sideKeyHash,
  toWireSpan,
  type WalletState,
  walletStep,
} from '@flexgrid/protocol-p2p';
import { type PublishedRecord, type TestApp } from '@flexgrid/testing';
import { call, journaled, operator, type P2PServices, startP2PServices } from './services.test-util';

/**
 * SPEC §11.3 end to end through both services, over Kafka and HTTP, in the poc profile, on the spec's schedule:
 * 3 sources → producer service SUNFARM01 and 1 → WINDMILL1 (hello, then root + sideKey); both producers (their
 * streams proved by their own hellos) and 2 households at the grid; payment requests → wallet payments (P2P-L6)
 * → the grid's cut → payouts → the producers' confirmed payouts. One injected clock drives all three services.
 */
const T0 = 1_800_000_000_000;
const W = 30_000;
const config = resolveConfig('poc');

const sources: Record<string, { producer: string; windows: Record<number, number> }> = {
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
const secretOf = (id: string) => `${id.toLowerCase()}-secret-0001`;

describe('P2P-POC: the §11.3 chain through the producer and grid services (poc profile)', () => {
  let services: P2PServices;
  let clock = T0;
  beforeAll(async () => {
    services = await startP2PServices({
      rules: { P2P_PROFILE: 'poc' },
      producers: ['SUNFARM01', 'WINDMILL1'].map((id) => ({ id, sideKey: secretOf(id) })),
      now: () => clock,
    });
  });
  afterAll(() => services.stop());

  it('outputs 4500/5250 and 3000/3250 Wh; requests 30/25 then 20/25; payouts 24/15 twice; the producers receive 48 and 30', async () => {
    const { grid, producers, devices } = services;
    const producer = (id: string) => producers.get(id) as TestApp;
    // §11.2 step 1: each source says hello on meter.readings, then registers at its producer with root + sideKey.
    await devices.publish(
      'meter.readings',
      Object.keys(sources).map((meterId) => ({
        type: 'channel.hello',
        key: meterId,
        id: `${meterId}:hello:${T0}`,
        data: { command: 'hello', meterId, sideKeyHash: sideKeyHash(secretOf(meterId)), sentAt: T0 },
      })),
    );
    for (const [id, source] of Object.entries(sources)) {
      const put = await call(
        producer(source.producer),
        'PUT',
        `/registration/${id}`,
        {
          itemType: id.startsWith('ROTOR') ? 'wind' : 'solar',
          root: id,
          sideKey: secretOf(id),
        },
        { 'content-type': 'application/json' },
      );
      expect(put).toEqual({ status: 200, body: { success: true, message: 'OK' } });
    }
    // §11.2 step 2: the producers prove their streams (their hello came from the service at start).
    for (const id of ['SUNFARM01', 'WINDMILL1']) {
      const put = await call(
        grid,
        'PUT',
        `/registration/${id}`,
        { itemType: 'producer', sideKey: secretOf(id) },
        {
          'content-type': 'application/json',
        },
      );
      expect(put).toEqual({ status: 200, body: { success: true, message: 'OK' } });
    }
    for (const id of Object.keys(consumers))
      expect((await call(grid, 'PUT', `/registration/${id}`, { itemType: 'consumer' })).status).toBe(200);

    const meters = new Map<string, MeterWindowState>(
      [...Object.keys(sources), ...Object.keys(consumers)].map((id) => [id, { lastEnd: T0 }]),
    );
    const wallets = new Map<string, WalletState>(Object.keys(consumers).map((id) => [id, newWallet(id)]));
    const sourceReadings = new Map<string, number>([
      ['SUNFARM01', 0],
      ['WINDMILL1', 0],
    ]);
    let consumerReadings = 0;
    let outputs = 0;
    let paymentFacts = 0;
    const seenRequests = new Set<string>();
    const seenPayouts = new Set<string>();
    grid.published('p2p.payments');
    const producerOutput = grid.published('p2p.producer-output');
    const owed: [string, number][] = [];
    const payouts: [number, string, number][] = [];
    const reading = (meterId: string, window: number, wh: number) => {
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
          if (source?.windows[n] !== undefined) {
            readings.push(reading(meterId, n, source.windows[n]));
            sourceReadings.set(source.producer, (sourceReadings.get(source.producer) ?? 0) + 1);
          }
          if (consumers[meterId]?.[n] !== undefined) {
            readings.push(reading(meterId, n, consumers[meterId][n]));
            consumerReadings += 1;
          }
        }
      }
      if (t === T0 + 335_000)
        for (const late of round2) {
          readings.push(reading(late.meterId, late.window, late.wh));
          consumerReadings += 1;
        }
      if (readings.length > 0) await devices.publish('meter.readings', readings);
      if ((t - T0) % 60_000 === 0)
        for (const [id, app] of producers) {
          await journaled(app, ['reading'], sourceReadings.get(id) ?? 0);
          const ran = await call(app, 'POST', '/api/operator/aggregation-runs', { asOf: t });
          expect(ran.status).toBe(200);
          outputs += (ran.body.published as number) + (ran.body.revised as number);
        }
      if (![315_000, 330_000, 345_000, 360_000].includes(t - T0)) continue;
      await journaled(grid, ['reading', 'output'], consumerReadings + outputs);
      await journaled(grid, ['payment', 'payout-confirmed'], paymentFacts);
      const run = await call(grid, 'POST', '/api/operator/settlement-runs', { asOf: t });
      expect(run.status).toBe(200);
      const summary = run.body as { runNo: number; paymentRequests: number; payouts: number };
      const requests = (
        await grid.published('p2p.payment-requests').waitFor(2 + seenRequests.size + summary.paymentRequests)
      ).filter((r) => r.type === 'payment.request' && !seenRequests.has(r.headers.ce_id));
      const payoutsSent = () =>
        grid
          .published('p2p.payments')
          .records.filter((r) => r.type === 'payout.sent' && !seenPayouts.has(r.headers.ce_id));
      for (let i = 0; payoutsSent().length < summary.payouts; i++) {
        if (i > 800) throw new Error('payouts not published');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const rail = [];
      for (const record of requests) {
        seenRequests.add(record.headers.ce_id);
        const request = record.data as PaymentRequest;
        owed.push([request.consumerId, request.owed]);
        const step = walletStep(
          wallets.get(request.consumerId) as WalletState,
          [request as PaymentRequestValue],
          config.walletPaymentChunk,
          t,
        );
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
      for (const record of payoutsSent()) {
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
      if (rail.length > 0) await devices.publish('p2p.payments', rail);
    }

    // The producers' own records: windows 0 and 1 summed from their sources, labelled with their own interval.
    const outputOf = (records: readonly PublishedRecord[], producerId: string) =>
      records
        .filter((r) => r.type === 'producer.output' && r.key === producerId)
        .map((r) => r.data as { startTime: number; outputWh: number; revision: number })
        .filter((o) => o.outputWh > 0)
        .map((o) => [o.startTime - T0, o.outputWh, o.revision]);
    expect(outputOf(producerOutput.records, 'SUNFARM01')).toEqual([
      [1, 4500, 0],
      [W + 1, 5250, 0],
    ]);
    expect(outputOf(producerOutput.records, 'WINDMILL1')).toEqual([
      [1, 3000, 0],
      [W + 1, 3250, 0],
    ]);
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
    // The grid's cut: 20 % of the 100 received (P2P-L5 poolGridShareBps 2000), and 1 per kWh billed accrued (11 + 9);
    // the pool took 80 and paid out 78 in chunks of 40 (24 + 15 twice), so 2 wait for the next chunk.
    const gridBalances = await call(grid, 'GET', '/api/operator/grid', undefined, operator);
    expect((gridBalances.body.grid as { balances: unknown }).balances).toMatchObject({
      gridFeeAccrued: 20,
      gridFeeReceived: 20,
      poolAvailable: 2,
    });
    const house1 = await call(grid, 'GET', '/api/operator/members/HOUSE0001', undefined, operator);
    // 2250 + 4500 + 3500 Wh used; 10 whole kWh billed at 5 = 50, paid 25 + 25.
    expect((house1.body.member as { balances: unknown }).balances).toMatchObject({
      usageWh: 10_250,
      billedWh: 10_000,
      requested: 50,
      confirmed: 50,
    });
    // §11.2 step 6: each producer service counts its confirmed payouts (P2P-AG7).
    for (const [id, received] of [
      ['SUNFARM01', 48],
      ['WINDMILL1', 30],
    ] as const) {
      await journaled(producer(id), ['payout'], 2);
      const balance = await call(producer(id), 'GET', '/api/operator/balance', undefined, operator);
      expect(balance.body.balance).toMatchObject({ receivedTotal: received, lastPayout: { amount: received / 2 } });
    }
  });
});
