import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type AppMigrations,
  type Database,
  migrateApp,
  openDatabase,
  type OutboxRelay,
  startOutboxRelay,
} from '@flexgrid/platform-db';
import { type Bus, EmbeddedBus, KafkaBus, type KafkaSecurity, type Subscription } from '@flexgrid/platform-kafka';
import { createService, type Logger, type LogLevel, type Service } from '@flexgrid/platform-service';
import { ClusterModel, type Effect, type MarketBasis } from '@flexgrid/protocol-powermatcher';
import { BidPublisher } from './bus/bid-publisher';
import { subscribeOpenadrEvents } from './bus/openadr-events';
import type { AuctioneerSettings } from './config';
import { BidReferences } from './domain/bid-references';
import { ClusterHost, monotonicClock } from './domain/cluster-host';
import { ClusterRecorder } from './domain/recorder';
import { RemoteTrees, subtreeReport } from './domain/remote-trees';
import { connectUpstream, type Upstream } from './domain/upstream';
import { mapError } from './errors';
import { apiRoutes } from './http/api';
import { LiveStream } from './http/stream';
import { liveAgentView } from './http/views';
import { auctioneerMetrics } from './metrics';
import { AgentLedger } from './store/agent-ledger';
import { PostgresStore } from './store/postgres-store';
import { RoundWriter } from './store/round-writer';
import type { AuctioneerStore } from './store/store';
import { AgentEndpoints } from './ws/agent-endpoints';

export const SERVICE_NAME = 'powermatcher-auctioneer';

/** What the start (of the auctioneer role; a concentrator keeps no database) and `main.js migrate` apply. */
export const auctioneerMigrations: AppMigrations = {
  app: SERVICE_NAME,
  directory: join(__dirname, '../migrations'),
  outbox: true,
};

export interface PowerMatcherAuctioneerOptions {
  readonly settings: AuctioneerSettings;
  /** A bus to use (the dev host's); otherwise one on `kafkaBrokers`, or the in-process bus without them. */
  readonly bus?: Bus;
  /** A database to use (the dev host's); otherwise one on `databaseUrl`, or an embedded PGlite without it. */
  readonly database?: Database;
  readonly databaseUrl?: string;
  readonly kafkaBrokers?: readonly string[];
  /** TLS and SASL for `kafkaBrokers` (kafkaSecurityOf of the KAFKA_SSL and KAFKA_SASL_* settings). */
  readonly kafkaSecurity?: KafkaSecurity;
  readonly topicPrefix?: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly logLevel?: LogLevel;
  /** The wall clock (epoch ms) the market runs on; tests inject one. Default `Date.now`. */
  readonly clock?: () => number;
  /** main.ts: shut down on SIGTERM/SIGINT and exit. Tests and the dev host stop it themselves. */
  readonly handleSignals?: boolean;
}

export interface RunningAuctioneer {
  readonly url: string;
  readonly port: number;
  readonly service: Service;
  /** Shuts down as on SIGTERM; rejects unless the shutdown completed. */
  stop(): Promise<void>;
}

/** Logs the model's rejections and warnings that no agent receives (a failed run, a price for an unknown bid). */
function logModelErrors(logger: Logger) {
  return (effects: readonly Effect[]): void => {
    for (const effect of effects) {
      if (effect.type !== 'error') continue;
      const fields = { code: effect.code, matcherId: effect.matcherId, agentId: effect.agentId };
      if (effect.code === 'INTERNAL_ERROR') logger.error(fields, effect.message);
      else logger.debug(fields, effect.message);
    }
  };
}

/**
 * The PowerMatcher auctioneer service (SPEC §6–§8): a cluster model on the real clock behind both websocket
 * dialects, Kafka, PostgreSQL and the REST API. With the concentrator role (`PM_ROLE=concentrator`) the same
 * app is a remote concentrator: it serves its own children and is one agent of its parent, without a database
 * or Kafka of its own.
 */
