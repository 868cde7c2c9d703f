import { deadLetterTopicOf } from '@flexgrid/contracts';
import type { Bus } from './bus';
import { busContract } from './bus-contract.test-util';
import { EmbeddedBus } from './embedded-bus';

busContract('embedded', async () => {
  // The EmbeddedBus instance plays the broker; each connect() is a client whose stop() ends only its own work.
  const broker = new EmbeddedBus({ source: 'test', retry: { initialDelayMs: 10, maxDelayMs: 50 } });
  return {
    async connect(): Promise<Bus> {
      const subscriptions: { stop(): Promise<void> }[] = [];
      return {
        description: broker.description,
        durable: broker.durable,
        publish: (topic, events) => broker.publish(topic, events),
        publishAtomically: (outbox, batches, checkpoint) => broker.publishAtomically(outbox, batches, checkpoint),
        outboxCheckpoint: (outbox) => broker.outboxCheckpoint(outbox),
        ping: () => broker.ping(),
        subscribe: async (options) => {
          const s = await broker.subscribe(options);
          subscriptions.push(s);
          return s;
        },
        stop: async () => void (await Promise.all(subscriptions.map((s) => s.stop()))),
      };
    },
    injectRaw: async (topic, record) => broker.appendRaw(topic, record),
    deadLetters: async (topic) => [...broker.read(deadLetterTopicOf(topic), 0)],
    close: () => broker.stop(),
  };
});

describe('EmbeddedBus', () => {
  it('refuses a topic that is not in the catalog', async () => {
    const bus = new EmbeddedBus({ source: 'test' });
    await expect(bus.subscribe({ group: 'g', topics: ['nope'], handler: async () => undefined })).rejects.toThrow(
      /topic nope does not exist/,
    );
  });

  it('drops the oldest records past its size limit, keeping offsets', async () => {
    const bus = new EmbeddedBus({ source: 'test', maxRecordsPerPartition: 2 });
    const event = (i: number) => ({
      type: 'meter.reading',
      key: 'k',
      data: { meterId: 'k', startTime: i, endTime: i + 1, source: 't' },
    });
    await bus.publish('meter.readings', [event(0), event(1), event(2)]);
    const partition = [0, 1, 2, 3, 4, 5].find((p) => bus.read('meter.readings', p).length > 0)!;
    expect(bus.read('meter.readings', partition).map((r) => r.offset)).toEqual(['1', '2']);
  });
});
