import { type PaymentRequestValue } from './payment-request';

/** A consumer wallet's state (§11.1: `outstandingBalance`, `paidBalance`, `paymentsSent`). */
export interface WalletState {
  consumerId: string;
  outstanding: number;
  totalSent: number;
  paymentsSent: number;
  /** Where and in what currency the latest request asked to be paid. */
  payTo: { paymentIdOrAddress: string; currency: string } | null;
}

/** §3.4 `payment.sent`. */
export interface PaymentSentValue {
  paymentId: string;
  from: string;
  to: string;
  amount: number;
  currency: string;
  reference: string;
  sentAt: number;
}

export function newWallet(consumerId: string): WalletState {
  return { consumerId, outstanding: 0, totalSent: 0, paymentsSent: 0, payTo: null };
}

/**
 * P2P-L6, the wallet rule of the simulator and reference client: add the new requests' `owed`, pay
 * `floor(outstanding / chunk)·chunk` to the latest request's address with reference = consumerId.
 */
export function walletStep(wallet: WalletState, requests: readonly PaymentRequestValue[], paymentChunk: number, sentAt: number): { wallet: WalletState; payment: PaymentSentValue | null } {
  let outstanding = wallet.outstanding;
  let payTo = wallet.payTo;
  for (const request of requests) {
    outstanding += request.owed;
    payTo = { paymentIdOrAddress: request.paymentIdOrAddress, currency: request.currency };
  }
  const amount = Math.floor(outstanding / paymentChunk) * paymentChunk;
  if (amount <= 0 || payTo === null) return { wallet: { ...wallet, outstanding, payTo }, payment: null };
  const n = wallet.paymentsSent + 1;
  return {
    wallet: { ...wallet, outstanding: outstanding - amount, totalSent: wallet.totalSent + amount, paymentsSent: n, payTo },
    payment: {
      paymentId: `${wallet.consumerId}:payment:${n}`,
      from: wallet.consumerId,
      to: payTo.paymentIdOrAddress,
      amount,
      currency: payTo.currency,
      reference: wallet.consumerId,
      sentAt,
    },
  };
}