export async function startPowerMatcherAuctioneer(options: PowerMatcherAuctioneerOptions): Promise<RunningAuctioneer> {
  const { settings } = options;
  checkClusterConfiguration(settings);
  const service = createService({
    name: SERVICE_NAME,
    mapError,
    handleSignals: options.handleSignals ?? false,
    config: { host: options.host, port: options.port, logLevel: options.logLevel },
  });
  const logger = service.logger.child({ module: 'cluster' });
  const metrics = auctioneerMetrics(service.metrics);
  const clock = monotonicClock(options.clock);
  const role = settings.role;

  let store: AuctioneerStore | null = null;
  let database: Database | null = null;
  let bus: Bus | null = null;
  const owned: { bus?: Bus; database?: Database } = {};
  let firstRound = 1;
  let objective = null as Parameters<typeof ClusterModel.create>[0]['objective'] | null;
  if (role.kind === 'auctioneer') {
    database =
      options.database ??
      (owned.database = await openDatabase({ url: options.databaseUrl, applicationName: SERVICE_NAME }));
    await migrateApp(database.pool, auctioneerMigrations);
    store = new PostgresStore(database.pool, role.clusterId);
    firstRound =
      (await store.start({ auctioneerId: role.auctioneerId, config: settingsSnapshot(settings), at: new Date() }))
        .maxRound + 1;
    if (settings.objective) objective = { ...settings.objective, events: await store.objectiveEvents() };
    bus = options.bus ?? (owned.bus = await ownBus(options, service));
  }

  const { model, effects: initial } = ClusterModel.create({
    clock,
    sessionIds: randomUUID,
    auctioneer:
      role.kind === 'auctioneer'
        ? {
            id: role.auctioneerId,
            clusterId: role.clusterId,
            marketBasis: settings.marketBasis,
            minTimeBetweenPriceUpdates: settings.minTimeBetweenPriceUpdatesMs,
            firstRound,
          }
        : null,
    concentrators: [
      ...(role.kind === 'concentrator'
        ? [{ id: role.concentratorId, parentId: null, minTimeBetweenBidUpdates: role.minTimeBetweenBidUpdatesMs }]
        : []),
      ...settings.concentrators,
    ],
    objective: objective ?? undefined,
    bidTtlMs: settings.bidTtlMs,
  });
  const host = new ClusterHost(model, clock, logger);
  const auctioneerId = role.kind === 'auctioneer' ? role.auctioneerId : null;
  const topMatcher = role.kind === 'auctioneer' ? role.auctioneerId : role.concentratorId;
  const cluster = (): { clusterId: string; marketBasis: MarketBasis } | null => {
    const top = host.read((m) => m.matcherStatuses().find((status) => status.id === topMatcher));
    return top?.clusterId && top.marketBasis ? { clusterId: top.clusterId, marketBasis: top.marketBasis } : null;
  };
  const marketBasis = (): MarketBasis | null =>
    role.kind === 'auctioneer' ? settings.marketBasis : (cluster()?.marketBasis ?? null);

  let endpoints: AgentEndpoints | null = null;
  const connectionOf = (agentId: string) => endpoints?.connectionOf(agentId);
  const stream = new LiveStream(
    (agentId) => {
      const status = host.read((m) => m.agentStatus(agentId));
      return status ? liveAgentView(status, connectionOf, host.now()) : null;
    },
    (matcherId) => host.read((m) => m.aggregate(matcherId)?.agentCount ?? 0),
    auctioneerId,
    (req, res) => service.eventStream(req, res),
  );
  const ledger = store ? new AgentLedger(store, service.logger.child({ module: 'agents' })) : null;
  const remoteTrees = new RemoteTrees();
  endpoints = new AgentEndpoints(
    host,
    settings,
    marketBasis,
    {
      connected: (agentId, parentId, dialect, at) => {
        ledger?.connected(agentId, parentId, dialect, at);
        stream.touch(agentId);
      },
      disconnected: (agentId, at) => {
        ledger?.disconnected(agentId, at);
        if (remoteTrees.forget(agentId)) stream.subtreeChanged(agentId);
        stream.touch(agentId);
      },
    },
    metrics,
    service.logger.child({ module: 'agents' }),
  );

  // Agents first: a round's prices go out before its records and rows are built, which can wait.
  host.onEffects(endpoints.deliver);

  let relay: OutboxRelay | null = null;
  let bidPublisher: BidPublisher | null = null;
  let roundWriter: RoundWriter | null = null;
  let subscription: Subscription | null = null;
  if (role.kind === 'auctioneer' && store && database && bus) {
    relay = startOutboxRelay(database, bus, {
      name: SERVICE_NAME,
      logger: service.logger.child({ module: 'outbox' }),
      metrics: service.metrics,
    });
    const outbox = relay;
    bidPublisher = new BidPublisher(bus, metrics, service.logger.child({ module: 'bids' }));
    roundWriter = new RoundWriter(store, () => outbox.wake(), service.logger.child({ module: 'prices' }));
    const publisher = bidPublisher;
    const writer = roundWriter;
    const references = new BidReferences((id) => host.read((m) => m.isMatcher(id)));
    const recorder = new ClusterRecorder(
      { clusterId: role.clusterId, auctioneerId: role.auctioneerId },
      marketBasis,
      references,
      endpoints.pricePointsOf,
      {
        publishBids: (records) => publisher.publish(records),
        writeRound: (row, record) => writer.write(row, record),
        bidAccepted: (agentId, bidNumber, at) => ledger?.bid(agentId, bidNumber, at),
      },
      metrics,
    );
    host.onEffects(recorder.record);
  }
  host.onEffects(stream.observe);
  host.onEffects(logModelErrors(logger));
  host.start(initial);

  if (role.kind === 'auctioneer' && store && settings.objective) {
    const operator = await store.operatorObjective();
    if (operator) {
      try {
        host.apply((m) => m.setOperatorObjective(operator));
      } catch (error) {
        logger.warn({ err: error }, 'the stored operator objective no longer applies');
      }
    }
    if (bus) {
      subscription = await subscribeOpenadrEvents(
        bus,
        `${SERVICE_NAME}.${role.clusterId}`,
        host,
        store,
        service.logger.child({ module: 'objective' }),
      );
    }
  }

  let upstream: Upstream | null = null;
  if (role.kind === 'concentrator') {
    upstream = connectUpstream(
      role,
      host,
      () => host.read((model) => subtreeReport(model, remoteTrees, connectionOf)),
      service.logger.child({ module: 'upstream' }),
    );
    service.addReadinessCheck('parent', () => upstream?.ready());
  }

  service.app.use(
    apiRoutes({
      host,
      store,
      stream,
      connectionOf,
      cluster: {
        clusterId: () => (role.kind === 'auctioneer' ? role.clusterId : (cluster()?.clusterId ?? null)),
        auctioneerId,
        marketBasis,
        minTimeBetweenPriceUpdatesMs: settings.minTimeBetweenPriceUpdatesMs,
      },
      operatorToken: settings.operatorToken,
      apiReadAuth: settings.apiReadAuth,
      remoteTrees,
      agentAuth: settings.agentAuth,
    }),
  );
  service.serveUi(join(__dirname, '../dist/ui'));
  endpoints.listen(service);

  if (bus) {
    const readyBus = bus;
    service.addReadinessCheck('kafka', () => readyBus.ping());
  }
  if (database) {
    const readyDatabase = database;
    service.addReadinessCheck('postgres', () => readyDatabase.ping());
  }
  // Agents are closed by then (1001 `Shutting down`): what remains is to stop the market and write what it produced.
  service.onShutdown('market', async () => {
    endpoints.stop();
    await upstream?.stop();
    host.stop();
    stream.close();
  });
  if (subscription) {
    const objectiveEvents = subscription;
    service.onShutdown('consumers', () => objectiveEvents.stop());
  }
  service.onShutdown('records', async () => {
    await bidPublisher?.flush();
    await roundWriter?.flush(10_000);
    await ledger?.flush();
  });
  if (relay) {
    const outbox = relay;
    service.onShutdown('outbox', () => outbox.stop());
  }
  if (owned.bus) {
    const ownedBus = owned.bus;
    service.onShutdown('bus', () => ownedBus.stop());
  }
  if (owned.database) {
    const ownedDatabase = owned.database;
    service.onShutdown('postgres', () => ownedDatabase.close());
  }

  const { url, port } = await service.listen();
  logger.info(
    { role: role.kind, cluster: role.kind === 'auctioneer' ? role.clusterId : role.parentUrl, firstRound },
    'PowerMatcher ready',
  );
  return {
    url,
    port,
    service,
    stop: async () => {
      const outcome = await service.shutdown('stopped');
      if (outcome !== 'completed') throw new Error(`${SERVICE_NAME} did not stop cleanly: ${outcome}`);
    },
  };
}

