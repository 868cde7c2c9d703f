import { join } from 'node:path';
import type { MeterReading } from '@flexgrid/contracts';
import { loadMigrations, migrate, openDatabase } from '@flexgrid/platform-db';
import { KafkaBus } from '@flexgrid/platform-kafka';
import { createService, type ErrorMapper, type LogLevel } from '@flexgrid/platform-service';
import type { WebSocket } from 'ws';

/**
 * The smallest app built the way the five flexgrid apps are: platform service, Kafka bus, PostgreSQL with
 * migrations. It keeps meters; a reading posted for one is published on `meter.readings`, and what the app
 * consumes from that topic it stores and pushes to the websocket clients of `/readings/ws`. Its tests show
 * how an app is tested with libs/testing's startTestApp.
 */
export interface ExampleAppOptions {
  databaseUrl: string;
  kafkaBrokers: string[];
  topicPrefix?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logLevel?: LogLevel;
}

export interface RunningExampleApp {
  url: string;
  /** Shuts down as on SIGTERM; rejects unless the shutdown completed. */
  stop(): Promise<void>;
}

const name = 'example-app';

class UnknownMeter extends Error {
  constructor(readonly meterId: string) {
    super(`meter ${meterId} does not exist`);
  }
}

const mapError: ErrorMapper = (error) =>
  error instanceof UnknownMeter ? { title: 'Unknown meter', status: 404, detail: error.message } : undefined;

export async function startExampleApp(options: ExampleAppOptions): Promise<RunningExampleApp> {
  const service = createService({
    name,
    mapError,
    handleSignals: false,
    config: { host: options.host ?? '127.0.0.1', port: options.port ?? 0, logLevel: options.logLevel ?? 'warn' },
  });
  const database = await openDatabase({ url: options.databaseUrl, applicationName: name });
  await migrate(database.pool, name, await loadMigrations(join(__dirname, '../migrations')));
  const bus = new KafkaBus({
    brokers: options.kafkaBrokers,
    clientId: name,
    topicPrefix: options.topicPrefix,
    logger: service.logger.child({ module: 'bus' }),
    metrics: service.metrics,
  });
  await bus.connect();

  const listeners = new Set<WebSocket>();
  service.websocket('/readings/ws', (socket) => {
    listeners.add(socket);
    socket.once('close', () => listeners.delete(socket));
  });

  service.app.get('/meters', async (_req, res) => {
    const { rows } = await database.pool.query(
      `select m.meter_id as "meterId", m.name, coalesce(sum(r.energy_wh), 0)::int as "energyWh"
         from meters m left join readings r using (meter_id) group by m.meter_id order by m.meter_id`,
    );
    res.json(rows);
  });

  service.app.post('/meters/:meterId/readings', async (req, res) => {
    const { meterId } = req.params;
    const { rowCount } = await database.pool.query('select 1 from meters where meter_id = $1', [meterId]);
    if (rowCount === 0) throw new UnknownMeter(meterId);
    const body = req.body as { startTime: number; endTime: number; energyWh: number };
    const reading = {
      meterId,
      startTime: body.startTime,
      endTime: body.endTime,
      energyWh: body.energyWh,
      source: name,
    } satisfies MeterReading;
    await bus.publish('meter.readings', [
      { type: 'meter.reading', key: meterId, id: `${meterId}@${body.startTime}`, data: reading },
    ]);
    res.status(202).json(reading);
  });

  const subscription = await bus.subscribe({
    group: name,
    topics: ['meter.readings'],
    fromBeginning: true,
    handler: async (event) => {
      const reading = event.data as MeterReading;
      await database.pool.query(
        `insert into readings (meter_id, start_time, end_time, energy_wh) values ($1, $2, $3, $4)
           on conflict do nothing`,
        [reading.meterId, reading.startTime, reading.endTime, reading.energyWh ?? 0],
      );
      for (const socket of listeners) socket.send(JSON.stringify(reading));
    },
  });

  service.addReadinessCheck('kafka', () => bus.ping());
  service.addReadinessCheck('postgres', () => database.ping());
  service.onShutdown('consumers', () => subscription.stop());
  service.onShutdown('bus', () => bus.stop());
  service.onShutdown('postgres', () => database.close());
  const { url } = await service.listen();
  return {
    url,
    stop: async () => {
      const outcome = await service.shutdown('stopped');
      if (outcome !== 'completed') throw new Error(`${name} did not stop cleanly: ${outcome}`);
    },
  };
}
