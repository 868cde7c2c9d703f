import type {
  MeterChannelGoodbye,
  MeterChannelHello,
  ProducerChannelGoodbye,
  ProducerChannelHello,
} from '@flexgrid/contracts';
import { inTransaction } from '@flexgrid/platform-db';
import type { DeliveredEvent } from '@flexgrid/platform-kafka';
import type { Logger } from '@flexgrid/platform-service';
import type { Pool } from 'pg';
import { channelStore, STREAM_TOPICS } from '../store/channels';
import { registrationStore, type SettlementRole } from '../store/registrations';

type ChannelValue = MeterChannelHello | MeterChannelGoodbye | ProducerChannelHello | ProducerChannelGoodbye;

const ROLE_OF_TOPIC: Record<string, SettlementRole> = {
  [STREAM_TOPICS.consumer]: 'consumer',
  [STREAM_TOPICS.producer]: 'producer',
};

export interface StreamIntakeOptions {
  pool: Pool;
  logger: Logger;
  now: () => number;
}

/**
 * What the grid reads from its stream topics (§2): the channel lifecycle of every stream key (P2P-CH3/CH4). Each
 * record's effect commits in one transaction before its offset is committed (P2P-IN9), and is idempotent.
 */
export class StreamIntake {
  constructor(private readonly options: StreamIntakeOptions) {}

  async handle(event: DeliveredEvent): Promise<void> {
    if (event.type === 'channel.hello' || event.type === 'channel.goodbye')
      await this.channel(event as DeliveredEvent<ChannelValue>);
  }

  private async channel(event: DeliveredEvent<ChannelValue>): Promise<void> {
    const role = ROLE_OF_TOPIC[event.topic];
    const value = event.data;
    const at = this.options.now();
    await inTransaction(this.options.pool, async (client) => {
      await channelStore.record(
        client,
        {
          topic: event.topic,
          streamKey: event.key,
          command: value.command,
          sideKeyHash: value.command === 'hello' ? value.sideKeyHash : null,
          sentAt: value.sentAt,
        },
        at,
      );
      if (value.command === 'goodbye') {
        const unbound = await registrationStore.unbindStream(client, role, event.key, at);
        if (unbound)
          this.options.logger.info({ registrationId: unbound, stream: event.key }, 'stream unbound by goodbye');
      }
    });
  }
}
