/**
 * startOpenadrVtn: the VTN composed from its parts, as main.ts and the dev host both start it: the operator
 * service (API-1, health, metrics) on one port, the OpenADR listener (§1) on another, PostgreSQL with the
 * outbox relay to Kafka, and the offline sweeper.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_CIPHERS } from 'node:tls';
import { type AppMigrations, type Database, migrateApp, openDatabase, startOutboxRelay } from '@flexgrid/platform-db';
import { type Bus, KafkaBus, type KafkaAuthConfig, type KafkaSecurity } from '@flexgrid/platform-kafka';
import { createService, type LogLevel } from '@flexgrid/platform-service';
import type { VtnConfig } from './config';
import { newUuid, type VtnContext, vtnMetrics } from './domain/context';
import { LastSeenWriter, OfflineSweeper } from './domain/online';
import { Vtn } from './domain/vtn';
import { problemOf } from './errors';
import { mountOperatorApi } from './http/api';
import { openadrHandler } from './http/openadr';
import { PgVtnStore } from './store/pg-store';
import { PollViews, VenChangeListener } from './store/poll-views';

export type VtnOptions = Omit<
  VtnConfig,
  'logLevel' | 'databaseUrl' | 'kafkaBrokers' | 'databasePoolSize' | keyof KafkaAuthConfig
> & {
  readonly databasePoolSize?: number;
  readonly logLevel?: LogLevel;
  readonly databaseUrl?: string;
  readonly kafkaBrokers?: string[];
  /** TLS and SASL for `kafkaBrokers` (kafkaSecurityOf of the KAFKA_SSL and KAFKA_SASL_* settings). */
  readonly kafkaSecurity?: KafkaSecurity;
  /** Prefix of topics and consumer groups (tests). */
  readonly topicPrefix?: string;
  /** A bus and a database of the host's (the dev host); otherwise built from the URLs. */
  readonly bus?: Bus;
  readonly database?: Database;
  /** Stop on SIGTERM/SIGINT and exit (main.ts); off for tests and the dev host. */
  readonly handleSignals?: boolean;
  /** The protocol clock (epoch ms): tests move it instead of waiting out redelivery and rate windows. */
  readonly clock?: () => number;
};

