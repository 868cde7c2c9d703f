import {
  Ledger,
  newAccount,
  outstanding,
  payoutPending,
  type ConsumerAccount,
  type ProducerAccount,
  unrequested,
} from './ledger';
import { issuePaymentRequest } from './payment-request';
import { type PaymentEvent } from './payment-records';
import { PaymentsLedger, requestStatus } from './payments';
import { accruedPayouts, EMPTY_POOL, payoutSentValue, poolPayoutStep } from './payouts';
import { newWallet, walletStep } from './wallet';
import { type PaymentRequestValue } from './payment-request';

const N = 1_800_000_000_000;
const terms = { gridId: 'GRID00001', requestMinAmount: 100, currency: 'EUR', paymentIdOrAddress: 'grid-account' };

function charge(ledger: Ledger, id: string, exactMicro: bigint, intervalStart = N) {
  return ledger.post(
    {
      memberId: id,
      role: 'consumer',
      kind: 'settlement',
      intervalStart,
      version: 1,
      adjustmentNo: null,
      energyWh: 1,
      matchedWh: 1,
      billedWh: 1,
      units: 1,
      exactMicro,
    },
    { runNo: 1, postedAt: N },
  );
}

describe('P2P-L1 member ledger', () => {
  it('entries get per-member seq and ids; R1 carries advance in seq order; balances follow', () => {
    const ledger = new Ledger();
    const first = charge(ledger, 'FLAT00001', 1_500_000n);
    const second = charge(ledger, 'FLAT00001', 1_500_000n);
    expect([first.entryId, first.amount, second.entryId, second.amount]).toEqual(['FLAT00001:1', 1, 'FLAT00001:2', 2]);
    expect(ledger.consumer('FLAT00001')).toMatchObject({
      seq: 2,
      charged: 3,
      usageWh: 2,
      billedWh: 2,
      moneyCarryMicro: 0n,
    });
    expect(() => ledger.producer('FLAT00001')).toThrow(/is a consumer, not a producer/);
  });

  it('derived balances: unrequested, outstanding, payoutPending', () => {
    const consumer = {
      ...(newAccount('FLAT00001', 'consumer') as ConsumerAccount),
      charged: 150,
      requested: 120,
      confirmed: 100,
    };
    expect([unrequested(consumer), outstanding(consumer)]).toEqual([30, 20]);
    const producer = {
      ...(newAccount('PVROOF001', 'producer') as ProducerAccount),
      payoutSent: 50,
      payoutConfirmed: 20,
    };
    expect(payoutPending(producer)).toBe(30);
  });
});

describe('P2P-L2 payment requests', () => {
  it('owed is the delta since the previous request; below the threshold it waits; outstanding after it', () => {
    const ledger = new Ledger();
    const account = ledger.consumer('FLAT00001');
    const entries = [
      charge(ledger, 'FLAT00001', 60_000_000n, N),
      charge(ledger, 'FLAT00001', 30_000_000n, N + 900_000),
    ];
    expect(issuePaymentRequest(account, entries, terms, N)).toBeNull();
    entries.push(charge(ledger, 'FLAT00001', 20_000_000n, N + 1_800_000));
    const request = issuePaymentRequest(account, entries, terms, N + 10);
    expect(request).toEqual({
      command: 'payment-request',
      requestId: 'GRID00001:FLAT00001:1',
      seq: 1,
      gridId: 'GRID00001',
      consumerId: 'FLAT00001',
      owed: 110,
      usageWh: 3,
      usage: 0.003,
      outstanding: 110,
      currency: 'EUR',
      paymentIdOrAddress: 'grid-account',
      entries: { fromSeq: 1, toSeq: 3 },
      intervals: { fromStart: N, toStart: N + 1_800_000 },
      issuedAt: N + 10,
    });
    expect(unrequested(account)).toBe(0);
    expect(issuePaymentRequest(account, entries, terms, N + 20)).toBeNull();
  });

  it('a negative unrequested (credit from a downward correction) waits and reduces the next request', () => {
    const ledger = new Ledger();
    const account = ledger.consumer('FLAT00001');
    const entries = [charge(ledger, 'FLAT00001', 200_000_000n)];
    issuePaymentRequest(account, entries, terms, N);
    entries.push(charge(ledger, 'FLAT00001', -50_000_000n));
    expect(issuePaymentRequest(account, entries, terms, N + 1)).toBeNull();
    expect(unrequested(account)).toBe(-50);
    entries.push(charge(ledger, 'FLAT00001', 180_000_000n));
    expect(issuePaymentRequest(account, entries, terms, N + 2)).toMatchObject({
      seq: 2,
      owed: 130,
      entries: { fromSeq: 2, toSeq: 3 },
    });
  });

  it('requestMinAmount must be ≥ 1', () => {
    const ledger = new Ledger();
    expect(() => issuePaymentRequest(ledger.consumer('FLAT00001'), [], { ...terms, requestMinAmount: 0 }, N)).toThrow(
      /requestMinAmount/,
    );
  });
});

