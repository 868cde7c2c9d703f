import { join } from 'node:path';
import { type AppMigrations, type Database, migrateApp, openDatabase } from '@flexgrid/platform-db';
import { type Bus, KafkaBus, type KafkaSecurity } from '@flexgrid/platform-kafka';
import { createService, type Logger, type LogLevel } from '@flexgrid/platform-service';
import { type ConversationOptions, createConversation } from '@flexgrid/protocol-s2';
import { AnalysisPipeline, type AnalysisSink } from './domain/analysis';
import { Dialer } from './domain/dialer';
import { LiveFeed } from './domain/live-feed';
import { MeterSamples } from './domain/meter-readings';
import { PairRegistry } from './domain/pairs';
import { Publisher } from './domain/publisher';
import { Recorder } from './domain/recorder';
import { endInterruptedSessions } from './domain/recovery';
import { mapError } from './errors';
import { registerApi } from './http/api';
import { BearerToken } from './http/bearer';
import { BacklogSpill } from './store/backlog-spill';
import { PostgresAnalyzerStore } from './store/postgres-store';
import { PER_MESSAGE_DEFLATE, registerEndpoints } from './ws/endpoints';

/**
 * The S2 analyzer: a forward-first man in the middle between RMs and CEMs, with history in PostgreSQL, a live
 * API and Kafka records. main.ts and the dev host both start it here.
 */
export interface S2AnalyzerOptions {
  /** A database URL (the analyzer opens and closes its pool) or an open database (the dev host's). */
  databaseUrl?: string;
  database?: Database;
  /** Kafka brokers (the analyzer runs its own bus) or a running bus (the dev host's). */
  kafkaBrokers?: string[];
  /** TLS and SASL for `kafkaBrokers` (kafkaSecurityOf of the KAFKA_SSL and KAFKA_SASL_* settings). */
  kafkaSecurity?: KafkaSecurity;
  topicPrefix?: string;
  bus?: Bus;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logLevel?: LogLevel;
  handleSignals?: boolean;
  apiToken?: string;
  rsTimeoutMs?: number;
  strictUuid?: boolean;
  semantic?: boolean;
  maxFrameBytes?: number;
  peerBufferBytes?: number;
  sendBufferBytes?: number;
  analysisQueueFrames?: number;
  storeBatchFrames?: number;
  storeFlushMs?: number;
  storeBufferBytes?: number;
  /** Where the storage backlog goes when PostgreSQL does not take it before a shutdown (default .data/s2-analyzer). */
  spillDir?: string;
  /** How long a shutdown gives PostgreSQL to take the backlog before spilling the rest (default 12 s). */
  storeShutdownMs?: number;
  dialPingIntervalMs?: number;
  maxTranscriptBytes?: number;
  /** permessage-deflate on every hop, offered when dialling and accepted on the drop-in URLs (default true). */
  perMessageDeflate?: boolean;
}

export interface RunningS2Analyzer {
  url: string;
  logger: Logger;
  /** Resolves once every frame received so far is analysed and stored (tests, benchmarks). */
  settled(): Promise<void>;
  /** Shuts down as on SIGTERM; rejects unless the shutdown completed. */
  stop(): Promise<void>;
}

const name = 's2-analyzer';

/** What the start and `main.js migrate` apply; the analyzer publishes directly, without the outbox. */
export const analyzerMigrations: AppMigrations = {
  app: name,
  directory: join(__dirname, '../migrations'),
  outbox: false,
};

/**
 * Connects the bus (creating the catalog's topics) with a few retries for a broker that is electing leaders,
 * then starts anyway: forwarding does not need Kafka. The publisher's first publish connects later and retries
 * until it can; /readyz says whether Kafka answers.
 */
