import { testKafkaBrokers } from '@flexgrid/testing';
import { connectBus } from './connect-bus';
import { EmbeddedBus } from './embedded-bus';
import { KafkaBus } from './kafka-bus';

describe('connectBus', () => {
  it('uses a given bus without owning it; else Kafka on the brokers; else an in-process bus', async () => {
    const shared = new EmbeddedBus({ source: 'host' });
    expect(await connectBus({ bus: shared, kafkaBrokers: testKafkaBrokers(), clientId: 'app' })).toEqual({
      bus: shared,
      owned: false,
    });
    const embedded = await connectBus({ kafkaBrokers: [], clientId: 'app' });
    expect(embedded.bus).toBeInstanceOf(EmbeddedBus);
    expect(embedded.owned).toBe(true);
    const kafka = await connectBus({ kafkaBrokers: testKafkaBrokers(), clientId: 'app', sessionTimeoutMs: 6000 });
    try {
      expect(kafka.bus).toBeInstanceOf(KafkaBus);
      expect(kafka.owned).toBe(true);
      await kafka.bus.ping();
    } finally {
      await kafka.bus.stop();
      await embedded.bus.stop();
    }
  });
});