describe('P2P-L3 payments ledger', () => {
  const setup = () => {
    const ledger = new Ledger();
    for (const id of ['FLAT00001', 'FLAT00002']) ledger.consumer(id);
    const payments = new PaymentsLedger(
      { paymentIdOrAddress: 'grid-account', currency: 'EUR' },
      (id) => ledger.find(id) as ConsumerAccount | undefined,
    );
    const request = (consumerId: string, seq: number, owed: number) =>
      payments.openRequest({ requestId: `GRID00001:${consumerId}:${seq}`, consumerId, seq, owed });
    return { ledger, payments, request };
  };
  const sent = (
    paymentId: string,
    amount: number,
    reference: string,
    over: Partial<PaymentEvent> = {},
  ): PaymentEvent => ({
    type: 'payment.sent',
    paymentId,
    from: 'wallet',
    to: 'grid-account',
    amount,
    currency: 'EUR',
    reference,
    sentAt: N,
    ...over,
  });

  it('allocation FIFO by consumer id, oldest seq first; states requested → partially-paid → paid → confirmed', () => {
    const { payments, request, ledger } = setup();
    const r1 = request('FLAT00001', 1, 100);
    const r2 = request('FLAT00001', 2, 50);
    expect(payments.record(sent('p1', 120, 'FLAT00001')).outcome).toBe('recorded');
    expect([requestStatus(r1), requestStatus(r2)]).toEqual(['paid', 'partially-paid']);
    expect(
      payments.record({ ...sent('p1', 120, 'FLAT00001'), type: 'payment.confirmed', confirmedAt: N + 5 }).outcome,
    ).toBe('confirmed');
    expect([requestStatus(r1), r2.confirmed]).toEqual(['confirmed', 20]);
    expect(ledger.consumer('FLAT00001')).toMatchObject({ paid: 120, confirmed: 120 });
    expect(payments.takeReceived()).toBe(120);
    expect(payments.takeReceived()).toBe(0);
  });

  it('reference = requestId pays that request first, then the other open ones; overpayment is credit for the next request', () => {
    const { payments, request } = setup();
    const r1 = request('FLAT00001', 1, 30);
    const r2 = request('FLAT00001', 2, 40);
    payments.record({ ...sent('p1', 100, 'GRID00001:FLAT00001:2'), type: 'payment.confirmed', confirmedAt: N });
    expect([r2.paid, r1.paid, payments.payment('p1')?.credit]).toEqual([40, 30, 30]);
    const r3 = request('FLAT00001', 3, 50);
    expect([r3.paid, r3.confirmed, requestStatus(r3), payments.payment('p1')?.credit]).toEqual([
      30,
      30,
      'partially-paid',
      0,
    ]);
  });

  it('a confirmation alone implies the send; re-delivery is a no-op; conflicts and foreign currencies are rejected', () => {
    const { payments, request } = setup();
    request('FLAT00002', 1, 10);
    expect(payments.record({ ...sent('p9', 10, 'FLAT00002'), type: 'payment.confirmed', confirmedAt: N }).outcome).toBe(
      'recorded',
    );
    expect(payments.record(sent('p9', 10, 'FLAT00002')).outcome).toBe('unchanged');
    expect(payments.record(sent('p9', 11, 'FLAT00002'))).toEqual({ outcome: 'rejected', reason: 'conflict' });
    expect(payments.record(sent('p9', 10, 'FLAT00001'))).toEqual({ outcome: 'rejected', reason: 'conflict' });
    expect(payments.record(sent('p10', 10, 'FLAT00002', { currency: 'USD' }))).toEqual({
      outcome: 'rejected',
      reason: 'currency',
    });
    expect(payments.record(sent('p11', 10, 'FLAT00002', { to: 'another-grid' }))).toEqual({ outcome: 'ignored' });
    // A confirmation in another currency does not confirm a payment sent in the grid's.
    payments.record(sent('p12', 5, 'FLAT00002'));
    expect(
      payments.record({
        ...sent('p12', 5, 'FLAT00002', { currency: 'USD' }),
        type: 'payment.confirmed',
        confirmedAt: N,
      }),
    ).toEqual({ outcome: 'rejected', reason: 'currency' });
    expect(payments.payment('p12')?.confirmedAt).toBeNull();
    // Amounts are integers > 0 (§3.4): anything else is refused before it can touch a balance.
    for (const amount of [0, -5, 2.5, Number.NaN])
      expect(() => payments.record(sent('p13', amount, 'FLAT00002'))).toThrow(/must be an integer > 0/);
    expect(payments.payment('p13')).toBeUndefined();
    expect(payments.takeReceived()).toBe(10);
  });

  it('an unknown reference stays unallocated, counted for nobody, until the operator allocates it', () => {
    const { payments, request, ledger } = setup();
    const r1 = request('FLAT00001', 1, 25);
    payments.record({ ...sent('p1', 25, 'who-knows'), type: 'payment.confirmed', confirmedAt: N });
    expect(payments.unallocated().map((p) => p.paymentId)).toEqual(['p1']);
    expect(payments.takeReceived()).toBe(0);
    expect(ledger.consumer('FLAT00001').confirmed).toBe(0);
    payments.allocate('p1', 'FLAT00001');
    expect([requestStatus(r1), ledger.consumer('FLAT00001').confirmed, payments.takeReceived()]).toEqual([
      'confirmed',
      25,
      25,
    ]);
    expect(() => payments.allocate('p1', 'FLAT00002')).toThrow(/already allocated/);
    expect(() => payments.allocate('nope', 'FLAT00002')).toThrow(/unknown/);
  });
});

