import { resolveConfig } from './config/config';
import { Grid, type GridBalances, type SettlementRunResult } from './settlement/grid';
import { type StreamRecord } from './ingestion/ingestion';
import { readMeterReading } from './ingestion/meter-reading';
import { type MeterWindowState, meterWindows } from './time/meter-windows';
import { type PaymentRequestValue } from './settlement/payment-request';
import { Producer } from './aggregation/producer';
import { readProducerOutput, type ProducerOutputValue } from './aggregation/producer-output';
import { toWireSpan } from './time/interval';
import { newWallet, type WalletState, walletStep } from './settlement/wallet';

/**
 * SPEC §11.3 on its schedule, every step through the lib: meters emit PoC windows (P2P-T10), producers aggregate
 * and publish (§6), the grid settles, requests and pays out (§9, §10), wallets pay (P2P-L6), the rail confirms at
 * once.
 */
const T0 = 1_800_000_000_000;
const W = 30_000;
const config = resolveConfig('poc');
const GRID = 'GRID00001';

/** Round-1 values per window (kWh as thousandths = Wh), keyed by meter. */
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
const round2: { meterId: string; window: number; wh: number }[] = [
  { meterId: 'HOUSE0001', window: 2, wh: 3500 },
  { meterId: 'HOUSE0002', window: 3, wh: 5000 },
];

function reading(meterId: string, window: number, wh: number, role: 'source' | 'consumer'): StreamRecord {
  const wire = toWireSpan({ start: T0 + window * W, end: T0 + (window + 1) * W }, 'inclusive');
  const intake = readMeterReading(
    { meterId, ...wire, energyWh: wh },
    { role, channel: 'kafka', wireBounds: config.wireBounds },
  );
  if (intake.kind !== 'record') throw new Error(`reading refused: ${JSON.stringify(intake)}`);
  return intake.record;
}

function runChain() {
  const producers = {
    SUNFARM01: new Producer({ config, producerId: 'SUNFARM01', epoch: T0 }),
    WINDMILL1: new Producer({ config, producerId: 'WINDMILL1', epoch: T0 }),
  };
  for (const [id, source] of Object.entries(sources))
    producers[source.producer].sources.register(id, 'source', T0 - 1000);
  const grid = new Grid({ config, gridId: GRID, epoch: T0 });
  for (const id of ['SUNFARM01', 'WINDMILL1']) grid.register(id, 'producer', T0 - 1000);
  for (const id of ['HOUSE0001', 'HOUSE0002']) grid.register(id, 'consumer', T0 - 1000);

  const meters = new Map<string, MeterWindowState>(
    [...Object.keys(sources), ...Object.keys(consumers)].map((id) => [id, { lastEnd: T0 }]),
  );
  const wallets = new Map<string, WalletState>(Object.keys(consumers).map((id) => [id, newWallet(id)]));
  const outputs: ProducerOutputValue[] = [];
  const runs: SettlementRunResult[] = [];
  const balances: GridBalances[] = [];
  const paid: { run: number; consumerId: string; amount: number; kept: number }[] = [];

  for (let t = T0 + 1000; t <= T0 + 360_000; t += 1000) {
    // Meters tick every second and send round-1 readings as their windows end.
    for (const [meterId, state] of meters) {
      const { state: next, windows } = meterWindows(state, t, {
        intervalMs: W,
        idleResetMs: config.idleResetMs ?? undefined,
      });
      meters.set(meterId, next);
      for (const window of windows) {
        const n = (window.start - T0) / W;
        const source = sources[meterId];
        if (source && source.windows[n] !== undefined)
          producers[source.producer].ingest(reading(meterId, n, source.windows[n], 'source'), t);
        const usage = consumers[meterId]?.[n];
        if (usage !== undefined) grid.ingestReading(reading(meterId, n, usage, 'consumer'), t);
      }
    }
    if (t === T0 + 335_000)
      for (const late of round2) grid.ingestReading(reading(late.meterId, late.window, late.wh, 'consumer'), t);
    if ((t - T0) % 60_000 === 0) {
      for (const [id, producer] of Object.entries(producers)) {
        for (const { value } of producer.run(t, {
          producerPricePerMWh: config.producerPricePerMWh,
          paymentIdOrAddress: id,
        })) {
          outputs.push(value);
          const read = readProducerOutput(value);
          if (read.kind === 'record') grid.ingestOutput(read.record, t);
        }
      }
    }
    if ([315_000, 330_000, 345_000, 360_000].includes(t - T0)) {
      const result = grid.run(t);
      runs.push(result);
      for (const [consumerId, wallet] of wallets) {
        const requests: PaymentRequestValue[] = result.paymentRequests.filter((r) => r.consumerId === consumerId);
        const step = walletStep(wallet, requests, config.walletPaymentChunk, t);
        wallets.set(consumerId, step.wallet);
        if (!step.payment) continue;
        paid.push({ run: result.runNo, consumerId, amount: step.payment.amount, kept: step.wallet.outstanding });
        grid.recordPayment({ type: 'payment.sent', ...step.payment });
        grid.recordPayment({ type: 'payment.confirmed', ...step.payment, confirmedAt: t });
      }
      // The rail confirms each payout at once; every producer reads p2p.payments and keeps its own (P2P-AG7).
      for (const payout of result.payouts) {
        grid.recordPayoutConfirmed(payout.paymentId);
        for (const producer of Object.values(producers)) producer.recordPayoutConfirmed({ ...payout, confirmedAt: t });
      }
      balances.push(grid.balances());
    }
  }
  return { grid, producers, outputs, runs, wallets, paid, balances };
}

