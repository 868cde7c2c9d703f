import type { PaymentRequest, PayoutSent } from '@flexgrid/contracts';
import { sideKeyHash } from '@flexgrid/protocol-p2p';
import { type TestApp } from '@flexgrid/testing';
import { call, journaled, type P2PServices, startP2PServices } from './services.test-util';

/**
 * The §9.4 community example end to end through both services: sources → producer services → grid → payment
 * requests → wallet payments → payouts. Consumers billed = producers credited + grid line, to the unit.
 */
const T0 = 1_800_000_000_000;
const L = 900_000;
const sources: Record<string, { producer: string; wh: [number, number] }> = {
  PANEL0001: { producer: 'SUNFARM01', wh: [400, 300] },
  PANEL0002: { producer: 'SUNFARM01', wh: [500, 300] },
  PANEL0003: { producer: 'SUNFARM01', wh: [334, 200] },
  ROTOR0001: { producer: 'WINDMILL1', wh: [567, 0] },
};
// FLAT00003 has no reading for interval A: a gap, never 0 (P2P-S2).
const households: Record<string, [number | null, number]> = {
  FLAT00001: [900, 500],
  FLAT00002: [1400, 250],
  FLAT00003: [null, 300],
};

describe('P2P community profile through the producer and grid services (§9.4)', () => {
  let services: P2PServices;
  let clock = T0;
  beforeAll(async () => {
    services = await startP2PServices({
      // Final at once and small minimums, so the example's few cents are requested and paid out.
      rules: { P2P_FINAL_AFTER_MS: '0', P2P_REQUEST_MIN_AMOUNT: '1', P2P_PAYOUT_MIN_AMOUNT: '1' },
      producers: [{ id: 'SUNFARM01' }, { id: 'WINDMILL1' }],
      now: () => clock,
    });
  });
  afterAll(() => services.stop());

  it('outputs 1234/800 and 567/0 Wh; consumers billed 64 = producers credited 51 + grid line 13; paid and paid out', async () => {
    const { grid, producers, devices } = services;
    const producer = (id: string) => producers.get(id) as TestApp;
    // Sources prove their streams at their producer (hello, then sideKey); the grid's operator binds the rest.
    const secret = (id: string) => `${id.toLowerCase()}-secret-0001`;
    await devices.publish(
      'meter.readings',
      Object.keys(sources).map((meterId) => ({
        type: 'channel.hello',
        key: meterId,
        id: `${meterId}:hello:${T0}`,
        data: { command: 'hello', meterId, sideKeyHash: sideKeyHash(secret(meterId)), sentAt: T0 },
      })),
    );
    for (const [id, source] of Object.entries(sources))
      expect(
        (
          await call(
            producer(source.producer),
            'PUT',
            `/registration/${id}`,
            { itemType: 'solar', sideKey: secret(id) },
            {
              'content-type': 'application/json',
            },
          )
        ).status,
      ).toBe(200);
    for (const [id, itemType] of [
      ['SUNFARM01', 'producer'],
      ['WINDMILL1', 'producer'],
      ...Object.keys(households).map((id) => [id, 'consumer']),
    ])
      expect((await call(grid, 'PUT', `/registration/${id}`, { itemType })).status).toBe(200);

    clock = T0 + 2 * L + 1000;
    const reading = (meterId: string, n: number, energyWh: number) => ({
      type: 'meter.reading',
      key: meterId,
      id: `${meterId}:${T0 + n * L}:0`,
      data: { meterId, startTime: T0 + n * L, endTime: T0 + (n + 1) * L, energyWh, source: 'p2p-simulator' },
    });
    await devices.publish('meter.readings', [
      ...Object.entries(sources).flatMap(([id, s]) => s.wh.map((wh, n) => reading(id, n, wh))),
      ...Object.entries(households).flatMap(([id, usage]) =>
        usage.flatMap((wh, n) => (wh === null ? [] : [reading(id, n, wh)])),
      ),
    ]);
    await journaled(producer('SUNFARM01'), ['reading'], 6);
    await journaled(producer('WINDMILL1'), ['reading'], 2);
    clock = T0 + 2 * L + 300_001;
    for (const id of producers.keys())
      expect((await call(producer(id), 'POST', '/api/operator/aggregation-runs', {})).body).toMatchObject({
        published: 2,
      });
    await journaled(grid, ['reading', 'output'], 5 + 4);
    const outputs = (await grid.published('p2p.producer-output').waitFor(4))
      .filter((r) => r.type === 'producer.output')
      .map((r) => {
        const o = r.data as { producerId: string; startTime: number; outputWh: number; complete: boolean };
        return [o.producerId, (o.startTime - T0) / L, o.outputWh, o.complete];
      });
    expect(outputs.sort()).toEqual([
      ['SUNFARM01', 0, 1234, true],
      ['SUNFARM01', 1, 800, true],
      ['WINDMILL1', 0, 567, true],
      ['WINDMILL1', 1, 0, true],
    ]);

    clock = T0 + 2 * L + 600_001;
    const run = await call(grid, 'POST', '/api/operator/settlement-runs', {});
    expect(run.body).toMatchObject({ runNo: 1, settled: 2, finalised: 2, paymentRequests: 3, payouts: 2 });

    const settled = (await grid.published('p2p.settlements').waitFor(4))
      .filter((r) => r.type === 'settlement.interval')
      .map(
        (r) =>
          r.data as {
            totals: { producedWh: number; consumedWh: number; matchedWh: number };
            gridLine: number;
            gaps: string[];
          },
      );
    expect(
      settled.map((s) => [s.totals.producedWh, s.totals.consumedWh, s.totals.matchedWh, s.gridLine, s.gaps]),
    ).toEqual([
      [1801, 2300, 1801, 9, ['FLAT00003']],
      [800, 1050, 800, 4, []],
    ]);
    const requests = (await grid.published('p2p.payment-requests').waitFor(3 + 3))
      .filter((r) => r.type === 'payment.request')
      .map((r) => r.data as PaymentRequest);
    const billed = requests.reduce((sum, r) => sum + r.owed, 0);
    const payoutsSent = async () =>
      grid
        .published('p2p.payments')
        .records.filter((r) => r.type === 'payout.sent')
        .map((r) => r.data as PayoutSent);
    for (let i = 0; (await payoutsSent()).length < 2; i++) {
      if (i > 800) throw new Error('payouts not published');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const payouts = await payoutsSent();
    const credited = payouts.reduce((sum, p) => sum + p.amount, 0);
    const gridLines = settled.reduce((sum, s) => sum + s.gridLine, 0);
    expect(requests.map((r) => [r.consumerId, r.owed]).sort()).toEqual([
      ['FLAT00001', 27],
      ['FLAT00002', 32],
      ['FLAT00003', 5],
    ]);
    expect(payouts.map((p) => [p.producerId, p.amount]).sort()).toEqual([
      ['SUNFARM01', 40],
      ['WINDMILL1', 11],
    ]);
    expect([billed, credited, gridLines]).toEqual([64, 51, 13]);
    expect(billed).toBe(credited + gridLines);

    // Wallets pay (chunk 1 in community), the rail confirms payments and payouts; the producers count theirs.
    await devices.publish('p2p.payments', [
      ...requests.flatMap((r) => {
        const payment = {
          paymentId: `${r.consumerId}:payment:1`,
          from: r.consumerId,
          to: r.paymentIdOrAddress,
          amount: r.owed,
          currency: r.currency,
          reference: r.consumerId,
          sentAt: clock,
        };
        return [
          {
            type: 'payment.confirmed',
            key: payment.paymentId,
            id: `${payment.paymentId}:payment.confirmed`,
            data: { ...payment, confirmedAt: clock },
          },
        ];
      }),
      ...payouts.map((p) => ({
        type: 'payout.confirmed',
        key: p.paymentId,
        id: `${p.paymentId}:payout.confirmed`,
        data: { ...p, confirmedAt: clock },
      })),
    ]);
    await journaled(grid, ['payment', 'payout-confirmed'], 5);
    for (const [id, amount] of [
      ['SUNFARM01', 40],
      ['WINDMILL1', 11],
    ] as const) {
      await journaled(producer(id), ['payout'], 1);
      expect((await call(producer(id), 'GET', '/api/operator/balance')).body.balance).toMatchObject({
        receivedTotal: amount,
      });
    }
    const flat1 = await call(grid, 'GET', '/api/operator/members/FLAT00001');
    expect((flat1.body.member as { balances: unknown }).balances).toMatchObject({
      charged: 27,
      requested: 27,
      confirmed: 27,
      outstanding: 0,
    });
  });
});
