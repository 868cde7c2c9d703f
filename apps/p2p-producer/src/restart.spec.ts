import type { ProducerOutput } from '@flexgrid/contracts';
import { KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { type PrivateKafka, type PrivatePostgres, startPrivateKafka, startPrivatePostgres } from '@flexgrid/testing';
import { Pool } from 'pg';
import { type RunningProducer, startProducer } from './app';
import { producerConfigOf, producerEnv } from './config';
import { OPERATOR_TOKEN } from './test-producer.test-util';

// Kafka and PostgreSQL of this test's own, so they may be killed; the producer keeps running through both.
const T0 = 1_800_000_000_000;
const L = 60_000;
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' };

describe('the producer through a Kafka and a PostgreSQL restart (P2P-IN9, AG6)', () => {
  let kafka: PrivateKafka;
  let postgres: PrivatePostgres;
  let producer: RunningProducer | undefined;
  let devices: KafkaBus;
  let pool: Pool;
  let clock = T0 + 1;

  beforeAll(async () => {
    [kafka, postgres] = await Promise.all([startPrivateKafka(), startPrivatePostgres()]);
    devices = new KafkaBus({ brokers: kafka.brokers, clientId: 'p2p-sources' });
    await devices.connect();
    pool = new Pool({ connectionString: postgres.url, max: 2 });
    pool.on('error', () => undefined);
  }, 180_000);
  afterAll(async () => {
    await producer?.stop().catch(() => undefined);
    await devices?.stop().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await kafka?.destroy();
    await postgres?.destroy();
  }, 60_000);

  const count = async (sql: string) => {
    for (;;)
      try {
        return (await pool.query<{ n: number }>(sql)).rows[0].n;
      } catch {
        // The server is on its way back.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
  };
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; !(await check()); i++) {
      if (i > 1200) throw new Error(`${what}: not within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const reading = (meterId: string, n: number, energyWh: number) => ({
    type: 'meter.reading',
    key: meterId,
    id: `${meterId}:${T0 + n * L}:0`,
    data: { meterId, startTime: T0 + n * L, endTime: T0 + (n + 1) * L, energyWh, source: 'p2p-simulator' },
  });
  const run = async (asOf: number) => {
    clock = asOf;
    const response = await fetch(`${(producer as RunningProducer).url}/api/operator/aggregation-runs`, {
      method: 'POST',
      headers: operator,
      body: '{}',
    });
    return { status: response.status, body: (await response.json()) as { published?: number } };
  };

  it('readings sent while PostgreSQL is down are ingested after it returns; output enqueued while Kafka is down is published once', async () => {
    const config = producerConfigOf(
      loadConfig(producerEnv, {
        P2P_PRODUCER_ID: 'SUNFARM01',
        P2P_OPERATOR_TOKEN: OPERATOR_TOKEN,
        P2P_INTERVAL_MS: String(L),
        P2P_PRODUCER_GATE_CLOSURE_MS: '1000',
      }),
    );
    producer = await startProducer({
      config,
      databaseUrl: postgres.url,
      kafkaBrokers: kafka.brokers,
      kafkaSessionTimeoutMs: 6000,
      logLevel: 'fatal',
      autoRun: false,
      now: () => clock,
    });
    for (const id of ['PANEL0001', 'PANEL0002']) {
      const response = await fetch(`${producer.url}/registration/${id}`, {
        method: 'PUT',
        headers: operator,
        body: JSON.stringify({ itemType: 'solar' }),
      });
      expect(response.status).toBe(200);
    }
    clock = T0 + L + 10;
    await devices.publish('meter.readings', [reading('PANEL0001', 0, 700), reading('PANEL0002', 0, 300)]);
    await until(
      'interval 0 ingested',
      async () => (await count(`select count(*)::int as n from journal where kind = 'reading'`)) === 2,
    );

    // Kafka dies: the run commits its output to the outbox; the relay publishes it once the broker is back.
    await kafka.kill();
    expect(await run(T0 + L + 1001)).toMatchObject({ status: 200, body: { published: 1 } });
    await kafka.restart();

    // PostgreSQL crashes: readings sent meanwhile wait in Kafka, the consumer retries, nothing is lost.
    await postgres.crash();
    clock = T0 + 2 * L + 10;
    await devices.publish('meter.readings', [reading('PANEL0001', 1, 800), reading('PANEL0002', 1, 200)]);
    expect((await run(T0 + 2 * L + 20)).status).toBeGreaterThanOrEqual(500);
    await postgres.restart();
    await until(
      'interval 1 ingested',
      async () => (await count(`select count(*)::int as n from journal where kind = 'reading'`)) === 4,
    );
    expect(await run(T0 + 2 * L + 1001)).toMatchObject({ status: 200, body: { published: 1 } });

    const outputs: { id: string; data: ProducerOutput }[] = [];
    const reader = await devices.subscribe({
      group: 'restart-reader',
      topics: ['p2p.producer-output'],
      fromBeginning: true,
      handler: async (event) => {
        if (event.type === 'producer.output') outputs.push({ id: event.id, data: event.data as ProducerOutput });
      },
    });
    await until('both outputs on Kafka', async () => outputs.length >= 2);
    expect(await run(T0 + 2 * L + 2000)).toMatchObject({ status: 200, body: { published: 0 } });
    await reader.stop();
    expect(outputs.map((o) => [o.id, o.data.outputWh])).toEqual([
      [`SUNFARM01:${T0}:0`, 1000],
      [`SUNFARM01:${T0 + L}:0`, 1000],
    ]);
  }, 240_000);
});
