import { EmbeddedBus, KafkaBus, type Bus } from '@flexgrid/platform-kafka';
import { type Database, openDatabase } from '@flexgrid/platform-db';
import { createService, type Logger, type LogLevel } from '@flexgrid/platform-service';
import { join } from 'node:path';
import type { DevApp, RunningDevApp } from './apps';

export interface DevHostOptions {
  apps: readonly DevApp[];
  /** Port of the host's own endpoints (/, /livez, /readyz, /metrics); 0 picks a free one. */
  port: number;
  host: string;
  /** Real backends when set; the embedded bus and PGlite when not. */
  kafkaBrokers?: string[];
  databaseUrl?: string;
  /** Where the embedded PGlite databases keep their files; in memory when absent. */
  dataDir?: string;
  logLevel?: LogLevel;
  /** Per-app port overrides by app name. */
  appPorts?: Record<string, number>;
  /**
   * Stop on SIGTERM and SIGINT and exit, as a service does (main.ts); tests leave it off and call stop().
   * A second signal exits at once.
   */
  handleSignals?: boolean;
  /** Past this, stopping gives up and the process exits with 1 (the service default when absent). */
  shutdownTimeoutMs?: number;
}

export interface RunningDevHost {
  url: string;
  bus: Bus;
  apps: { name: string; url: string; banner: string; database: string }[];
  stop(): Promise<void>;
}

/**
 * Every flexgrid service in one process, for a newcomer's `npm start`: one bus shared by all apps (the
 * embedded one unless KAFKA_BROKERS is set) and one database per app (embedded PGlite unless DATABASE_URL).
 */
export async function startDevHost(options: DevHostOptions): Promise<RunningDevHost> {
  const service = createService({
    name: 'dev-host',
    handleSignals: options.handleSignals ?? false,
    config: {
      port: options.port,
      host: options.host,
      logLevel: options.logLevel ?? 'info',
      shutdownTimeoutMs: options.shutdownTimeoutMs,
    },
  });
  const logger = service.logger;
  const bus: Bus = options.kafkaBrokers
    ? new KafkaBus({
        brokers: options.kafkaBrokers,
        clientId: 'flexgrid-dev',
        logger: logger.child({ module: 'bus' }),
        metrics: service.metrics,
      })
    : new EmbeddedBus({ source: 'flexgrid-dev', logger: logger.child({ module: 'bus' }), metrics: service.metrics });

  const databases: Database[] = [];
  const running: { name: string; app: RunningDevApp; database: Database }[] = [];
  try {
    await bus.ping();
    for (const app of options.apps) {
      const database = await openDatabase({
        url: options.databaseUrl,
        dataDir: options.dataDir ? join(options.dataDir, app.name) : undefined,
        applicationName: app.name,
      });
      databases.push(database);
      const port = options.appPorts?.[app.name] ?? app.port;
      running.push({
        name: app.name,
        database,
        app: await app.start({
          bus,
          database,
          port,
          logger: logger.child({ app: app.name }) as Logger,
          logLevel: options.logLevel ?? 'info',
          started: Object.fromEntries(running.map((r) => [r.name, r.app.url])),
        }),
      });
    }
  } catch (error) {
    await stopAll(running, bus, databases, logger);
    await service.shutdown('start-up failed');
    throw error;
  }

  service.addReadinessCheck('bus', () => bus.ping());
  for (const database of databases)
    service.addReadinessCheck(`database ${database.description}`, () => database.ping());
  const apps = running.map((r) => ({
    name: r.name,
    url: r.app.url,
    banner: r.app.banner ?? r.app.url,
    database: r.database.description,
  }));
  service.app.get('/', (_req, res) => {
    // The addresses only: a banner may name a token.
    res.json({ service: 'flexgrid dev host', bus: bus.description, apps: apps.map(({ banner: _, ...app }) => app) });
  });
  // The apps stop first, so that their consumers drain and outboxes flush while the bus and databases are up.
  service.onShutdown('apps, bus and databases', () => stopAll(running, bus, databases, logger));
  const { url } = await service.listen();

  return {
    url,
    bus,
    apps,
    stop: async () => {
      await service.shutdown('dev host stopped');
    },
  };
}

async function stopAll(
  running: { name: string; app: RunningDevApp }[],
  bus: Bus,
  databases: Database[],
  logger: Logger,
): Promise<void> {
  for (const { name, app } of [...running].reverse()) {
    await app.stop().catch((err) => logger.error({ err, app: name }, 'app did not stop cleanly'));
  }
  await bus.stop().catch((err) => logger.error({ err }, 'bus did not stop cleanly'));
  await Promise.all(
    databases.map((d) => d.close().catch((err) => logger.error({ err }, 'database did not close cleanly'))),
  );
}