async function connectOrCarryOn(bus: KafkaBus, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await bus.connect();
      return;
    } catch (error) {
      if (attempt === 5) {
        logger.error({ err: error }, 'Kafka is not reachable: starting without it; frames are published once it is');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

export async function startS2Analyzer(options: S2AnalyzerOptions): Promise<RunningS2Analyzer> {
  const service = createService({
    name,
    mapError,
    handleSignals: options.handleSignals ?? false,
    config: { host: options.host ?? '127.0.0.1', port: options.port ?? 0, logLevel: options.logLevel ?? 'info' },
  });
  const log = (module: string) => service.logger.child({ module });
  const database =
    options.database ?? (await openDatabase({ url: options.databaseUrl, applicationName: name, maxConnections: 8 }));
  await migrateApp(database.pool, analyzerMigrations);
  let ownBus: KafkaBus | undefined;
  if (!options.bus) {
    if (!options.kafkaBrokers) throw new Error('s2-analyzer: either bus or kafkaBrokers is required');
    ownBus = new KafkaBus({
      brokers: options.kafkaBrokers,
      clientId: name,
      topicPrefix: options.topicPrefix,
      ...options.kafkaSecurity,
      logger: log('bus'),
      metrics: service.metrics,
    });
    await connectOrCarryOn(ownBus, log('bus'));
  }
  const bus: Bus = options.bus ?? (ownBus as Bus);

  const conversation: ConversationOptions = {
    rsTimeoutMs: options.rsTimeoutMs ?? 5000,
    strictUuid: options.strictUuid ?? true,
    semantic: options.semantic ?? true,
  };
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const perMessageDeflate = (options.perMessageDeflate ?? true) && PER_MESSAGE_DEFLATE;
  // The schemas compile once per process, on the first conversation: here, rather than in the first pair's path.
  createConversation(conversation);
  const store = new PostgresAnalyzerStore(database.pool);
  const spill = new BacklogSpill(options.spillDir ?? join(process.cwd(), '.data', 's2-analyzer'));
  // The backlog of the last shutdown first: its sessions' frames and ends, before anything is judged interrupted.
  await spill.restore(store, log('recovery'));
  await endInterruptedSessions(store, conversation, log('recovery'));
  const meters = new MeterSamples();
  meters.load(await store.samples());

  const publisher = new Publisher(store, bus, { sessionsPerRound: 100, framesPerSession: 2000 }, log('publisher'));
  const live = new LiveFeed();
  const recorder = new Recorder(
    store,
    meters,
    (sessionId) => pipeline.liveState(sessionId),
    () => publisher.wake(),
    {
      batchFrames: options.storeBatchFrames ?? 20_000,
      flushMs: options.storeFlushMs ?? 50,
      bufferBytes: options.storeBufferBytes ?? 512 * 1024 * 1024,
    },
    log('recorder'),
  );
  const sink: AnalysisSink = {
    started: (session) => {
      recorder.started(session);
      live.started(session);
    },
    analyzed: (frame) => {
      recorder.analyzed(frame);
      live.analyzed(frame);
    },
    ended: (end) => {
      recorder.ended(end);
      live.ended(end);
    },
    overdue: (session, pending) => live.overdue(session, pending),
  };
  const pipeline = new AnalysisPipeline(
    { conversation, queueFrames: options.analysisQueueFrames ?? 20_000 },
    meters,
    sink,
    log('analysis'),
  );
  const registry = new PairRegistry(
    {
      peerBufferBytes: options.peerBufferBytes ?? 4 * 1024 * 1024,
      sendBufferBytes: options.sendBufferBytes ?? 8 * 1024 * 1024,
    },
    pipeline,
    log('pairs'),
  );
  const dialer = new Dialer(
    registry,
    { pingIntervalMs: Math.max(options.dialPingIntervalMs ?? 50_000, 50_000), maxFrameBytes, perMessageDeflate },
    log('dialer'),
  );

  const token = options.apiToken ? new BearerToken(options.apiToken) : undefined;
  if (token) service.app.use('/api', token.middleware);
  registerApi(service.app, {
    store,
    pipeline,
    registry,
    dialer,
    conversation,
    maxTranscriptBytes: options.maxTranscriptBytes ?? 256 * 1024 * 1024,
    onImported: () => publisher.wake(),
  });
  registerEndpoints(service, registry, live, { maxFrameBytes, token, perMessageDeflate });
  // The debugger page (ui/), built by `nx build s2-analyzer` into dist/ui; / redirects to /ui/.
  service.serveUi(join(__dirname, '../dist/ui'));

  const overdue = setInterval(() => pipeline.checkOverdue(), 1000);
  overdue.unref();
  publisher.wake();

  service.addReadinessCheck('postgres', () => database.ping());
  service.addReadinessCheck('kafka', () => bus.ping());
  service.onShutdown('sessions', async () => {
    clearInterval(overdue);
    dialer.stopAll();
    registry.endAll('the analyzer is shutting down');
    await pipeline.idle();
  });
  // About half of the 25 s shutdown budget for the database; the rest of the backlog is spilled to disk.
  service.onShutdown('store', () => recorder.close(options.storeShutdownMs ?? 12_000, spill));
  service.onShutdown('publisher', () => publisher.stop(3_000));
  if (ownBus) service.onShutdown('bus', () => (ownBus as KafkaBus).stop());
  if (!options.database) service.onShutdown('postgres', () => database.close());
  const { url } = await service.listen();
  return {
    url,
    logger: service.logger,
    settled: async () => {
      await pipeline.idle();
      await recorder.flush(30_000, { stop: false });
    },
    stop: async () => {
      const outcome = await service.shutdown('stopped');
      if (outcome !== 'completed') throw new Error(`${name} did not stop cleanly: ${outcome}`);
    },
  };
}
