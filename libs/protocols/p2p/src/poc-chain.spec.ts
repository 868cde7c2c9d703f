import { resolveConfig } from './config';
import { Grid, type GridBalances, type SettlementRunResult } from './grid';
import { type StreamRecord } from './ingestion';
import { readMeterReading } from './meter-reading';
import { type MeterWindowState, meterWindows } from './meter-windows';
import { type PaymentRequestValue } from './payment-request';
import { Producer } from './producer';
import { readProducerOutput, type ProducerOutputValue } from './producer-output';
import { toWireSpan } from './interval';
import { newWallet, type WalletState, walletStep } from './wallet';

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
  const intake = readMeterReading({ meterId, ...wire, energyWh: wh }, { role, channel: 'kafka', wireBounds: config.wireBounds });
  if (intake.kind !== 'record') throw new Error(`reading refused: ${JSON.stringify(intake)}`);
  return intake.record;
}

function runChain() {
  const producers = {
    SUNFARM01: new Producer({ config, producerId: 'SUNFARM01', epoch: T0 }),
    WINDMILL1: new Producer({ config, producerId: 'WINDMILL1', epoch: T0 }),
  };
  for (const [id, source] of Object.entries(sources)) producers[source.producer].sources.register(id, 'source', T0 - 1000);
  const grid = new Grid({ config, gridId: GRID, epoch: T0 });
  for (const id of ['SUNFARM01', 'WINDMILL1']) grid.register(id, 'producer', T0 - 1000);
  for (const id of ['HOUSE0001', 'HOUSE0002']) grid.register(id, 'consumer', T0 - 1000);

  const meters = new Map<string, MeterWindowState>([...Object.keys(sources), ...Object.keys(consumers)].map((id) => [id, { lastEnd: T0 }]));
  const wallets = new Map<string, WalletState>(Object.keys(consumers).map((id) => [id, newWallet(id)]));
  const outputs: ProducerOutputValue[] = [];
  const runs: SettlementRunResult[] = [];
  const balances: GridBalances[] = [];
  const paid: { run: number; consumerId: string; amount: number; kept: number }[] = [];

  for (let t = T0 + 1000; t <= T0 + 360_000; t += 1000) {
    // Meters tick every second and send round-1 readings as their windows end.
    for (const [meterId, state] of meters) {
      const { state: next, windows } = meterWindows(state, t, { intervalMs: W, idleResetMs: config.idleResetMs ?? undefined });
      meters.set(meterId, next);
      for (const window of windows) {
        const n = (window.start - T0) / W;
        const source = sources[meterId];
        if (source && source.windows[n] !== undefined) producers[source.producer].ingest(reading(meterId, n, source.windows[n], 'source'), t);
        const usage = consumers[meterId]?.[n];
        if (usage !== undefined) grid.ingestReading(reading(meterId, n, usage, 'consumer'), t);
      }
    }
    if (t === T0 + 335_000) for (const late of round2) grid.ingestReading(reading(late.meterId, late.window, late.wh, 'consumer'), t);
    if ((t - T0) % 60_000 === 0) {
      for (const [id, producer] of Object.entries(producers)) {
        for (const { value } of producer.run(t, { producerPricePerMWh: config.producerPricePerMWh, paymentIdOrAddress: id })) {
          outputs.push(value);
          grid.ingestOutput(readProducerOutput(value), t);
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
      for (const payout of result.payouts) grid.recordPayoutConfirmed(payout.paymentId);
      balances.push(grid.balances());
    }
  }
  return { grid, outputs, runs, wallets, paid, balances };
}

describe('P2P-POC: the §11.3 chain in the poc profile', () => {
  const { grid, outputs, runs, wallets, paid, balances } = runChain();
  const gridLines = (run: SettlementRunResult) => run.records.reduce((sum, r) => sum + (r.type === 'settlement.finalised' ? 0 : r.value.gridLine), 0);
  const owed = (run: SettlementRunResult) => Object.fromEntries(run.paymentRequests.map((r) => [r.consumerId, r.owed]));
  const units = (run: SettlementRunResult) => Object.fromEntries(run.paymentRequests.map((r) => [r.consumerId, r.usage]));
  const payouts = (run: SettlementRunResult) => Object.fromEntries(run.payouts.map((p) => [p.producerId, p.amount]));

  it('P2P-AG2: producers sum their sources per window: SUNFARM01 4500/5250, WINDMILL1 3000/3250', () => {
    const of = (producerId: string, window: number) => outputs.filter((o) => o.producerId === producerId && o.startTime === T0 + window * W + 1).map((o) => o.outputWh);
    expect(of('SUNFARM01', 0)).toEqual([4500]);
    expect(of('SUNFARM01', 1)).toEqual([5250]);
    expect(of('WINDMILL1', 0)).toEqual([3000]);
    expect(of('WINDMILL1', 1)).toEqual([3250]);
    // §11.1 mapping: the original's `price` total = outputWh × producerPricePerMWh / 10⁶ → 18, 21, 12, 13.
    const total = (producerId: string, window: number) => outputs
      .filter((o) => o.producerId === producerId && o.startTime === T0 + window * W + 1)
      .map((o) => (o.outputWh * o.producerPricePerMWh) / 1e6);
    expect([total('SUNFARM01', 0), total('SUNFARM01', 1), total('WINDMILL1', 0), total('WINDMILL1', 1)]).toEqual([[18], [21], [12], [13]]);
  });

  it('P2P-AG3/AG5/T7: each window published once, labelled with its own window, 120 s after its end; later windows with 0 Wh and missing sources', () => {
    const sunfarm = outputs.filter((o) => o.producerId === 'SUNFARM01');
    expect(sunfarm.map((o) => [(o.startTime - 1 - T0) / W, o.revision, o.publishedAt - T0])).toEqual([
      [0, 0, 180_000], [1, 0, 240_000], [2, 0, 240_000], [3, 0, 300_000], [4, 0, 300_000], [5, 0, 360_000], [6, 0, 360_000],
    ]);
    const window2 = sunfarm[2];
    expect(window2).toMatchObject({ outputWh: 0, output: 0, complete: false, missingSources: ['PANEL0001', 'PANEL0002', 'PANEL0003'], bounds: 'inclusive', producerPrice: 4, producerPricePerMWh: 4000 });
    expect(window2.endTime - window2.startTime).toBe(W - 1);
  });

  it('run 1 settles windows 0–2 and requests round 1: HOUSE0001 6 kWh owes 30, HOUSE0002 5 kWh owes 25', () => {
    expect(runs[0]).toMatchObject({ settled: 3, resettled: 0, adjusted: 0, finalised: 3 });
    expect(owed(runs[0])).toEqual({ HOUSE0001: 30, HOUSE0002: 25 });
    expect(units(runs[0])).toEqual({ HOUSE0001: 6, HOUSE0002: 5 });
    expect(runs[0].paymentRequests.map((r) => r.requestId)).toEqual([`${GRID}:HOUSE0001:1`, `${GRID}:HOUSE0002:1`]);
    expect(runs[0].payouts).toEqual([]);
    // Accrued fee 11: R1 of charges × 2000 bps over the run's consumer entries.
    expect(gridLines(runs[0])).toBe(11);
    expect(paid.filter((p) => p.run === 1)).toEqual([
      { run: 1, consumerId: 'HOUSE0001', amount: 25, kept: 5 },
      { run: 1, consumerId: 'HOUSE0002', amount: 25, kept: 0 },
    ]);
  });

  it('run 2 pays round 1: received 50, cut 10, pool 40 → SUNFARM01 24, WINDMILL1 15', () => {
    expect(runs[1]).toMatchObject({ settled: 0, paymentRequests: [] });
    expect(payouts(runs[1])).toEqual({ SUNFARM01: 24, WINDMILL1: 15 });
    expect(balances[1]).toEqual({ gridFeeAccrued: 11, gridFeeReceived: 10, poolAvailable: 1, unallocated: 0, cash: 50 - 39 });
  });

  it('run 3 settles window 3, adjusts window 2 (HOUSE0001 late), requests round 2: 4 units → 20, 5 units → 25', () => {
    expect(runs[2]).toMatchObject({ settled: 1, adjusted: 1, resettled: 0, finalised: 1 });
    const adjustment = runs[2].records.find((r) => r.type === 'settlement.adjustment');
    expect(adjustment?.value).toMatchObject({ intervalStart: T0 + 2 * W, adjustmentNo: 1, basedOn: 'v1', reason: 'inputs-changed' });
    expect(owed(runs[2])).toEqual({ HOUSE0001: 20, HOUSE0002: 25 });
    expect(units(runs[2])).toEqual({ HOUSE0001: 4, HOUSE0002: 5 });
    expect(runs[2].payouts).toEqual([]);
    // Accrued fee 20 in all (11 + 9).
    expect(gridLines(runs[2])).toBe(9);
    expect(paid.filter((p) => p.run === 3)).toEqual([
      { run: 3, consumerId: 'HOUSE0001', amount: 25, kept: 0 },
      { run: 3, consumerId: 'HOUSE0002', amount: 25, kept: 0 },
    ]);
  });

  it('run 4 pays round 2: received 50, cut 10, pool 41 → 24 / 15, pool 2', () => {
    expect(payouts(runs[3])).toEqual({ SUNFARM01: 24, WINDMILL1: 15 });
    expect(grid.balances()).toEqual({ gridFeeAccrued: 20, gridFeeReceived: 20, poolAvailable: 2, unallocated: 0, cash: 100 - 78 });
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
  });
});
