import { compareIds } from '../units/id-order';
import { type P2PConfig } from '../config/config';
import { P2PError } from '../errors';
import { DueIntervals } from '../time/due-intervals';
import { type BoundIngestion, changedSpan, StreamBook, type StreamRecord } from '../ingestion/ingestion';
import { isFinalAt, type Span } from '../time/interval';
import {
  producerIntervalData,
  type ProducerIntervalData,
  streamIntervalData,
  type StreamIntervalData,
} from '../aggregation/interval-data';
import {
  type ConsumerAccount,
  consumerBalances,
  Ledger,
  type LedgerEntry,
  type MemberAccount,
  type MemberBalances,
  newAccount,
  type ProducerAccount,
  producerBalances,
  type Role,
} from './ledger';
import { issuePaymentRequest, type PaymentRequestValue } from './payment-request';
import { type PaymentEvent, type PayoutSentValue } from './payment-records';
import { type OpenRequest, type Payment, type PaymentOutcome, PaymentsLedger } from './payments';
import { accruedPayouts, EMPTY_POOL, type Payout, payoutSentValue, poolPayoutStep, type PoolState } from './payouts';
import { activeAt, type ChannelCommand, type ChannelOutcome, Registry } from '../channels/registration';
import { type StreamRegistration } from '../channels/channel';
import { addSafe } from '../units/units';
import {
  finaliseInterval,
  type IntervalSettlementState,
  type SettlementFinalisedRecord,
  settleInterval,
  settlementInputs,
  type SettlementInput,
  type SettlementRecord,
  type SettlementTerms,
  settlementTerms,
} from './settlement';

export interface GridOptions {
  config: P2PConfig;
  gridId: string;
  /** `P2P_GRID_PAYMENT_ID_OR_ADDRESS`; default the gridId. */
  paymentIdOrAddress?: string;
  /** P2P-T9: the start of the interval containing the service's first start. */
  epoch: number;
  /** State loaded from storage to continue from (see `GridOpening`). */
  opening?: GridOpening;
}

/**
 * The money state a grid continues from after a restart: accounts (balances and R1 carries), open requests and
 * payments, the pool, the accrued fee and its carry, and the run counter. Registrations, ingested records and
 * interval states are given through `register`, the ingest methods and `restoreInterval`.
 */
export interface GridOpening {
  accounts?: readonly MemberAccount[];
  openRequests?: readonly OpenRequest[];
  payments?: readonly Payment[];
  /** Confirmed, allocated receipts not yet taken by a pool step (P2P-L5). */
  receivedSinceStep?: number;
  pool?: PoolState;
  gridFeeAccrued?: number;
  /** The R1 carry of the accrued fee (`all-time-share`), in minor × bps. */
  feeCarry?: bigint;
  runNo?: number;
  lastAsOf?: number;
  /** The credits of final intervals per producer (P2P-L4). */
  finalCredits?: Readonly<Record<string, number>>;
  /** The payouts sent and whether each was confirmed. */
  payoutsSent?: readonly { paymentId: string; producerId: string; amount: number; confirmed: boolean }[];
}

export type SettlementPublication =
  SettlementRecord | { type: 'settlement.finalised'; ceId: string; value: SettlementFinalisedRecord };

/** What one settlement run decided, to be stored and published in one transaction (P2P-S10). */
export interface SettlementRunResult {
  runNo: number;
  asOf: number;
  settled: number;
  resettled: number;
  adjusted: number;
  finalised: number;
  records: SettlementPublication[];
  entries: LedgerEntry[];
  paymentRequests: PaymentRequestValue[];
  payouts: PayoutSentValue[];
  /** Whether the payout step ran or was throttled (P2P-L5 `payoutThrottleMs`; `per-interval` always runs). */
  payoutStep: 'ran' | 'throttled';
}

/** §10.1 grid balances. */
export interface GridBalances {
  gridFeeAccrued: number;
  gridFeeReceived: number;
  poolAvailable: number;
  unallocated: number;
  /** Confirmed receipts − confirmed payouts. */
  cash: number;
}

/**
 * The grid's settlement domain in memory: registrations, the two ingested topics, the ledger, the payments
 * ledger, the pool and the settlement state per interval, composed in the order of P2P-S10. It is the reference
 * composition of §5–§10 that simulators, tests and benchmarks run; the grid service keeps the same state in
 * PostgreSQL.
 */
