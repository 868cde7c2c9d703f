import { type PaymentSentValue } from './payment-records';
import { type PaymentRequestValue } from './payment-request';
import { addSafe, wholeChunks } from '../units/units';

/** A consumer wallet's state (§11.1: `outstandingBalance`, `paidBalance`, `paymentsSent`). */
export interface WalletState {
  consumerId: string;
  outstanding: number;
  totalSent: number;
  paymentsSent: number;
  /** Where and in what currency the latest request asked to be paid. */
  payTo: { paymentIdOrAddress: string; currency: string } | null;
}

export function newWallet(consumerId: string): WalletState {
  return { consumerId, outstanding: 0, totalSent: 0, paymentsSent: 0, payTo: null };
}

/**
 * P2P-L6, the wallet rule of the simulator and reference client: add the new requests' `owed`, pay
 * `floor(outstanding / chunk)·chunk` to the latest request's address with reference = consumerId.
 */
export function walletStep(
  wallet: WalletState,
  requests: readonly PaymentRequestValue[],
  paymentChunk: number,
  sentAt: number,
): { wallet: WalletState; payment: PaymentSentValue | null } {
  let outstanding = wallet.outstanding;
  let payTo = wallet.payTo;
  for (const request of requests) {
    outstanding = addSafe(outstanding, request.owed, 'outstanding');
    payTo = { paymentIdOrAddress: request.paymentIdOrAddress, currency: request.currency };
  }
  const amount = wholeChunks(outstanding, paymentChunk);
  if (amount <= 0 || payTo === null) return { wallet: { ...wallet, outstanding, payTo }, payment: null };
  const n = wallet.paymentsSent + 1;
  return {
    wallet: {
      ...wallet,
      outstanding: outstanding - amount,
      totalSent: addSafe(wallet.totalSent, amount, 'totalSent'),
      paymentsSent: n,
      payTo,
    },
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