/**
 * §11.3 round by round: the run that settles and requests it, the run that pays it out, and the SPEC's figures.
 * `gridFeeAccrued` is the running total (the original's `runningCostsTotal`): 11 after round 1, 11 + 9 after round 2.
 */
const rounds = [
  {
    round: 1,
    requestRun: 1,
    payoutRun: 2,
    units: { HOUSE0001: 6, HOUSE0002: 5 },
    owed: { HOUSE0001: 30, HOUSE0002: 25 },
    gridFeeAccrued: 11,
    payments: { HOUSE0001: { amount: 25, kept: 5 }, HOUSE0002: { amount: 25, kept: 0 } },
    payouts: { SUNFARM01: 24, WINDMILL1: 15 },
    poolAvailable: 1,
  },
  {
    round: 2,
    requestRun: 3,
    payoutRun: 4,
    units: { HOUSE0001: 4, HOUSE0002: 5 },
    owed: { HOUSE0001: 20, HOUSE0002: 25 },
    gridFeeAccrued: 20,
    payments: { HOUSE0001: { amount: 25, kept: 0 }, HOUSE0002: { amount: 25, kept: 0 } },
    payouts: { SUNFARM01: 24, WINDMILL1: 15 },
    poolAvailable: 2,
  },
];

describe('P2P-POC: the §11.3 chain in the poc profile', () => {
  const { grid, producers, outputs, runs, wallets, paid, balances } = runChain();
  const outputsOf = (producerId: string, window: number) =>
    outputs.filter((o) => o.producerId === producerId && o.startTime === T0 + window * W + 1);

  it('P2P-AG2: producers sum their sources per window: SUNFARM01 4500/5250, WINDMILL1 3000/3250', () => {
    expect(
      [outputsOf('SUNFARM01', 0), outputsOf('SUNFARM01', 1), outputsOf('WINDMILL1', 0), outputsOf('WINDMILL1', 1)].map(
        (list) => list.map((o) => o.outputWh),
      ),
    ).toEqual([[4500], [5250], [3000], [3250]]);
    // §11.1 mapping: the original's `price` total = outputWh × producerPricePerMWh / 10⁶ → 18, 21, 12, 13 (exact here).
    const total = (o: ProducerOutputValue) => (BigInt(o.outputWh) * BigInt(o.producerPricePerMWh)) / 1_000_000n;
    expect(
      [outputsOf('SUNFARM01', 0), outputsOf('SUNFARM01', 1), outputsOf('WINDMILL1', 0), outputsOf('WINDMILL1', 1)].map(
        (list) => list.map(total),
      ),
    ).toEqual([[18n], [21n], [12n], [13n]]);
    expect(outputs.every((o) => (BigInt(o.outputWh) * BigInt(o.producerPricePerMWh)) % 1_000_000n === 0n)).toBe(true);
  });

  it('P2P-AG3/AG5/T7: each window published once, labelled with its own window, 120 s after its end; later windows with 0 Wh and missing sources', () => {
    const sunfarm = outputs.filter((o) => o.producerId === 'SUNFARM01');
    expect(sunfarm.map((o) => [(o.startTime - 1 - T0) / W, o.revision, o.publishedAt - T0])).toEqual([
      [0, 0, 180_000],
      [1, 0, 240_000],
      [2, 0, 240_000],
      [3, 0, 300_000],
      [4, 0, 300_000],
      [5, 0, 360_000],
      [6, 0, 360_000],
    ]);
    const window2 = sunfarm[2];
    expect(window2).toMatchObject({
      outputWh: 0,
      output: 0,
      complete: false,
      missingSources: ['PANEL0001', 'PANEL0002', 'PANEL0003'],
      bounds: 'inclusive',
      producerPrice: 4,
      producerPricePerMWh: 4000,
    });
    expect(window2.endTime - window2.startTime).toBe(W - 1);
  });

  it('P2P-S10/T7: run 1 settles windows 0–2, run 3 settles window 3 and adjusts window 2 (HOUSE0001 late), runs 2 and 4 only pay out', () => {
    expect(runs.map((r) => [r.settled, r.resettled, r.adjusted, r.finalised])).toEqual([
      [3, 0, 0, 3],
      [0, 0, 0, 0],
      [1, 0, 1, 1],
      [0, 0, 0, 0],
    ]);
    const adjustment = runs[2].records.find((r) => r.type === 'settlement.adjustment');
    expect(adjustment?.value).toMatchObject({
      intervalStart: T0 + 2 * W,
      adjustmentNo: 1,
      basedOn: 'v1',
      reason: 'inputs-changed',
    });
    expect([runs[1].paymentRequests, runs[3].paymentRequests]).toEqual([[], []]);
  });

  it.each(rounds)(
    'P2P-L2/S4 round $round: run $requestRun requests newly settled whole kWh at 5 each, one request per consumer',
    ({ round, requestRun, units, owed }) => {
      const run = runs[requestRun - 1];
      expect(Object.fromEntries(run.paymentRequests.map((r) => [r.consumerId, r.usage]))).toEqual(units);
      expect(Object.fromEntries(run.paymentRequests.map((r) => [r.consumerId, r.owed]))).toEqual(owed);
      expect(run.paymentRequests.map((r) => r.requestId)).toEqual([
        `${GRID}:HOUSE0001:${round}`,
        `${GRID}:HOUSE0002:${round}`,
      ]);
      // A run's requests precede its payout step, which has nothing confirmed yet.
      expect(run.payouts).toEqual([]);
    },
  );

  it.each(rounds)(
    'P2P-S4 round $round: the accrued grid fee is $gridFeeAccrued in all, 1 per kWh billed',
    ({ requestRun, units, gridFeeAccrued }) => {
      const before = requestRun > 1 ? balances[requestRun - 2].gridFeeAccrued : 0;
      expect(balances[requestRun - 1].gridFeeAccrued).toBe(gridFeeAccrued);
      const kWh = Object.values(units).reduce((sum, n) => sum + n, 0);
      const gridLines = runs[requestRun - 1].records.reduce(
        (sum, r) => sum + (r.type === 'settlement.finalised' ? 0 : r.value.gridLine),
        0,
      );
      expect([gridLines, gridFeeAccrued - before]).toEqual([kWh, kWh]);
    },
  );

  it.each(rounds)(
    'P2P-L6 round $round: wallets pay whole multiples of 25 to the grid, keeping the rest',
    ({ requestRun, payments }) => {
      expect(paid.filter((p) => p.run === requestRun)).toEqual(
        Object.entries(payments).map(([consumerId, p]) => ({ run: requestRun, consumerId, ...p })),
      );
    },
  );

  it.each(rounds)(
    'P2P-L5 round $round: run $payoutRun gets 50, keeps 10, pays floor(40·share) and leaves $poolAvailable pooled',
    ({ round, payoutRun, payouts, poolAvailable }) => {
      expect(Object.fromEntries(runs[payoutRun - 1].payouts.map((p) => [p.producerId, p.amount]))).toEqual(payouts);
      expect(balances[payoutRun - 1]).toMatchObject({
        gridFeeReceived: 10 * round,
        poolAvailable,
        unallocated: 0,
        cash: 50 * round - 39 * round,
      });
    },
  );

  it('P2P-AG7: each producer counts its confirmed payouts once: SUNFARM01 24 + 24, WINDMILL1 15 + 15', () => {
    expect(producers.SUNFARM01.payouts()).toEqual({
      receivedTotal: 48,
      lastPayout: expect.objectContaining({
        paymentId: `${GRID}:payout:4:SUNFARM01`,
        amount: 24,
        to: 'SUNFARM01',
        confirmedAt: T0 + 360_000,
      }),
    });
    expect(producers.WINDMILL1.payouts().receivedTotal).toBe(30);
    const last = producers.WINDMILL1.payouts().lastPayout;
    if (!last) throw new Error('WINDMILL1 received no payout');
    // A re-delivered confirmation, or another producer's, changes nothing.
    expect(producers.WINDMILL1.recordPayoutConfirmed(last)).toBe(false);
    expect(
      producers.WINDMILL1.recordPayoutConfirmed({
        ...last,
        paymentId: `${GRID}:payout:9:SUNFARM01`,
        producerId: 'SUNFARM01',
      }),
    ).toBe(false);
    expect(producers.WINDMILL1.payouts().receivedTotal).toBe(30);
  });

  it('§11.1 state mapping at the end: consumer and producer totals, shares, wallets', () => {
    const h1 = grid.ledger.consumer('HOUSE0001');
    const h2 = grid.ledger.consumer('HOUSE0002');
    expect([h1.usageWh, h1.billedWh, h1.charged, h1.requested, h1.confirmed]).toEqual([10_250, 10_000, 50, 50, 50]);
    expect([h2.usageWh, h2.billedWh, h2.charged, h2.requested, h2.confirmed]).toEqual([10_250, 10_000, 50, 50, 50]);
    expect(grid.share('SUNFARM01', T0 + 360_000)).toEqual({ num: 9750, den: 16_000 });
    expect(grid.share('WINDMILL1', T0 + 360_000)).toEqual({ num: 6250, den: 16_000 });
    const sunfarm = grid.ledger.producer('SUNFARM01');
    expect([sunfarm.payoutSent, sunfarm.payoutConfirmed, sunfarm.credited]).toEqual([48, 48, 0]);
    expect(wallets.get('HOUSE0001')).toMatchObject({ outstanding: 0, totalSent: 50, paymentsSent: 2 });
    expect(wallets.get('HOUSE0002')).toMatchObject({ outstanding: 0, totalSent: 50, paymentsSent: 2 });
    expect(grid.balances()).toEqual({
      gridFeeAccrued: 20,
      gridFeeReceived: 20,
      poolAvailable: 2,
      unallocated: 0,
      cash: 100 - 78,
    });
  });
});