describe('P2P-L4 accrued payouts and P2P-L5 the pool', () => {
  it('P2P-L4: payable = final credits − sent, above the minimum', () => {
    expect(
      accruedPayouts(
        [
          { producerId: 'PVROOF002', finalCredits: 250, payoutSent: 100 },
          { producerId: 'PVROOF001', finalCredits: 150, payoutSent: 100 },
        ],
        100,
      ),
    ).toEqual([{ producerId: 'PVROOF002', amount: 150 }]);
  });

  it('P2P-L5: throttle from 0 (strict), cut by R1 of cumulative receipts, chunk, floors by share, carried remainder', () => {
    const producers = [
      { producerId: 'WINDMILL1', cumOutputWh: 6250, active: true },
      { producerId: 'SUNFARM01', cumOutputWh: 9750, active: true },
    ];
    const terms = { poolGridShareBps: 2000, payoutChunk: 40, payoutThrottleMs: 10_000 };
    expect(poolPayoutStep(EMPTY_POOL, 10_000, () => 50, producers, terms)).toBeNull();
    const first = poolPayoutStep(EMPTY_POOL, 10_001, () => 50, producers, terms);
    expect(first).toEqual({
      pool: { lastPayoutStep: 10_001, cumReceived: 50, cutTotal: 10, gridFeeReceived: 10, poolAvailable: 1 },
      payouts: [
        { producerId: 'SUNFARM01', amount: 24 },
        { producerId: 'WINDMILL1', amount: 15 },
      ],
    });
    // Receipts of 7 then 8: the cut follows the cumulative total (floor(57·0.2) = 11, floor(65·0.2) = 13).
    const second = poolPayoutStep(first?.pool ?? EMPTY_POOL, 30_000, () => 7, producers, terms);
    expect(second?.pool).toMatchObject({ cutTotal: 11, gridFeeReceived: 11, poolAvailable: 7 });
    expect(second?.payouts).toEqual([]);
  });

  it('P2P-L5: S = 0 pays nothing and the pool waits; inactive producers and zero payouts are left out', () => {
    const terms = { poolGridShareBps: 2000, payoutChunk: 40, payoutThrottleMs: 0 };
    expect(
      poolPayoutStep(EMPTY_POOL, 1, () => 100, [{ producerId: 'SUNFARM01', cumOutputWh: 0, active: true }], terms),
    ).toMatchObject({ pool: { poolAvailable: 80 }, payouts: [] });
    const step = poolPayoutStep(
      EMPTY_POOL,
      1,
      () => 100,
      [
        { producerId: 'SUNFARM01', cumOutputWh: 1_000_000, active: true },
        { producerId: 'TINY00001', cumOutputWh: 1, active: true },
        { producerId: 'GONE00001', cumOutputWh: 1_000_000, active: false },
      ],
      terms,
    );
    expect(step?.payouts).toEqual([{ producerId: 'SUNFARM01', amount: 79 }]);
    expect(step?.pool.poolAvailable).toBe(1);
  });

  it('§3.4 payout.sent ids and reference', () => {
    expect(
      payoutSentValue(
        { producerId: 'SUNFARM01', amount: 24 },
        { gridId: 'GRID00001', runNo: 2, currency: 'IOTA', sentAt: 5, to: 'sun-address' },
      ),
    ).toEqual({
      paymentId: 'GRID00001:payout:2:SUNFARM01',
      gridId: 'GRID00001',
      producerId: 'SUNFARM01',
      from: 'GRID00001',
      to: 'sun-address',
      amount: 24,
      currency: 'IOTA',
      reference: 'GRID00001:run:2',
      sentAt: 5,
    });
  });
});

