import { P2PError } from '../errors';
import { type ConsumerAccount } from './ledger';
import { type PaymentEvent, type Transfer } from './payment-records';
import { addSafe } from '../units/units';

export const REQUEST_STATUSES = ['requested', 'partially-paid', 'paid', 'confirmed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A payment request as the payments ledger tracks it. */
export interface OpenRequest {
  requestId: string;
  consumerId: string;
  seq: number;
  owed: number;
  /** Covered by sent payments. */
  paid: number;
  /** Covered by confirmed payments. */
  confirmed: number;
}

/** A payment as the grid's payments ledger keeps it. */
export interface Payment extends Transfer {
  confirmedAt: number | null;
  /** The consumer it counts for; null while unallocated (P2P-L3). */
  consumerId: string | null;
  /** The parts of the amount assigned to requests. */
  allocations: { requestId: string; amount: number }[];
  /** The part not yet assigned to a request: the consumer's credit. */
  credit: number;
}

export type PaymentOutcome =
  | { outcome: 'recorded' | 'confirmed' | 'unchanged'; payment: Payment }
  | { outcome: 'rejected'; reason: 'conflict' | 'currency' }
  /** Not addressed to this grid (§3.4). */
  | { outcome: 'ignored' };

export function requestStatus(request: OpenRequest): RequestStatus {
  if (request.confirmed >= request.owed) return 'confirmed';
  if (request.paid >= request.owed) return 'paid';
  return request.paid > 0 ? 'partially-paid' : 'requested';
}

export interface PaymentsTerms {
  paymentIdOrAddress: string;
  currency: string;
}

/**
 * P2P-L3, the grid's payments ledger: payments in any order of sent/confirmed, re-delivery a no-op, conflicts
 * and foreign currencies rejected, allocation decided when a payment is first seen (a requestId → that request,
 * then the consumer's other open requests; a consumerId → its open requests, oldest first; money beyond them
 * is credit for the next requests; anything else stays unallocated until the operator allocates it). Only
 * confirmed, allocated money counts as received.
 */
export class PaymentsLedger {
  private readonly payments = new Map<string, Payment>();
  private readonly requests = new Map<string, OpenRequest>();
  private readonly requestsByConsumer = new Map<string, OpenRequest[]>();
  private receivedSinceStep = 0;

  constructor(
    private readonly terms: PaymentsTerms,
    /** The consumer's account, or undefined when the id is no consumer of this grid. */
    private readonly consumerAccount: (id: string) => ConsumerAccount | undefined,
  ) {}

  /** Applies one payment event. */
  record(event: PaymentEvent): PaymentOutcome {
    if (event.to !== this.terms.paymentIdOrAddress) return { outcome: 'ignored' };
    // §3.4 (the topic's schema): an amount is an integer > 0.
    if (!Number.isSafeInteger(event.amount) || event.amount <= 0)
      throw new P2PError(
        'INVALID_ARGUMENT',
        `payment '${event.paymentId}' has amount ${String(event.amount)}; it must be an integer > 0.`,
      );
    // Checked before the paymentId lookup, so a confirmation in another currency cannot confirm one sent in the grid's.
    if (event.currency !== this.terms.currency) return { outcome: 'rejected', reason: 'currency' };
    const known = this.payments.get(event.paymentId);
    if (known) {
      if (known.amount !== event.amount || known.from !== event.from || known.reference !== event.reference)
        return { outcome: 'rejected', reason: 'conflict' };
      if (event.type === 'payment.confirmed' && known.confirmedAt === null) {
        this.confirm(known, event.confirmedAt ?? event.sentAt);
        return { outcome: 'confirmed', payment: known };
      }
      return { outcome: 'unchanged', payment: known };
    }
    const payment: Payment = {
      paymentId: event.paymentId,
      from: event.from,
      to: event.to,
      amount: event.amount,
      currency: event.currency,
      reference: event.reference,
      sentAt: event.sentAt,
      confirmedAt: null,
      consumerId: null,
      allocations: [],
      credit: 0,
    };
    this.payments.set(payment.paymentId, payment);
    const byRequest = this.requests.get(event.reference);
    const consumerId = byRequest?.consumerId ?? (this.consumerAccount(event.reference) ? event.reference : null);
    if (consumerId !== null) this.allocateTo(payment, consumerId, byRequest);
    if (event.type === 'payment.confirmed') this.confirm(payment, event.confirmedAt ?? event.sentAt);
    return { outcome: 'recorded', payment };
  }

  /** The operator allocates an unallocated payment to a consumer (§14.1; fails if already allocated). */
  allocate(paymentId: string, consumerId: string): Payment {
    const payment = this.payments.get(paymentId);
    if (!payment) throw new P2PError('INVALID_ARGUMENT', `payment '${paymentId}' is unknown.`);
    if (payment.consumerId !== null)
      throw new P2PError('INVALID_STATE', `payment '${paymentId}' is already allocated to '${payment.consumerId}'.`);
    if (!this.consumerAccount(consumerId)) throw new P2PError('INVALID_ARGUMENT', `'${consumerId}' is not a consumer.`);
    this.allocateTo(payment, consumerId, undefined);
    if (payment.confirmedAt !== null) this.countReceived(payment, consumerId);
    return payment;
  }

  /** A new payment request; the consumer's credit pays it, oldest payment first. */
  openRequest(request: { requestId: string; consumerId: string; seq: number; owed: number }): OpenRequest {
    const open: OpenRequest = { ...request, paid: 0, confirmed: 0 };
    this.requests.set(open.requestId, open);
    const list = this.requestsByConsumer.get(open.consumerId) ?? [];
    list.push(open);
    this.requestsByConsumer.set(open.consumerId, list);
    for (const payment of this.payments.values()) {
      if (payment.consumerId !== open.consumerId || payment.credit === 0) continue;
      this.assign(payment, open, Math.min(payment.credit, open.owed - open.paid));
      if (open.paid >= open.owed) break;
    }
    return open;
  }

  /**
   * Opening state from storage: open requests and payments (with their allocations and credit) as they stood,
   * and receipts not yet taken by a payout step. Balances are the accounts'; nothing is re-allocated.
   */
  restore(state: {
    requests?: readonly OpenRequest[];
    payments?: readonly Payment[];
    receivedSinceStep?: number;
  }): void {
    for (const request of state.requests ?? []) {
      const open = { ...request };
      this.requests.set(open.requestId, open);
      const list = this.requestsByConsumer.get(open.consumerId) ?? [];
      list.push(open);
      list.sort((a, b) => a.seq - b.seq);
      this.requestsByConsumer.set(open.consumerId, list);
    }
    for (const payment of state.payments ?? [])
      this.payments.set(payment.paymentId, { ...payment, allocations: payment.allocations.map((a) => ({ ...a })) });
    this.receivedSinceStep = addSafe(this.receivedSinceStep, state.receivedSinceStep ?? 0, 'received');
  }

  /** The requests not yet covered by confirmed payments, per consumer in `seq` order. */
  openRequests(): OpenRequest[] {
    return [...this.requests.values()].filter((r) => r.confirmed < r.owed);
  }

  /** P2P-L5 `received`: confirmed, allocated money since the previous call (operator allocations included). */
  takeReceived(): number {
    const received = this.receivedSinceStep;
    this.receivedSinceStep = 0;
    return received;
  }

  payment(paymentId: string): Payment | undefined {
    return this.payments.get(paymentId);
  }

  unallocated(): Payment[] {
    return [...this.payments.values()].filter((p) => p.consumerId === null);
  }

  private allocateTo(payment: Payment, consumerId: string, first: OpenRequest | undefined): void {
    payment.consumerId = consumerId;
    payment.credit = payment.amount;
    const account = this.consumerAccount(consumerId) as ConsumerAccount;
    account.paid = addSafe(account.paid, payment.amount, 'paid');
    const open = (this.requestsByConsumer.get(consumerId) ?? []).filter((r) => r !== first && r.paid < r.owed);
    for (const request of first && first.paid < first.owed ? [first, ...open] : open) {
      if (payment.credit === 0) break;
      this.assign(payment, request, Math.min(payment.credit, request.owed - request.paid));
    }
  }

  private assign(payment: Payment, request: OpenRequest, amount: number): void {
    payment.credit -= amount;
    payment.allocations.push({ requestId: request.requestId, amount });
    request.paid += amount;
    if (payment.confirmedAt !== null) request.confirmed += amount;
  }

  private confirm(payment: Payment, confirmedAt: number): void {
    payment.confirmedAt = confirmedAt;
    for (const allocation of payment.allocations)
      (this.requests.get(allocation.requestId) as OpenRequest).confirmed += allocation.amount;
    if (payment.consumerId !== null) this.countReceived(payment, payment.consumerId);
  }

  /** Confirmed and allocated: the consumer's `confirmed` and the pool's next `received` (P2P-L3, L5). */
  private countReceived(payment: Payment, consumerId: string): void {
    const account = this.consumerAccount(consumerId) as ConsumerAccount;
    account.confirmed = addSafe(account.confirmed, payment.amount, 'confirmed');
    this.receivedSinceStep = addSafe(this.receivedSinceStep, payment.amount, 'received');
  }
}