export interface RunningVtn {
  /** The operator listener: API, page, health, metrics. */
  readonly url: string;
  /** The OpenADR listener, e.g. https://127.0.0.1:8443/OpenADR2/Simple/2.0b */
  readonly openadrUrl: string;
  readonly vtn: VtnContext;
  /** Runs one offline sweep now (tests). */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

const name = 'openadr-vtn';

/** What the start and `main.js migrate` apply. */
export const vtnMigrations: AppMigrations = {
  app: name,
  directory: join(__dirname, '../migrations'),
  outbox: true,
};

function files(paths: readonly string[] | undefined): Buffer[] {
  return (paths ?? []).map((path) => readFileSync(path));
}

export async function startOpenadrVtn(options: VtnOptions): Promise<RunningVtn> {
  const tls = options.tls === 'on';
  const service = createService({
    name,
    mapError: problemOf,
    handleSignals: options.handleSignals ?? false,
    config: { host: options.apiHost, port: options.apiPort, logLevel: options.logLevel ?? 'info' },
  });
  const logger = service.logger;
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      url: options.databaseUrl,
      applicationName: name,
      maxConnections: options.databasePoolSize ?? 20,
    }));
  await migrateApp(database.pool, vtnMigrations);
  const ownsBus = !options.bus;
  let bus: Bus;
  if (options.bus) bus = options.bus;
  else {
    const kafka = new KafkaBus({
      brokers: options.kafkaBrokers ?? [],
      clientId: name,
      topicPrefix: options.topicPrefix,
      ...options.kafkaSecurity,
      logger: logger.child({ module: 'bus' }),
      metrics: service.metrics,
    });
    await kafka.connect();
    bus = kafka;
  }
  const relay = startOutboxRelay(database, bus, {
    name,
    logger: logger.child({ module: 'outbox' }),
    metrics: service.metrics,
  });

  // DB-3: polls answered from memory where notifications keep it current; PGlite's one connection cannot
  // also hold a LISTEN, so the embedded database always reads.
  const views = new PollViews();
  const changes = database.embedded
    ? undefined
    : new VenChangeListener(database.pool, views, logger.child({ module: 'ven-changes' }));
  await changes?.start();
  const store = new PgVtnStore(database.pool, views);
  const vtnLogger = logger.child({ module: 'vtn' });
  const lastSeen = new LastSeenWriter({ store, logger: vtnLogger }, options.lastSeenResolution * 1000);
  lastSeen.start();
  const context: VtnContext = {
    store,
    settings: {
      vtnId: options.vtnId,
      pollFreq: options.pollFreq,
      registrationPolicy: options.registrationPolicy,
      tls,
      defaultMarketContext: options.defaultMarketContext,
      requestedReports: options.requestedReports,
      reportGranularity: options.reportGranularity,
      reportBackMultiple: options.reportBackMultiple,
      sendVtnMetadata: options.sendVtnMetadata,
      redeliveryAfter: options.redeliveryAfter,
      maxDeliveries: options.maxDeliveries,
      cancelledRetention: options.cancelledRetention,
      offlineMissedPolls: options.offlineMissedPolls,
      lastSeenResolution: options.lastSeenResolution,
    },
    logger: vtnLogger,
    metrics: vtnMetrics(service.metrics),
    lastSeen,
    newId: newUuid,
    published: () => relay.wake(),
    now: options.clock ?? (() => Date.now()),
  };
  const vtn = new Vtn(context);
  // API-2: the operator page, under /ui/.
  service.serveUi(join(__dirname, '../dist/ui'));
  mountOperatorApi(service, context, options.apiTokens);

  let accepting = true;
  const handler = openadrHandler(context, vtn, {
    tls,
    maxBodyBytes: options.maxBodyBytes,
    rateLimitPerVen: options.rateLimitPerVen,
    ...(options.clientCertHeader !== undefined && { clientCertHeader: options.clientCertHeader }),
    trustedProxies: options.trustedProxies,
    logger: logger.child({ module: 'openadr' }),
    metrics: service.metrics,
    accepting: () => accepting,
  });
  const listener: Server = tls
    ? createHttpsServer(
        {
          key: files(options.tlsKey),
          cert: files(options.tlsCert),
          ca: files(options.tlsCa),
          requestCert: true,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.2',
          maxVersion: options.tlsMaxVersion,
          ciphers: `${DEFAULT_CIPHERS}:ECDHE-ECDSA-AES128-SHA256:AES128-SHA256`,
        },
        handler,
      )
    : createHttpServer(handler);
  listener.keepAliveTimeout = 65_000;
  listener.headersTimeout = 10_000;
  listener.requestTimeout = 30_000;
  const host = options.host ?? (tls ? '0.0.0.0' : '127.0.0.1');
  const port = options.port ?? (tls ? 8443 : 8080);
  if (!tls) logger.warn({ host, port }, 'OpenADR on plain HTTP (OADR_TLS=off): venIDs are trusted as sent (SEC-6)');
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const bound = (listener.address() as AddressInfo).port;
  const openadrUrl = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}/OpenADR2/Simple/2.0b`;
  logger.info({ url: openadrUrl }, 'OpenADR listening');

  const sweeper = new OfflineSweeper(context, options.offlineSweep * 1000);
  sweeper.start();

  service.addReadinessCheck('postgres', () => database.ping());
  service.addReadinessCheck('kafka', () => bus.ping());
  service.onShutdown('openadr', async () => {
    accepting = false;
    await new Promise<void>((resolve) => {
      listener.close(() => resolve());
      listener.closeIdleConnections();
    });
  });
  service.onShutdown('sweeper', () => sweeper.stop());
  service.onShutdown('last-seen', () => lastSeen.stop());
  if (changes) service.onShutdown('ven-changes', () => changes.stop());
  service.onShutdown('outbox', () => relay.stop());
  if (ownsBus) service.onShutdown('bus', () => bus.stop());
  if (ownsDatabase) service.onShutdown('postgres', () => database.close());
  const { url } = await service.listen();
  return {
    url,
    openadrUrl,
    vtn: context,
    sweep: () => sweeper.sweep(),
    stop: async () => {
      const outcome = await service.shutdown('stopped');
      if (outcome !== 'completed') throw new Error(`${name} did not stop cleanly: ${outcome}`);
    },
  };
}