describe('P2P-L6 wallet rule', () => {
  const request = (owed: number, address = 'grid-account'): PaymentRequestValue => ({
    command: 'payment-request',
    requestId: 'r',
    seq: 1,
    gridId: 'GRID00001',
    consumerId: 'HOUSE0001',
    owed,
    usageWh: 0,
    usage: 0,
    outstanding: owed,
    currency: 'IOTA',
    paymentIdOrAddress: address,
    entries: { fromSeq: 1, toSeq: 1 },
    intervals: { fromStart: 0, toStart: 0 },
    issuedAt: 0,
  });

  it('§10.6 example: 15 then 15 → pays 25 (5 left); 10 → nothing (15); 15 → pays 25 (5 left)', () => {
    let wallet = newWallet('HOUSE0001');
    const amounts: (number | null)[] = [];
    for (const [owed, address] of [
      [15, 'a1'],
      [15, 'a2'],
      [10, 'a3'],
      [15, 'a4'],
    ] as const) {
      const step = walletStep(wallet, [request(owed, address)], 25, 0);
      wallet = step.wallet;
      amounts.push(step.payment?.amount ?? null);
      if (step.payment)
        expect(step.payment).toMatchObject({
          to: address,
          reference: 'HOUSE0001',
          currency: 'IOTA',
          paymentId: `HOUSE0001:payment:${wallet.paymentsSent}`,
        });
    }
    expect(amounts).toEqual([null, 25, null, 25]);
    expect(wallet).toMatchObject({ outstanding: 5, totalSent: 50, paymentsSent: 2 });
  });
});
