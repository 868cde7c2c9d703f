import { compareIds } from '../units/id-order';
import { P2PError } from '../errors';
import { type PayoutSentValue } from './payment-records';
import { addSafe, wholeChunks } from '../units/units';

/** One payout decided by a payout step. */
export interface Payout {
  producerId: string;
  amount: number;
}

export function payoutSentValue(
  payout: Payout,
  context: { gridId: string; runNo: number; currency: string; sentAt: number; to: string },
): PayoutSentValue {
  return {
    paymentId: `${context.gridId}:payout:${context.runNo}:${payout.producerId}`,
    gridId: context.gridId,
    producerId: payout.producerId,
    from: context.gridId,
    to: context.to,
    amount: payout.amount,
    currency: context.currency,
    reference: `${context.gridId}:run:${context.runNo}`,
    sentAt: context.sentAt,
  };
}

/** A producer's position for the accrued payout step. */
export interface AccruedPosition {
  producerId: string;
  /** Σ credits of entries of final intervals. */
  finalCredits: number;
  payoutSent: number;
}

/**
 * P2P-L4 (`per-interval`): `payable = Σ final credits − payoutSent`, paid when ≥ `payoutMinAmount`. Payouts do
 * not wait for consumer payments.
 */
export function accruedPayouts(positions: readonly AccruedPosition[], payoutMinAmount: number): Payout[] {
  const payouts: Payout[] = [];
  for (const position of [...positions].sort((a, b) => compareIds(a.producerId, b.producerId))) {
    const payable = position.finalCredits - position.payoutSent;
    if (payable >= payoutMinAmount && payable > 0) payouts.push({ producerId: position.producerId, amount: payable });
  }
  return payouts;
}

/** The grid's pool (P2P-L5); names map to the original's in §11.1. */
export interface PoolState {
  /** `lastTransferCheck`; starts at 0. */
  lastPayoutStep: number;
  cumReceived: number;
  cutTotal: number;
  /** `runningCostsReceived`. */
  gridFeeReceived: number;
  /** `distributionAvailable`. */
  poolAvailable: number;
}

export const EMPTY_POOL: PoolState = {
  lastPayoutStep: 0,
  cumReceived: 0,
  cutTotal: 0,
  gridFeeReceived: 0,
  poolAvailable: 0,
};

export interface PoolProducer {
  producerId: string;
  /** Σ of the producer's effective output ingested so far, settled or not. */
  cumOutputWh: number;
  /** Not deregistered (ours, §17 Q8). */
  active: boolean;
}

export interface PoolTerms {
  poolGridShareBps: number;
  payoutChunk: number;
  payoutThrottleMs: number;
}

/**
 * P2P-L5 (`all-time-share`, the `poc` pool): runs only if `asOf − lastPayoutStep > payoutThrottleMs`; the grid
 * keeps its cut of the cumulative receipts, the pool pays whole chunks by all-time output share, floored per
 * producer, no zero payouts; the remainder stays pooled. `S = 0` pays nothing. Null when throttled.
 */
export function poolPayoutStep(
  pool: PoolState,
  asOf: number,
  /** Takes `received`: called only when the step runs, so a throttled step leaves the receipts for the next. */
  takeReceived: () => number,
  producers: readonly PoolProducer[],
  terms: PoolTerms,
): { pool: PoolState; payouts: Payout[] } | null {
  if (!(asOf - pool.lastPayoutStep > terms.payoutThrottleMs)) return null;
  const received = takeReceived();
  if (!Number.isSafeInteger(received) || received < 0)
    throw new P2PError('INVALID_ARGUMENT', `received must be a non-negative integer, got ${received}.`);
  const cumReceived = addSafe(pool.cumReceived, received, 'cumReceived');
  const cutTotal = Number((BigInt(cumReceived) * BigInt(terms.poolGridShareBps)) / 10_000n);
  const cut = cutTotal - pool.cutTotal;
  let poolAvailable = pool.poolAvailable + received - cut;
  const dist = wholeChunks(poolAvailable, terms.payoutChunk);
  const eligible = producers
    .filter((p) => p.active && p.cumOutputWh > 0)
    .sort((a, b) => compareIds(a.producerId, b.producerId));
  let total = 0n;
  for (const p of eligible) total += BigInt(p.cumOutputWh);
  const payouts: Payout[] = [];
  if (dist > 0 && total > 0n) {
    for (const p of eligible) {
      const amount = Number((BigInt(dist) * BigInt(p.cumOutputWh)) / total);
      if (amount > 0) payouts.push({ producerId: p.producerId, amount });
    }
    for (const payout of payouts) poolAvailable -= payout.amount;
  }
  return {
    pool: { lastPayoutStep: asOf, cumReceived, cutTotal, gridFeeReceived: pool.gridFeeReceived + cut, poolAvailable },
    payouts,
  };
}
