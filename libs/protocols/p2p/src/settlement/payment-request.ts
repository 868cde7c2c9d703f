import { P2PError } from '../errors';
import { type ConsumerAccount, type LedgerEntry, outstanding, unrequested } from './ledger';
import { addSafe, thousandthsToDecimal } from '../units/units';

/** §3.3 `payment.request`. */
export interface PaymentRequestValue {
  command: 'payment-request';
  /** `<gridId>:<consumerId>:<seq>`. */
  requestId: string;
  seq: number;
  gridId: string;
  consumerId: string;
  /** A delta: minor units newly settled since the previous request. */
  owed: number;
  usageWh: number;
  usage: number;
  outstanding: number;
  currency: string;
  paymentIdOrAddress: string;
  entries: { fromSeq: number; toSeq: number };
  intervals: { fromStart: number; toStart: number };
  issuedAt: number;
}

export interface RequestTerms {
  gridId: string;
  /** `REQUEST_MIN_AMOUNT`, ≥ 1. */
  requestMinAmount: number;
  currency: string;
  /** `P2P_GRID_PAYMENT_ID_OR_ADDRESS`, default the gridId. */
  paymentIdOrAddress: string;
}

/**
 * P2P-L2, one consumer's request step: if `unrequested ≥ requestMinAmount`, one request with `owed =
 * unrequested` covering the entries since the previous request, and `requested += owed`. A negative or small
 * `unrequested` waits. `entries` are the consumer's entries after `requestedThroughSeq`, in `seq` order; the
 * account is updated.
 */
export function issuePaymentRequest(
  account: ConsumerAccount,
  entries: readonly LedgerEntry[],
  terms: RequestTerms,
  issuedAt: number,
): PaymentRequestValue | null {
  if (!Number.isSafeInteger(terms.requestMinAmount) || terms.requestMinAmount < 1) {
    throw new P2PError('INVALID_CONFIG', `requestMinAmount must be an integer ≥ 1, got ${terms.requestMinAmount}.`);
  }
  const owed = unrequested(account);
  if (owed < terms.requestMinAmount) return null;
  const covered = entries.filter((entry) => entry.memberId === account.id && entry.seq > account.requestedThroughSeq);
  // Charges come only from entries, and a request covers every entry up to its last, so a positive
  // unrequested amount always has entries behind it.
  if (covered.length === 0)
    throw new P2PError(
      'INVALID_STATE',
      `consumer '${account.id}' has ${owed} unrequested but no entries after seq ${account.requestedThroughSeq}.`,
    );
  let usageWh = 0;
  let fromStart = Number.POSITIVE_INFINITY;
  let toStart = Number.NEGATIVE_INFINITY;
  for (const entry of covered) {
    usageWh = addSafe(usageWh, entry.billedWh, 'usageWh');
    fromStart = Math.min(fromStart, entry.intervalStart);
    toStart = Math.max(toStart, entry.intervalStart);
  }
  account.requestSeq += 1;
  account.requested = addSafe(account.requested, owed, 'requested');
  account.requestedThroughSeq = covered[covered.length - 1].seq;
  return {
    command: 'payment-request',
    requestId: `${terms.gridId}:${account.id}:${account.requestSeq}`,
    seq: account.requestSeq,
    gridId: terms.gridId,
    consumerId: account.id,
    owed,
    usageWh,
    usage: thousandthsToDecimal(usageWh),
    outstanding: outstanding(account),
    currency: terms.currency,
    paymentIdOrAddress: terms.paymentIdOrAddress,
    entries: { fromSeq: covered[0].seq, toSeq: covered[covered.length - 1].seq },
    intervals: { fromStart, toStart },
    issuedAt,
  };
}
