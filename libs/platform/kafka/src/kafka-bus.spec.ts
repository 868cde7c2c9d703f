import { deadLetterTopicOf } from '@flexgrid/contracts';
import { testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { busContract } from './bus-contract.test-util';
import type { ConsumedRecord } from './delivery';
import { KafkaBus } from './kafka-bus';

const brokers = testKafkaBrokers();
const raw = new Kafka({ clientId: 'bus-contract-raw', brokers, logLevel: logLevel.NOTHING });

busContract('kafka', async () => {
  const prefix = uniqueTopicPrefix('bus');
  const producer = raw.producer({ allowAutoTopicCreation: false });
  let deadLetterReader: Consumer | undefined;
  const dead: ConsumedRecord[] = [];
  await producer.connect();
  return {
    async connect() {
      const bus = new KafkaBus({
        brokers,
        clientId: 'bus-contract',
        topicPrefix: prefix,
        retry: { initialDelayMs: 20, maxDelayMs: 200 },
      });
      await bus.connect();
      return bus;
    },
    async injectRaw(topic, record) {
      await producer.send({ topic: prefix + topic, acks: -1, messages: [record] });
    },
    async deadLetters(topic) {
      if (!deadLetterReader) {
        deadLetterReader = raw.consumer({ groupId: `${prefix}dlq-reader`, maxWaitTimeInMs: 100 });
        await deadLetterReader.connect();
        await deadLetterReader.subscribe({ topics: [prefix + deadLetterTopicOf(topic)], fromBeginning: true });
        await deadLetterReader.run({
          eachMessage: async ({ message, partition }) => {
            const headers = Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()]),
            );
            dead.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers,
            });
          },
        });
      }
      return [...dead];
    },
    async close() {
      await Promise.all([producer.disconnect(), deadLetterReader?.disconnect()]);
    },
  };
});

describe('KafkaBus', () => {
  it('creates every catalog topic with its dead-letter topic and the catalog layout, and never auto-creates', async () => {
    const prefix = uniqueTopicPrefix('topics');
    const bus = new KafkaBus({ brokers, clientId: 'topics-test', topicPrefix: prefix });
    await bus.connect();
    const admin = raw.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({
        topics: [`${prefix}meter.readings`, `${prefix}meter.readings.dlq`],
      });
      expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        [`${prefix}meter.readings`, 6],
        [`${prefix}meter.readings.dlq`, 1],
      ]);
      // Publishing to a topic outside the catalog fails before reaching the broker.
      await expect(bus.publish('no.such.topic', [{ type: 'x', key: 'k', data: {} }])).rejects.toThrow(
        /not in the catalog/,
      );
      expect((await admin.listTopics()).filter((t) => t.startsWith(prefix) && t.includes('no.such'))).toEqual([]);
    } finally {
      await admin.disconnect();
      await bus.stop();
    }
  });

  it('answers ping when the broker is reachable and fails fast when it is not', async () => {
    const bus = new KafkaBus({ brokers, clientId: 'ping-test', createTopics: false });
    await expect(bus.ping()).resolves.toBeUndefined();
    await bus.stop();
    const nowhere = new KafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: 'ping-test',
      createTopics: false,
      requestTimeoutMs: 1_000,
    });
    await expect(nowhere.ping(500)).rejects.toThrow(/did not answer within 500 ms|Connection/);
    await nowhere.stop().catch(() => undefined);
  });
});
