import type { ConsumerChannelGoodbye, ConsumerChannelHello } from '@flexgrid/contracts';
import type { OutboxEntry } from '@flexgrid/platform-db';

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
    topic: 'p2p.payment-requests',
    event: { type: 'channel.hello', key: consumerId, id: `${consumerId}:hello:${sentAt}`, data },
  };
}

/** §12.3: deregistration closes the consumer's return channel. */
export function returnChannelGoodbye(gridId: string, consumerId: string, sentAt: number): OutboxEntry {
  const data = { command: 'goodbye', consumerId, gridId, sentAt } satisfies ConsumerChannelGoodbye;
  return {
    topic: 'p2p.payment-requests',
    event: { type: 'channel.goodbye', key: consumerId, id: `${consumerId}:goodbye:${sentAt}`, data },
  };
}
