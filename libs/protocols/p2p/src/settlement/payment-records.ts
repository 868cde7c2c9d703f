/** §3.4: what every record on `p2p.payments` carries, whoever sends it. */
export interface Transfer {
  paymentId: string;
  from: string;
  to: string;
  /** Integer > 0, in minor units. */
  amount: number;
  currency: string;
  /** A consumerId or a requestId (payments), `<gridId>:run:<runNo>` (payouts). */
  reference: string;
  sentAt: number;
}

/** §3.4 `payment.sent` from a consumer wallet (P2P-L6). */
export type PaymentSentValue = Transfer;

/** §3.4 `payment.sent` / `payment.confirmed` as the grid reads them; a confirmation alone implies the send. */
export interface PaymentEvent extends Transfer {
  type: 'payment.sent' | 'payment.confirmed';
  confirmedAt?: number;
}

/** §3.4 `payout.sent` from the grid: `paymentId` `<gridId>:payout:<runNo>:<producerId>`, `from` the gridId. */
export interface PayoutSentValue extends Transfer {
  gridId: string;
  producerId: string;
}

/** §3.4 `payout.confirmed` from the payment rail: the payout's fields and when it arrived. */
export interface PayoutConfirmedValue extends PayoutSentValue {
  confirmedAt: number;
}
