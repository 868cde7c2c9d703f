import type { ProducerChannelGoodbye, ProducerChannelHello, ProducerOutput } from '@flexgrid/contracts';
import type { OutboxEntry } from '@flexgrid/platform-db';
import type { ProducerOutputValue } from '@flexgrid/protocol-p2p';

/** The records the producer publishes, built in one place and typed against the catalog (DESIGN.md "records"). */

/** P2P-AG3/AG4 `producer.output`, `ce_id` `<producerId>:<intervalStart>:<revision>` (§3.2). */
export function producerOutputRecord(ceId: string, value: ProducerOutputValue): OutboxEntry {
  return {
    topic: 'p2p.producer-output',
    event: { type: 'producer.output', key: value.producerId, id: ceId, data: { ...value } satisfies ProducerOutput },
  };
}

/** P2P-AG8: the producer's stream opens with a hello proving its secret. */
export function producerHello(producerId: string, sideKeyHash: string, sentAt: number): OutboxEntry {
  const data = { command: 'hello', producerId, sideKeyHash, sentAt } satisfies ProducerChannelHello;
  return {
    topic: 'p2p.producer-output',
    event: { type: 'channel.hello', key: producerId, id: `${producerId}:hello:${sentAt}`, data },
  };
}

/** P2P-AG8: the stream ends (closedown, or before the hello of a new secret). */
export function producerGoodbye(producerId: string, sentAt: number): OutboxEntry {
  const data = { command: 'goodbye', producerId, sentAt } satisfies ProducerChannelGoodbye;
  return {
    topic: 'p2p.producer-output',
    event: { type: 'channel.goodbye', key: producerId, id: `${producerId}:goodbye:${sentAt}`, data },
  };
}
