import { type PrivateKafka, startPrivateKafka } from '@flexgrid/testing';
import { eventually, reading } from './bus-contract.test-util';
import { KafkaBus } from './kafka-bus';

const TOPIC = 'meter.readings';

describe('KafkaBus across a broker crash', () => {
  let broker: PrivateKafka;
  const buses: KafkaBus[] = [];

  beforeAll(async () => {
    broker = await startPrivateKafka();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.stop().catch(() => undefined)));
    await broker.destroy();
  }, 60_000);

  it('loses nothing published before, during and after a SIGKILL of the broker, and readiness follows it', async () => {
    const publisher = new KafkaBus({ brokers: broker.brokers, clientId: 'restart-publisher' });
    const consumer = new KafkaBus({
      brokers: broker.brokers,
      clientId: 'restart-consumer',
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    buses.push(publisher, consumer);
    await publisher.connect();
    const seen = new Set<string>();
    await consumer.subscribe({
      group: 'restart',
      topics: [TOPIC],
      fromBeginning: true,
      handler: async (e) => void seen.add(e.id),
    });

    const batch = (from: number) => Array.from({ length: 100 }, (_, i) => reading(`meter-${i % 10}`, from + i));
    await publisher.publish(TOPIC, batch(0));
    await eventually(() => seen.size === 100, 'the events published before the crash');

    await broker.kill();
    await expect(publisher.ping(1_000)).rejects.toThrow();
    // Published while the broker is down: the producer retries until it is back.
    const duringOutage = publisher.publish(TOPIC, batch(100));
    await broker.restart();
    await duringOutage;
    await publisher.publish(TOPIC, batch(200));
    await expect(publisher.ping()).resolves.toBeUndefined();

    await eventually(() => seen.size === 300, 'every event, including those published during the outage', 60_000);
    const expected = [...batch(0), ...batch(100), ...batch(200)].map((e) => e.id).sort();
    expect([...seen].sort()).toEqual(expected);
  }, 180_000);
});
