import { type DeliveredEvent, KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { sideKeyHash } from '@flexgrid/protocol-p2p';
import { createTestDatabase, testKafkaBrokers, type TestDatabase, uniqueTopicPrefix } from '@flexgrid/testing';
import { startProducer } from './app';
import { producerConfigOf, producerEnv } from './config';
import { OPERATOR_TOKEN, operator } from './test-producer.test-util';

const FIRST_SECRET = 'sunfarm-secret-0001';
const SECOND_SECRET = 'sunfarm-secret-0002';

/** P2P-AG8 across restarts of one producer (one database, one topic prefix), as its operator rotates the secret. */
describe("P2P-AG8: the producer's own channel on p2p.producer-output", () => {
  let database: TestDatabase;
  let devices: KafkaBus;
  const topicPrefix = uniqueTopicPrefix('p2p-producer-channel');
  const commands: { command: string; sideKeyHash?: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('p2p-producer-channel');
    devices = new KafkaBus({ brokers: testKafkaBrokers(), clientId: 'p2p-grid-side', topicPrefix });
    await devices.connect();
  });
  afterAll(async () => {
    await devices.stop();
    await database.drop();
  });

  const start = (sideKey: string) =>
    startProducer({
      config: producerConfigOf(
        loadConfig(producerEnv, {
          P2P_PRODUCER_ID: 'SUNFARM01',
          P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
          P2P_PRODUCER_SIDE_KEY: sideKey,
        }),
      ),
      databaseUrl: database.url,
      kafkaBrokers: testKafkaBrokers(),
      topicPrefix,
      logLevel: 'fatal',
      autoRun: false,
    });
  /** The channel commands read back from Kafka (read_committed) once there are `count`. */
  const channelCommands = async (count: number) => {
    for (let i = 0; commands.length < count; i++) {
      if (i > 400) throw new Error(`read ${commands.length} of ${count} channel commands`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return commands.map(({ command, sideKeyHash: hash }) => [command, hash]);
  };

  it('hello at the first start; nothing on a plain restart; goodbye then hello for a new secret; closedown says goodbye, the next start hello', async () => {
    const reader = await devices.subscribe({
      group: `${topicPrefix}grid-side`,
      topics: ['p2p.producer-output'],
      fromBeginning: true,
      handler: async (event: DeliveredEvent) => {
        if (event.type?.startsWith('channel.')) commands.push(event.data as { command: string; sideKeyHash?: string });
      },
    });
    try {
      let producer = await start(FIRST_SECRET);
      expect(await channelCommands(1)).toEqual([['hello', sideKeyHash(FIRST_SECRET)]]);
      await producer.stop();

      producer = await start(FIRST_SECRET);
      await producer.stop();
      producer = await start(SECOND_SECRET);
      // The restart with the same secret sent nothing: the next two are the rotation's.
      expect(await channelCommands(3)).toEqual([
        ['hello', sideKeyHash(FIRST_SECRET)],
        ['goodbye', undefined],
        ['hello', sideKeyHash(SECOND_SECRET)],
      ]);

      const closedown = await fetch(`${producer.url}/api/operator/closedown`, { method: 'POST', headers: operator });
      expect([closedown.status, await closedown.json()]).toEqual([200, { success: true, message: 'OK' }]);
      expect((await channelCommands(4))[3]).toEqual(['goodbye', undefined]);
      await producer.stop();

      producer = await start(SECOND_SECRET);
      expect((await channelCommands(5))[4]).toEqual(['hello', sideKeyHash(SECOND_SECRET)]);
      await producer.stop();
      // Nothing more came after the last hello.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(commands).toHaveLength(5);
    } finally {
      await reader.stop();
    }
  });
});