export class Grid {
  readonly registry = new Registry<Role>();
  readonly ledger: Ledger;
  readonly payments: PaymentsLedger;
  readonly consumerReadings: StreamBook;
  readonly producerOutputs: StreamBook;
  private readonly terms: SettlementTerms;
  private readonly paymentIdOrAddress: string;
  private readonly intervals = new Map<number, IntervalSettlementState>();
  private readonly provisional = new Set<number>();
  private readonly due: DueIntervals;
  private readonly finalCredits = new Map<string, number>();
  private readonly entriesOf = new Map<string, LedgerEntry[]>();
  private readonly payoutsSent = new Map<string, { producerId: string; amount: number; confirmed: boolean }>();
  private feeCarry = 0n;
  private gridFeeAccrued = 0;
  private pool: PoolState = EMPTY_POOL;
  private runNo = 0;
  private lastAsOf = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: GridOptions) {
    const { config, gridId } = options;
    this.paymentIdOrAddress = options.paymentIdOrAddress ?? gridId;
    const opening = options.opening ?? {};
    this.ledger = new Ledger(opening.accounts ?? []);
    this.due = new DueIntervals(options.epoch, config.intervalMs, config.gridGateClosureMs);
    this.consumerReadings = new StreamBook(config);
    this.producerOutputs = new StreamBook(config);
    this.terms = settlementTerms(config, gridId);
    this.payments = new PaymentsLedger(
      { paymentIdOrAddress: this.paymentIdOrAddress, currency: config.currency },
      (id) => {
        const registration = this.registry.get(id);
        return registration?.role === 'consumer' ? this.ledger.consumer(id) : undefined;
      },
    );
    this.payments.restore({
      requests: opening.openRequests ?? [],
      payments: opening.payments ?? [],
      receivedSinceStep: opening.receivedSinceStep ?? 0,
    });
    this.pool = opening.pool ?? EMPTY_POOL;
    this.gridFeeAccrued = opening.gridFeeAccrued ?? 0;
    this.feeCarry = opening.feeCarry ?? 0n;
    this.runNo = opening.runNo ?? 0;
    this.lastAsOf = opening.lastAsOf ?? Number.NEGATIVE_INFINITY;
    for (const [id, amount] of Object.entries(opening.finalCredits ?? {})) this.finalCredits.set(id, amount);
    for (const payout of opening.payoutsSent ?? [])
      this.payoutsSent.set(payout.paymentId, {
        producerId: payout.producerId,
        amount: payout.amount,
        confirmed: payout.confirmed,
      });
  }

  /** `binding` defaults to the operator's (no hello needed); a proof binding needs a matching hello (P2P-CH3). */
  register(id: string, role: Role, at: number, streamKey: string = id, binding?: StreamRegistration): void {
    const known = this.registry.get(id);
    if (known && known.role !== role)
      throw new P2PError('INVALID_STATE', `Registration '${id}' cannot change its itemType.`);
    this.registry.register(id, role, at, streamKey, binding);
  }

  /** A `channel.hello` or `channel.goodbye` on `meter.readings` or `p2p.producer-output` (P2P-CH3/CH4). */
  channel(command: ChannelCommand): ChannelOutcome {
    return this.registry.channel(command);
  }

  deregister(id: string, at: number): void {
    this.registry.deregister(id, at);
  }

  /** A consumer's `meter.reading` (P2P-IN6 already applied by `readMeterReading`). */
  ingestReading(record: StreamRecord, now: number): BoundIngestion {
    return this.ingest(this.consumerReadings, 'consumer', record, now);
  }

  /** A producer's `producer.output` (see `readProducerOutput`). */
  ingestOutput(record: StreamRecord, now: number): BoundIngestion {
    return this.ingest(this.producerOutputs, 'producer', record, now);
  }

  recordPayment(event: PaymentEvent): PaymentOutcome {
    return this.payments.record(event);
  }

  /** `payout.confirmed` of one of this grid's payouts moves it to `payoutConfirmed` once. */
  recordPayoutConfirmed(paymentId: string): boolean {
    const payout = this.payoutsSent.get(paymentId);
    if (!payout || payout.confirmed) return false;
    payout.confirmed = true;
    const account = this.ledger.producer(payout.producerId);
    account.payoutConfirmed = addSafe(account.payoutConfirmed, payout.amount, 'payoutConfirmed');
    return true;
  }

  /** P2P-S1/S2: the inputs of interval `intervalStart` as they stand. */
  inputsFor(intervalStart: number): SettlementInput[] {
    const span: Span = { start: intervalStart, end: intervalStart + this.options.config.intervalMs };
    const consumers = new Map<string, StreamIntervalData>();
    const producers = new Map<string, ProducerIntervalData>();
    const settled = this.intervals.get(intervalStart)?.positions;
    for (const registration of this.registry.all()) {
      if (registration.role === 'consumer') {
        const data = streamIntervalData(
          this.consumerReadings.effectiveWithin(registration.streamKey, span),
          intervalStart,
          this.options.config.intervalMs,
        );
        if (data) consumers.set(registration.id, data);
      } else {
        const data = producerIntervalData(
          this.producerOutputs.effectiveWithin(registration.streamKey, span),
          intervalStart,
          this.options.config.intervalMs,
        );
        if (data) producers.set(registration.id, data);
      }
    }
    return settlementInputs({
      intervalMs: this.options.config.intervalMs,
      expectedConsumers: this.registry.activeWithin('consumer', span),
      expectedProducers: this.registry.activeWithin('producer', span),
      consumers,
      producers,
      ...(settled ? { settled } : {}),
    });
  }

  /**
   * One settlement run (P2P-S10): settle, re-settle and adjust due intervals in ascending order → finalise →
   * payment requests → payout step. `asOf` must not precede the previous run's. `finaliseEarly` names settled,
   * not yet final intervals the operator finalises now (§14.1), as if their finality lag had passed.
   */
  run(asOf: number, finaliseEarly: readonly number[] = []): SettlementRunResult {
    if (asOf < this.lastAsOf) throw new P2PError('INVALID_STATE', 'asOf must not precede the previous run.');
    for (const n of finaliseEarly) {
      const state = this.intervals.get(n);
      if (!state) throw new P2PError('INVALID_STATE', `Interval ${n} is not settled.`);
      if (state.final) throw new P2PError('INVALID_STATE', `Interval ${n} is already final.`);
    }
    const early = new Set(finaliseEarly);
    this.lastAsOf = asOf;
    const runNo = ++this.runNo;
    const { config } = this.options;
    const result: SettlementRunResult = {
      runNo,
      asOf,
      settled: 0,
      resettled: 0,
      adjusted: 0,
      finalised: 0,
      records: [],
      entries: [],
      paymentRequests: [],
      payouts: [],
      payoutStep: 'ran',
    };
    const run = { runNo, asOf, settledAt: asOf };

    for (const n of this.due.take(asOf)) {
      const previous = this.intervals.get(n);
      const settled = settleInterval({
        terms: this.terms,
        run,
        intervalStart: n,
        inputs: this.inputsFor(n),
        ledger: this.ledger,
        feeCarry: this.feeCarry,
        ...(previous ? { previous } : {}),
      });
      if (!settled) continue;
      this.feeCarry = settled.feeCarry;
      this.gridFeeAccrued = addSafe(this.gridFeeAccrued, settled.record.value.gridLine, 'gridFeeAccrued');
      this.intervals.set(n, settled.state);
      result.records.push(settled.record);
      for (const entry of settled.entries) this.keep(entry);
      result.entries.push(...settled.entries);
      if (!previous) {
        result.settled++;
        this.provisional.add(n);
      } else if (previous.final) {
        result.adjusted++;
        for (const entry of settled.entries)
          if (entry.role === 'producer') this.addFinalCredit(entry.memberId, entry.amount);
      } else {
        result.resettled++;
      }
    }

    for (const n of [...this.provisional].sort((a, b) => a - b)) {
      if (!early.has(n) && !isFinalAt(n, config.intervalMs, asOf, config.finalAfterMs)) continue;
      const finalised = finaliseInterval(this.intervals.get(n) as IntervalSettlementState, this.options.gridId, asOf);
      this.intervals.set(n, finalised.state);
      this.provisional.delete(n);
      for (const [id, position] of finalised.state.positions)
        if (position.role === 'producer') this.addFinalCredit(id, position.amount);
      result.records.push(finalised.record);
      result.finalised++;
    }

    const requestTerms = {
      gridId: this.options.gridId,
      requestMinAmount: config.requestMinAmount,
      currency: config.currency,
      paymentIdOrAddress: this.paymentIdOrAddress,
    };
    for (const registration of this.registry
      .all()
      .filter((r) => r.role === 'consumer' && activeAt(r.periods, asOf))
      .sort((a, b) => compareIds(a.id, b.id))) {
      const account = this.ledger.find(registration.id) as ConsumerAccount | undefined;
      if (!account) continue;
      const request = issuePaymentRequest(account, this.entriesOf.get(account.id) ?? [], requestTerms, asOf);
      if (!request) continue;
      this.payments.openRequest(request);
      result.paymentRequests.push(request);
    }

    const payouts = this.payoutStep(runNo, asOf);
    if (payouts === null) result.payoutStep = 'throttled';
    else result.payouts = payouts;
    return result;
  }

  /** §10.1 grid balances. */
  balances(): GridBalances {
    let unallocated = 0;
    for (const payment of this.payments.unallocated()) unallocated += payment.amount;
    let receipts = 0;
    let payouts = 0;
    for (const account of this.ledger.all()) {
      if (account.role === 'consumer') receipts += account.confirmed;
      else payouts += account.payoutConfirmed;
    }
    return {
      gridFeeAccrued: this.gridFeeAccrued,
      gridFeeReceived: this.pool.gridFeeReceived,
      poolAvailable: this.pool.poolAvailable,
      unallocated,
      cash: receipts - payouts,
    };
  }

  /**
   * §10.1: one read of a member's balances at `at` (a registered member without entries has zeros); undefined
   * for an unknown id.
   */
  balancesOf(id: string, at: number): MemberBalances | undefined {
    const registration = this.registry.get(id);
    if (!registration) return undefined;
    const account = this.ledger.find(id) ?? newAccount(id, registration.role);
    if (account.role === 'consumer') return consumerBalances(account);
    return producerBalances(account, {
      cumOutputWh: this.producerOutputs.effectiveTotalWh(registration.streamKey),
      share: this.share(id, at),
    });
  }

  /** Requests not yet covered by confirmed payments, for the operator and for saving the opening state. */
  openRequests(): OpenRequest[] {
    return this.payments.openRequests();
  }

  /** §10.1 producer `share` in the pool: `{num: cumOutputWh, den: S}`; null if inactive or `S = 0`. */
  share(producerId: string, at: number): { num: number; den: number } | null {
    const producers = this.poolProducers(at);
    const total = producers.reduce((sum, p) => sum + (p.active ? p.cumOutputWh : 0), 0);
    const own = producers.find((p) => p.producerId === producerId);
    return own?.active && total > 0 ? { num: own.cumOutputWh, den: total } : null;
  }

  /**
   * Opening state: an interval as it was settled. A run still takes every due interval from the epoch and
   * those whose data changed; an unchanged restored interval writes nothing (P2P-S7).
   */
  restoreInterval(state: IntervalSettlementState): void {
    this.intervals.set(state.intervalStart, state);
    if (state.final) this.provisional.delete(state.intervalStart);
    else this.provisional.add(state.intervalStart);
  }

  /** The settlement state of an interval, if settled. */
  interval(intervalStart: number): IntervalSettlementState | undefined {
    return this.intervals.get(intervalStart);
  }

  private ingest(book: StreamBook, role: Role, record: StreamRecord, now: number): BoundIngestion {
    const binding = this.registry.bindingOf(record.streamKey);
    if (binding !== 'bound') return { outcome: binding };
    if (this.registry.boundTo(record.streamKey)?.role !== role) return { outcome: 'unbound' };
    const outcome = book.ingest(record, now);
    const changed = changedSpan(outcome);
    if (changed) this.due.changed(changed);
    return outcome;
  }

  private keep(entry: LedgerEntry): void {
    const list = this.entriesOf.get(entry.memberId);
    if (list) list.push(entry);
    else this.entriesOf.set(entry.memberId, [entry]);
  }

  private addFinalCredit(producerId: string, amount: number): void {
    this.finalCredits.set(producerId, addSafe(this.finalCredits.get(producerId) ?? 0, amount, 'final credits'));
  }

  private poolProducers(at: number) {
    return this.registry
      .all()
      .filter((r) => r.role === 'producer')
      .map((r) => ({
        producerId: r.id,
        cumOutputWh: this.producerOutputs.effectiveTotalWh(r.streamKey),
        active: activeAt(r.periods, at),
      }));
  }

  /** P2P-L4 or L5, then the `payout.sent` records to the producers' latest addresses; null when throttled. */
  private payoutStep(runNo: number, asOf: number): PayoutSentValue[] | null {
    const { config } = this.options;
    let payouts: Payout[];
    if (config.allocation === 'per-interval') {
      const positions = this.registry
        .all()
        .filter((r) => r.role === 'producer')
        .map((r) => ({
          producerId: r.id,
          finalCredits: this.finalCredits.get(r.id) ?? 0,
          payoutSent: (this.ledger.find(r.id) as ProducerAccount | undefined)?.payoutSent ?? 0,
        }));
      payouts = accruedPayouts(positions, config.payoutMinAmount);
    } else {
      const step = poolPayoutStep(
        this.pool,
        asOf,
        () => this.payments.takeReceived(),
        this.poolProducers(asOf),
        config,
      );
      if (!step) return null;
      this.pool = step.pool;
      payouts = step.payouts;
    }
    return payouts.map((payout) => {
      const registration = this.registry.get(payout.producerId);
      const latest = registration ? this.producerOutputs.latestEffective(registration.streamKey) : undefined;
      const value = payoutSentValue(payout, {
        gridId: this.options.gridId,
        runNo,
        currency: config.currency,
        sentAt: asOf,
        to: latest?.output?.paymentIdOrAddress ?? payout.producerId,
      });
      const account = this.ledger.producer(payout.producerId);
      account.payoutSent = addSafe(account.payoutSent, payout.amount, 'payoutSent');
      this.payoutsSent.set(value.paymentId, { producerId: payout.producerId, amount: payout.amount, confirmed: false });
      return value;
    });
  }
}
