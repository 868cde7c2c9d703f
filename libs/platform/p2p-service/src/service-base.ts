import { type AppMigrations, type Database, migrateApp, openDatabase } from '@flexgrid/platform-db';
import { type Bus, connectBus } from '@flexgrid/platform-kafka';
import { createService, type Logger, type Service } from '@flexgrid/platform-service';
import { type P2pServiceStartOptions } from './config';
import { cors } from './conventions';
import { mapError } from './errors';

/** How a P2P service's start function takes its listener and backends, in production, in tests and in the dev host. */
export interface P2pStartOptions extends P2pServiceStartOptions {
  /** A bus to share (the dev host's); else one on `kafkaBrokers`, else an in-process bus. */
  bus?: Bus;
  /** A database to share (the dev host's); else one on `databaseUrl`, else an embedded PGlite. */
  database?: Database;
}

/** A P2P service once started and listening. */
export interface RunningP2pService {
  url: string;
  /** Shuts down as on SIGTERM; rejects unless the shutdown completed. */
  stop(): Promise<void>;
}

/** What both P2P services start from: the HTTP service, their database (migrated) and their bus. */
export interface P2pServiceBase {
  service: Service;
  logger: Logger;
  database: Database;
  bus: Bus;
  /**
   * Finishes the start: readiness on Kafka and PostgreSQL, the bus and database closed after the shutdown hooks the
   * service added (those it shares are left open), the listener, and the log line `message` with `fields`.
   */
  listen(message: string, fields: object): Promise<RunningP2pService>;
}

/**
 * Opens what a P2P service stands on. `bodyLimitBytes`: the largest body any route takes; the platform parses JSON
 * (any JSON value: a storage item may be one, §13.1) up to it and each route checks its own (P2P-H2). CORS comes
 * before the body is read, so a body the parser refuses is answered with it too (P2P-H5).
 */
export async function openP2pService(
  name: string,
  options: P2pStartOptions,
  {
    migrations,
    bodyLimitBytes,
    corsOrigins,
  }: { migrations: AppMigrations; bodyLimitBytes: number; corsOrigins: readonly string[] },
): Promise<P2pServiceBase> {
  const service = createService({
    name,
    mapError,
    beforeBody: [cors(corsOrigins)],
    anyJsonValue: true,
    handleSignals: options.handleSignals ?? false,
    config: {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      logLevel: options.logLevel ?? 'info',
      httpBodyLimitBytes: Math.max(options.httpBodyLimitBytes ?? 0, bodyLimitBytes),
    },
  });
  const logger = service.logger;
  const ownDatabase = options.database === undefined;
  const database = options.database ?? (await openDatabase({ url: options.databaseUrl, applicationName: name }));
  await migrateApp(database.pool, migrations);
  const { bus, owned: ownBus } = await connectBus({
    bus: options.bus,
    kafkaBrokers: options.kafkaBrokers,
    kafkaSecurity: options.kafkaSecurity,
    topicPrefix: options.topicPrefix,
    sessionTimeoutMs: options.kafkaSessionTimeoutMs,
    clientId: name,
    logger: logger.child({ module: 'bus' }),
    metrics: service.metrics,
  });
  return {
    service,
    logger,
    database,
    bus,
    listen: async (message, fields) => {
      service.addReadinessCheck('kafka', () => bus.ping());
      service.addReadinessCheck('postgres', () => database.ping());
      if (ownBus) service.onShutdown('bus', () => bus.stop());
      if (ownDatabase) service.onShutdown('postgres', () => database.close());
      const { url } = await service.listen();
      logger.info({ url, ...fields, database: database.description }, message);
      return {
        url,
        stop: async () => {
          const outcome = await service.shutdown('stopped');
          if (outcome !== 'completed') throw new Error(`${name} did not stop cleanly: ${outcome}`);
        },
      };
    },
  };
}
