import { deadLetterTopicOf } from '@flexgrid/contracts';
import { testKafkaBrokers, uniqueTopicPrefix } from '@flexgrid/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { type DeliveredEvent, silentLogger } from './bus';
import { busContract, eventually, reading } from './bus-contract.test-util';
import type { ConsumedRecord } from './delivery';
import { KafkaBus, type KafkaBusOptions, levelOfKafkajsLog } from './kafka-bus';

const TOPIC = 'meter.readings';

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

describe('KafkaBus logging', () => {
  it("does not warn about kafkajs's bounded idempotent retries, which the publish time limit makes deliberate", async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
    const bus = new KafkaBus({ brokers, clientId: 'quiet', topicPrefix: uniqueTopicPrefix('quiet'), logger });
    try {
      await bus.publish(TOPIC, [reading('m', 0)]);
    } finally {
      await bus.stop();
    }
    expect(warnings).toEqual([]);
  });

  it('logs as debug the attempts kafkajs retries by itself (tulios/kafkajs#1315), and every other error as error', () => {
    const concurrent =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    expect(levelOfKafkajsLog(logLevel.ERROR, 'Response AddPartitionsToTxn(key: 24, version: 1)', concurrent)).toBe(
      'debug',
    );
    expect(levelOfKafkajsLog(logLevel.ERROR, `Failed to send messages: ${concurrent}`, undefined)).toBe('debug');
    expect(
      levelOfKafkajsLog(
        logLevel.ERROR,
        'Response ListOffsets(key: 2, version: 3)',
        'This server is not the leader for that topic-partition',
      ),
    ).toBe('debug');
    expect(levelOfKafkajsLog(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded', 'Connection timeout')).toBe(
      'error',
    );
    const notLeader = 'This server is not the leader for that topic-partition';
    expect(levelOfKafkajsLog(logLevel.ERROR, `Crash: KafkaJSNumberOfRetriesExceeded: ${notLeader}`, undefined)).toBe(
      'error',
    );
    expect(
      levelOfKafkajsLog(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS', undefined),
    ).toBe('debug');
    expect(levelOfKafkajsLog(logLevel.WARN, 'The group is rebalancing', undefined)).toBe('warn');
  });
});

describe('KafkaBus consumers', () => {
  const buses: KafkaBus[] = [];
  const admin = raw.admin();
  beforeAll(() => admin.connect());
  afterEach(async () => void (await Promise.all(buses.splice(0).map((b) => b.stop()))));
  afterAll(() => admin.disconnect());

  const connect = async (options: Partial<KafkaBusOptions> & { topicPrefix: string }) => {
    const bus = new KafkaBus({
      brokers,
      clientId: 'consumer-test',
      retry: { initialDelayMs: 20, maxDelayMs: 200 },
      ...options,
    });
    buses.push(bus);
    await bus.connect();
    return bus;
  };

  it('keeps a long handler on one member: it heartbeats while the handler runs past the session timeout', async () => {
    const prefix = uniqueTopicPrefix('long');
    const timings = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, topicPrefix: prefix };
    const starts: string[] = [];
    const handler = (member: string) => async (e: DeliveredEvent) => {
      starts.push(`${member}:${e.id}#${e.attempt}`);
      if (e.id === 'm:0') await new Promise((r) => setTimeout(r, 10_000));
    };
    const first = await connect(timings);
    const second = await connect(timings);
    for (const [bus, member] of [
      [first, 'a'],
      [second, 'b'],
    ] as const) {
      await bus.subscribe({ group: 'long', topics: [TOPIC], fromBeginning: true, handler: handler(member) });
    }
    // Both members are in the group before the slow event arrives.
    await first.publish(TOPIC, [reading('warm-up', 0)]);
    await eventually(() => starts.some((s) => s.includes('warm-up')), 'the warm-up event');
    await first.publish(TOPIC, [reading('m', 0), reading('m', 1)]);
    await eventually(() => starts.some((s) => s.endsWith('m:1#1')), 'the event after the slow one', 40_000);
    // Without heartbeats the member handling m:0 would have been dropped after 6 s, and the other member
    // would have started m:0 again while the first was still on it.
    expect(starts.filter((s) => s.includes(':m:0'))).toHaveLength(1);
    expect(starts.filter((s) => s.includes(':m:')).map((s) => s.split(':').slice(1).join(':'))).toEqual([
      'm:0#1',
      'm:1#1',
    ]);
  }, 60_000);

  it('holds a record whose dead letter cannot be written, and writes it when the dead-letter topic is back', async () => {
    const prefix = uniqueTopicPrefix('dlq-down');
    const bus = await connect({ topicPrefix: prefix });
    const got: string[] = [];
    await bus.subscribe({
      group: 'g',
      topics: [TOPIC],
      fromBeginning: true,
      handler: async (e) => void got.push(e.id),
    });
    const dlq = `${prefix}${deadLetterTopicOf(TOPIC)}`;
    await admin.deleteTopics({ topics: [dlq] });
    await eventually(async () => !(await admin.listTopics()).includes(dlq), 'the dead-letter topic to go');

    const producer = raw.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: prefix + TOPIC,
      acks: -1,
      messages: [{ key: 'm', value: '{not json', headers: { ce_specversion: '1.0', ce_id: 'garbage' } }],
    });
    await producer.disconnect();
    await bus.publish(TOPIC, [reading('m', 1)]);
    await new Promise((r) => setTimeout(r, 3_000));
    // The poison record is neither committed nor skipped while its dead letter cannot be written.
    expect(got).toEqual([]);

    await bus.createTopics();
    await eventually(() => got.length === 1, 'the event after the poison record', 60_000);
    expect(got).toEqual(['m:1']);
    const reader = raw.consumer({ groupId: `${prefix}dlq-reader`, maxWaitTimeInMs: 100 });
    const dead: string[] = [];
    await reader.connect();
    await reader.subscribe({ topics: [dlq], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dead.push(String(message.headers?.['ce_id'])) });
    await eventually(() => dead.length === 1, 'the dead letter');
    await reader.disconnect();
    expect(dead).toEqual(['garbage']);
  }, 90_000);

  it('shares one metrics registry between buses and counts publishes, dead letters by reason, retries and lag', async () => {
    const prefix = uniqueTopicPrefix('metrics');
    const registry = new Registry();
    const publisher = await connect({ topicPrefix: prefix, metrics: registry });
    const consumer = await connect({ topicPrefix: prefix, metrics: registry });
    await consumer.subscribe({
      group: 'metered',
      topics: [TOPIC],
      fromBeginning: true,
      retry: { maxAttempts: 2, initialDelayMs: 1_000 },
      handler: async (e) => {
        if (e.id === 'm:1') throw new Error('database unavailable');
      },
    });
    await publisher.publish(TOPIC, [reading('m', 0), reading('m', 1), reading('m', 2)]);
    const value = async (name: string, labels: Record<string, string>, sampleName = name) => {
      const metric = await registry.getSingleMetric(name)?.get();
      const sample = metric?.values.find(
        (v) =>
          ((v as { metricName?: string }).metricName ?? name) === sampleName &&
          Object.entries(labels).every(([k, l]) => v.labels[k] === l),
      );
      return sample?.value;
    };
    await eventually(
      async () => (await value('bus_retries_in_progress', { topic: TOPIC })) === 1,
      'a retry in progress',
    );
    await eventually(
      async () => (await value('bus_dead_lettered_events_total', { topic: TOPIC, reason: 'handler-failed' })) === 1,
      'the dead letter counted',
    );
    expect(await value('bus_retries_in_progress', { topic: TOPIC })).toBe(0);
    expect(await value('bus_published_events_total', { topic: TOPIC })).toBe(3);
    expect(await value('bus_publish_duration_seconds', { topic: TOPIC }, 'bus_publish_duration_seconds_count')).toBe(1);
    expect(await value('bus_handled_events_total', { topic: TOPIC, group: 'metered', outcome: 'error' })).toBe(2);
    await eventually(async () => {
      const lags = (await registry.getSingleMetric('bus_consumer_lag_records')?.get())?.values ?? [];
      return lags.length > 0 && lags.every((l) => l.value === 0);
    }, 'a lag of 0 on the partition handled');
  });
});
