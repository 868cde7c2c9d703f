import type { MeterReading } from '@flexgrid/contracts';
import { createTestDatabase, testKafkaBrokers } from '@flexgrid/testing';
import type { DevApp } from './apps';
import { startDevHost } from './dev-host';

/** A stand-in app that uses what the host gives it: a table in its own database, and the bus. */
const meterApp: DevApp = {
  name: 'meters',
  port: 0,
  async start({ bus, database }) {
    await database.pool.query('create table seen (id text primary key)');
    const sub = await bus.subscribe({
      group: 'meters',
      topics: ['meter.readings'],
      fromBeginning: true,
      handler: async (e) =>
        void (await database.pool.query('insert into seen values ($1) on conflict do nothing', [e.id])),
    });
    return { url: 'http://127.0.0.1:0', stop: () => sub.stop() };
  },
};

const reading = (i: number) => ({
  type: 'meter.reading',
  key: 'm1',
  id: `dev-${i}`,
  data: { meterId: 'm1', startTime: i, endTime: i + 1, energyWh: i, source: 'dev-host-test' } satisfies MeterReading,
});

describe('dev host', () => {
  it('serves /livez, /readyz and its app list on embedded backends, and stops cleanly', async () => {
    const host = await startDevHost({ apps: [meterApp], port: 0, host: '127.0.0.1', logLevel: 'error' });
    try {
      expect((await fetch(`${host.url}/livez`)).status).toBe(200);
      const ready = await fetch(`${host.url}/readyz`);
      expect(ready.status).toBe(200);
      const index = await (await fetch(`${host.url}/`)).json();
      expect(index).toEqual({
        service: 'flexgrid dev host',
        bus: 'embedded (in-process)',
        apps: [
          {
            name: 'meters',
            url: 'http://127.0.0.1:0',
            database: expect.stringMatching(/^embedded PGlite \(in memory/),
          },
        ],
      });

      await host.bus.publish('meter.readings', [reading(1), reading(2)]);
      const deadline = Date.now() + 10_000;
      const handledBoth =
        /bus_handled_events_total\{[^}]*topic="meter.readings",group="meters",outcome="ok"[^}]*\} 2\n/;
      let body = '';
      while (Date.now() < deadline && !handledBoth.test(body)) {
        body = await (await fetch(`${host.url}/metrics`)).text();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(body).toMatch(handledBoth);
    } finally {
      await host.stop();
    }
    await expect(fetch(`${host.url}/livez`)).rejects.toThrow();
  });

  it('switches to Kafka and PostgreSQL when KAFKA_BROKERS and DATABASE_URL are given', async () => {
    const database = await createTestDatabase('devhost');
    const host = await startDevHost({
      apps: [meterApp],
      port: 0,
      host: '127.0.0.1',
      logLevel: 'error',
      kafkaBrokers: testKafkaBrokers(),
      databaseUrl: database.url,
    });
    try {
      const index = (await (await fetch(`${host.url}/`)).json()) as { bus: string; apps: { database: string }[] };
      expect(index.bus).toBe(`kafka ${testKafkaBrokers().join(',')}`);
      expect(index.apps[0].database).toBe(`postgresql ${new URL(database.url).host}/${database.name}`);
      expect((await fetch(`${host.url}/readyz`)).status).toBe(200);
    } finally {
      await host.stop();
      await database.drop();
    }
  });

  it('fails to start, releasing what it opened, when an app cannot start', async () => {
    const broken: DevApp = { name: 'broken', port: 0, start: () => Promise.reject(new Error('port in use')) };
    await expect(
      startDevHost({ apps: [meterApp, broken], port: 0, host: '127.0.0.1', logLevel: 'fatal' }),
    ).rejects.toThrow('port in use');
  });
});