/**
 * The cluster's configuration as the model checks it (unknown or cyclic parents, duplicate ids, flow limits),
 * before anything is opened: a bad one stops the start with the SPEC's message and leaves nothing behind.
 */
export function checkClusterConfiguration(settings: AuctioneerSettings): void {
  const role = settings.role;
  ClusterModel.create({
    clock: () => 0,
    auctioneer:
      role.kind === 'auctioneer'
        ? { id: role.auctioneerId, clusterId: role.clusterId, marketBasis: settings.marketBasis }
        : null,
    concentrators: [
      ...(role.kind === 'concentrator' ? [{ id: role.concentratorId, parentId: null }] : []),
      ...settings.concentrators,
    ],
    objective: settings.objective ?? undefined,
  });
}

async function ownBus(options: PowerMatcherAuctioneerOptions, service: Service): Promise<Bus> {
  const logger = service.logger.child({ module: 'bus' });
  if (!options.kafkaBrokers || options.kafkaBrokers.length === 0) {
    return new EmbeddedBus({ source: SERVICE_NAME, logger, metrics: service.metrics });
  }
  const bus = new KafkaBus({
    brokers: options.kafkaBrokers,
    clientId: SERVICE_NAME,
    topicPrefix: options.topicPrefix,
    ...options.kafkaSecurity,
    logger,
    metrics: service.metrics,
  });
  await bus.connect();
  return bus;
}

/** The configuration snapshot stored at start (§8.2), without secrets. */
function settingsSnapshot(settings: AuctioneerSettings): unknown {
  return {
    marketBasis: settings.marketBasis,
    minTimeBetweenPriceUpdatesMs: settings.minTimeBetweenPriceUpdatesMs,
    concentrators: settings.concentrators,
    v21ParentId: settings.v21ParentId,
    agentAuth: settings.agentAuth.mode,
    limits: {
      pingIntervalMs: settings.pingIntervalMs,
      livenessTimeoutMs: settings.livenessTimeoutMs,
      bidTtlMs: settings.bidTtlMs,
      maxFrameBytes: settings.maxFrameBytes,
      maxConnections: settings.maxConnections,
      ...settings.inboundLimits,
    },
    objective: settings.objective,
  };
}
