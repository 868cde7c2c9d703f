import type {
  ConsumerChannelGoodbye,
  ConsumerChannelHello,
  PaymentRequest,
  PayoutSent,
  SettlementAdjustment,
  SettlementFinalised,
  SettlementInterval,
} from '@flexgrid/contracts';
import type { OutboxEntry } from '@flexgrid/platform-db';
import type { PaymentRequestValue, PayoutSentValue, SettlementPublication } from '@flexgrid/protocol-p2p';

/** The lib's interfaces as plain object types, which the catalog's JSON Schema types (open objects) accept. */
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
const plain = <T>(value: T) => value as Plain<T>;

/** The consumers' return channels (P2P-CH5). */
const PAYMENT_REQUESTS = 'p2p.payment-requests';

/** The records the grid publishes, built in one place and typed against the catalog (DESIGN.md "records"). */

/** P2P-CH5: the return channel to a consumer opens with a hello carrying the grid's verification key. */
export function returnChannelHello(
  gridId: string,
  consumerId: string,
  verificationKey: string,
  sentAt: number,
): OutboxEntry {
  const data = { command: 'hello', consumerId, gridId, verificationKey, sentAt } satisfies ConsumerChannelHello;
  return {
    topic: PAYMENT_REQUESTS,
    event: { type: 'channel.hello', key: consumerId, id: `${consumerId}:hello:${sentAt}`, data },
  };
}

/** §12.3: deregistration closes the consumer's return channel. */
export function returnChannelGoodbye(gridId: string, consumerId: string, sentAt: number): OutboxEntry {
  const data = { command: 'goodbye', consumerId, gridId, sentAt } satisfies ConsumerChannelGoodbye;
  return {
    topic: PAYMENT_REQUESTS,
    event: { type: 'channel.goodbye', key: consumerId, id: `${consumerId}:goodbye:${sentAt}`, data },
  };
}

/**
 * P2P-S5/S8/S9 on `p2p.settlements`, keyed by the gridId, `ce_id` as §3.5 fixes it. The value is stored as JSON text,
 * which the outbox keeps as it is instead of parsing it (an interval of 10,000 members is megabytes).
 */
export function settlementRecord(gridId: string, publication: SettlementPublication): OutboxEntry {
  const event =
    publication.type === 'settlement.interval'
      ? { type: publication.type, data: plain(publication.value) satisfies SettlementInterval }
      : publication.type === 'settlement.adjustment'
        ? { type: publication.type, data: plain(publication.value) satisfies SettlementAdjustment }
        : { type: publication.type, data: plain(publication.value) satisfies SettlementFinalised };
  return {
    topic: 'p2p.settlements',
    event: { ...event, key: gridId, id: publication.ceId, value: JSON.stringify(publication.value) },
  };
}

/** P2P-L2 `payment.request` on the consumer's return channel; `ce_id` = requestId (§3.3). */
export function paymentRequestRecord(request: PaymentRequestValue): OutboxEntry {
  const data = { ...request } satisfies PaymentRequest;
  return {
    topic: PAYMENT_REQUESTS,
    // The value is stored as sent: `ce_p2psig` is made over exactly these bytes when the relay publishes it.
    event: {
      type: 'payment.request',
      key: request.consumerId,
      id: request.requestId,
      data,
      value: JSON.stringify(data),
    },
  };
}

/**
 * P2P-CH5: the outbox relay's `publishExtensions`, signing each payment request's stored value with the grid key
 * as it is published (Ed25519 is deterministic, so a batch published again carries the same signatures). A
 * settlement run of 10,000 members makes thousands of requests; signing them in its transaction cost it a third
 * of its time.
 */
export function paymentRequestSignatures(sign: (valueBytes: Uint8Array) => Promise<string>) {
  return (row: { topic: string; type: string; value: string }): Promise<{ p2psig: string }> | undefined =>
    row.topic === PAYMENT_REQUESTS && row.type === 'payment.request'
      ? sign(Buffer.from(row.value)).then((p2psig) => ({ p2psig }))
      : undefined;
}

/** P2P-L4/L5 `payout.sent`, `ce_id` `<paymentId>:payout.sent` (§3.4). */
export function payoutSentRecord(payout: PayoutSentValue): OutboxEntry {
  return {
    topic: 'p2p.payments',
    event: {
      type: 'payout.sent',
      key: payout.paymentId,
      id: `${payout.paymentId}:payout.sent`,
      data: { ...payout } satisfies PayoutSent,
    },
  };
}
