import { fetchJson, ProblemError } from '@flexgrid/ui';

/** What the page reads from the grid's operator API (§14.1), as the service answers it. */
export interface GridSummary {
  gridId: string;
  /** The grid's first start: no interval before it is settled. */
  epoch: number;
  profile: string;
  pricingRule: string;
  intervalMs: number;
  gridGateClosureMs: number;
  finalAfterMs: number;
  settleEveryMs: number;
  currency: string;
  currencyDigits: number;
  /** How receipts reach producers (§16 ALLOCATION): credited per interval, or shared from a pool. */
  allocation: 'per-interval' | 'all-time-share';
  balances: {
    gridFeeAccrued: number;
    gridFeeReceived: number;
    poolAvailable: number;
    unallocated: number;
    cash: number;
  };
  lastRun: { runNo: number; asOf: number; summary: Record<string, number | string> } | null;
}

export type IntervalStatus = 'open' | 'due' | 'provisional' | 'final';

export interface Totals {
  producedWh: number;
  consumedWh: number;
  matchedWh: number;
  importWh: number;
  exportWh: number;
}

export interface Interval {
  intervalStart: number;
  intervalEnd: number;
  status: IntervalStatus;
  version?: number | null;
  adjustments?: number;
  totals?: Totals | null;
  gaps?: string[] | null;
  complete?: boolean | null;
  gridLine?: number | null;
}

export interface ConsumerBalances {
  role: 'consumer';
  usageWh: number;
  billedWh: number;
  charged: number;
  requested: number;
  unrequested: number;
  paid: number;
  confirmed: number;
  outstanding: number;
}

export interface ProducerBalances {
  role: 'producer';
  outputWh: number;
  soldWh: number;
  credited: number;
  cumOutputWh: number;
  share: { num: number; den: number } | null;
  payoutSent: number;
  payoutConfirmed: number;
  payoutPending: number;
}

export interface Member {
  id: string;
  itemName: string | null;
  itemType: string | null;
  role: 'producer' | 'consumer' | null;
  status: string;
  createdAt: number;
  updatedAt: number;
  balances: ConsumerBalances | ProducerBalances | null;
}

export interface PaymentRequest {
  requestId: string;
  consumerId: string;
  seq: number;
  owed: number;
  outstanding: number;
  usageWh: number;
  currency: string;
  issuedAt: number;
  intervals: { fromStart: number; toStart: number };
  status: 'requested' | 'partially-paid' | 'paid' | 'confirmed';
}

export interface Payment {
  kind: 'payment';
  paymentId: string;
  from: string;
  to: string;
  amount: number;
  currency: string;
  reference: string;
  sentAt: number;
  confirmedAt: number | null;
  consumerId: string | null;
  allocation: 'allocated' | 'unallocated';
}

export interface Payout {
  paymentId: string;
  producerId: string;
  to: string;
  amount: number;
  currency: string;
  reference: string;
  sentAt: number;
  confirmedAt: number | null;
}

/** P2P-IN8 / P2P-L3: a record the grid refused, once per delivered record. */
export interface RejectedRecord {
  id: string;
  topic: string;
  key: string;
  reason: string;
  at: string;
}

interface Paged<T> {
  items: T[];
  totalItems: number;
  totalPages: number;
}

/** The service answers errors as `{success: false, message}` (§15): shown as a problem with that message. */
function withServiceMessage(error: unknown): unknown {
  if (!(error instanceof ProblemError) || error.problem.detail === undefined) return error;
  try {
    const body = JSON.parse(error.problem.detail) as { message?: unknown };
    if (typeof body.message !== 'string') return error;
    return new ProblemError({ ...error.problem, detail: body.message }, error.request);
  } catch {
    return error;
  }
}

export function isUnauthorised(error: unknown): boolean {
  return error instanceof ProblemError && error.problem.status === 401;
}

/** The operator API with the bearer token the operator signed in with. */
export class OperatorApi {
  constructor(readonly token: string) {}

  async get<T>(path: string): Promise<T> {
    try {
      return await fetchJson<T>(path, { headers: { authorization: `Bearer ${this.token}` } });
    } catch (error) {
      throw withServiceMessage(error);
    }
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    try {
      return await fetchJson<T>(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw withServiceMessage(error);
    }
  }

  /** Every page of a §13.4-paged list, up to `maxPages` of 100. */
  async all<T>(path: string, maxPages = 20): Promise<T[]> {
    const items: T[] = [];
    const join = path.includes('?') ? '&' : '?';
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.get<Paged<T>>(`${path}${join}page=${page}&pageSize=100`);
      items.push(...answer.items);
      if (page + 1 >= answer.totalPages) break;
    }
    return items;
  }

  /** The live stream; EventSource sends no headers, so the token goes in the query (RFC 6750 §2.3). */
  streamUrl(): string {
    return `/api/operator/stream?access_token=${encodeURIComponent(this.token)}`;
  }
}

export interface OperatorData {
  grid: GridSummary;
  intervals: Interval[];
  members: Member[];
  openRequests: PaymentRequest[];
  unallocated: Payment[];
  payouts: Payout[];
  rejected: RejectedRecord[];
  loadedAt: number;
}

/** One consistent read of everything the page shows. */
export async function loadOperatorData(api: OperatorApi): Promise<OperatorData> {
  const grid = await api.get<{ grid: GridSummary }>('/api/operator/grid').then((a) => a.grid);
  // The last day of intervals at 15 min (96), never those before the grid's first start.
  const from = Math.max(grid.epoch, Date.now() - 96 * grid.intervalMs);
  const [intervals, members, requested, partiallyPaid, paid, unallocated, payouts, rejected] = await Promise.all([
    api.all<Interval>(`/api/operator/intervals?from=${from}`, 2),
    api.all<Member>('/api/operator/members', 50),
    api.all<PaymentRequest>('/api/operator/payment-requests?status=requested'),
    api.all<PaymentRequest>('/api/operator/payment-requests?status=partially-paid'),
    api.all<PaymentRequest>('/api/operator/payment-requests?status=paid'),
    api.all<Payment>('/api/operator/payments?allocation=unallocated'),
    api.get<{ items: Payout[] }>('/api/operator/payouts/recent?limit=50').then((a) => a.items),
    api.all<RejectedRecord>('/api/operator/rejected-records', 5),
  ]);
  return {
    grid,
    intervals,
    members,
    openRequests: [...requested, ...partiallyPaid, ...paid],
    unallocated,
    payouts,
    rejected,
    loadedAt: Date.now(),
  };
}
