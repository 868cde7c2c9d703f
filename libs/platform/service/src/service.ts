import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { DestinationStream, Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type ConfigOf, defineConfig, env, loadConfig } from './config';
import { type EventStream, type EventStreamOptions, EventStreams } from './event-stream';
import { createLogger, logLevels } from './logger';
import { createMetricsRegistry, TrafficMetrics } from './metrics';
import { type ErrorMapper, notFound, problemResponder } from './problem';
import { type ReadinessCheck, ReadinessChecks } from './readiness';
import { uiRouter } from './ui';
import { type WebSocketEndpointOptions, WebSocketEndpoints, type WebSocketHandler } from './websocket';

/** The variables every service reads; spread into an app's own schema: `defineConfig({ ...serviceEnv, ... })`. */
export const serviceEnv = defineConfig({
  port: env.port('PORT', { default: 8080 }),
  /** 0.0.0.0 so that the container's port is reachable; tests bind 127.0.0.1. */
  host: env.string('HOST', { default: '0.0.0.0' }),
  logLevel: env.enum('LOG_LEVEL', logLevels, { default: 'info' }),
  httpBodyLimitBytes: env.int('HTTP_BODY_LIMIT_BYTES', { default: 1024 * 1024, min: 1 }),
  /** Past this, shutdown gives up waiting and the process exits with 1 (Kubernetes kills at 30 s). */
  shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', { default: 25_000, min: 0 }),
  /**
   * How long /readyz answers 503 before the listener closes, while requests are still served, so that load
   * balancers stop routing here before connections are refused.
   */
  shutdownDelayMs: env.int('SHUTDOWN_DELAY_MS', { default: 0, min: 0 }),
});

export type ServiceConfig = ConfigOf<typeof serviceEnv>;

export interface ServiceTimeouts {
  /** For the client to send the request headers; guards against slow-header (slowloris) clients. */
  headersMs: number;
  /** For the client to send the whole request. */
  requestMs: number;
  /** Idle keep-alive connections close after this; longer than the usual 60 s of load balancers, so they close first. */
  keepAliveMs: number;
  /** For each readiness check; a slower one counts as failed. */
  readinessCheckMs: number;
  /** For a websocket peer to answer the close handshake at shutdown before it is cut off. */
  websocketCloseMs: number;
}

const defaultTimeouts: ServiceTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 65_000,
  readinessCheckMs: 2_000,
  websocketCloseMs: 2_000,
};

export interface ServiceOptions {
  /** The service's name: the `service` field of every log line and label of every metric. */
  name: string;
  /** Fields given here win over the environment; an app's whole config may be passed. */
  config?: Partial<ServiceConfig>;
  /** Where serviceEnv's variables (PORT, HOST, LOG_LEVEL, ...) are read; process.env by default. */
  environment?: NodeJS.ProcessEnv;
  /** The app's one mapping of its own errors to problem documents. */
  mapError?: ErrorMapper;
  timeouts?: Partial<ServiceTimeouts>;
  /**
   * Shut down on SIGTERM and SIGINT and then exit the process: 0 after a clean shutdown, 1 otherwise. Off
   * for tests and the dev host, which call `shutdown()` themselves.
   */
  handleSignals?: boolean;
  /** Where logs go instead of stdout. */
  logDestination?: DestinationStream;
  /**
   * Handlers every request passes before its body is read, such as CORS: an answer the body parser gives (a body
   * that is not JSON, or one over the limit) carries their headers too.
   */
  beforeBody?: readonly RequestHandler[];
  /**
   * Take a body of any JSON value (a bare number, string, boolean or null), not only an object or an array (the
   * parser's strict default). The app then checks the shape it needs.
   */
  anyJsonValue?: boolean;
}

const BODY_BYTES = Symbol('bodyBytes');

/**
 * The bytes of the body the platform parsed, counted as they arrived, so that a route with a lower limit than the
 * service's holds to it also for a chunked body, which has no Content-Length; undefined when none was parsed.
 */
export function receivedBodyBytes(req: Request): number | undefined {
  return (req as Request & { [BODY_BYTES]?: number })[BODY_BYTES];
}

/** Runs at shutdown, after HTTP and websocket traffic has drained: stop consumers, flush the outbox, close pools. */
export type ShutdownHook = () => Promise<void> | void;

/** `hook failed`: a hook threw, the others still ran. `timed out`: shutdownTimeoutMs passed first. */
export type ShutdownOutcome = 'completed' | 'hook failed' | 'timed out';

export interface ListeningAddress {
  url: string;
  port: number;
}

/** The one way a flexgrid app serves: HTTP and websockets on one port, health, metrics, logs and shutdown. */
export class Service {
  readonly name: string;
  /** The app's routes go here; health, metrics, body parsing, 404 and error mapping surround it. */
  readonly app: Express = express();
  readonly logger: Logger;
  /** The service's one registry: other libs (bus, database) register their metrics here. */
  readonly metrics: Registry;

  private readonly config: ServiceConfig;
  private readonly timeouts: ServiceTimeouts;
  private readonly server: Server;
  private readonly readiness: ReadinessChecks;
  private readonly websockets: WebSocketEndpoints;
  private readonly lifecycleLogger: Logger;
  private readonly shutdownHooks: { name: string; hook: ShutdownHook }[] = [];
  private readonly inFlight = new Set<Response>();
  private readonly eventStreams = new EventStreams();
  private stopping: Promise<ShutdownOutcome> | undefined;

  constructor(options: ServiceOptions) {
    this.name = options.name;
    // The environment first, so PORT and HOST work for an app that passes only its own settings; what the
    // app passes wins. A bad variable stops the start here with ConfigError, naming it.
    this.config = {
      ...loadConfig(serviceEnv, options.environment ?? process.env),
      ...definedFields(options.config ?? {}),
    };
    this.timeouts = { ...defaultTimeouts, ...definedFields(options.timeouts ?? {}) };
    this.logger = createLogger({
      service: options.name,
      level: this.config.logLevel,
      destination: options.logDestination,
    });
    this.lifecycleLogger = this.logger.child({ module: 'lifecycle' });
    this.metrics = createMetricsRegistry(options.name);

    const trafficMetrics = new TrafficMetrics(this.metrics);
    this.readiness = new ReadinessChecks(this.timeouts.readinessCheckMs, this.logger.child({ module: 'readiness' }));
    this.websockets = new WebSocketEndpoints(this.logger.child({ module: 'websocket' }), trafficMetrics);

    this.app.disable('x-powered-by');
    const root = express();
    root.disable('x-powered-by');
    root.use(trafficMetrics.middleware, this.trackInFlight);
    root.get('/livez', (_req, res) => {
      res.json({ status: 'alive' });
    });
    root.get('/readyz', this.readiness.handler);
    root.get('/metrics', async (_req, res) => {
      res.type(this.metrics.contentType).send(await this.metrics.metrics());
    });
    if (options.beforeBody?.length) root.use(...options.beforeBody);
    root.use(
      express.json({
        limit: this.config.httpBodyLimitBytes,
        type: ['application/json', 'application/*+json'],
        strict: !options.anyJsonValue,
        verify: (req, _res, body) => {
          (req as Request & { [BODY_BYTES]?: number })[BODY_BYTES] = body.length;
        },
      }),
    );
    // Mounted rather than extended, so that routes the app adds at any time still come before the 404.
    root.use(this.app);
    root.use(notFound);
    root.use(problemResponder(options.mapError, this.logger.child({ module: 'http' })));

    this.server = createServer(
      { headersTimeout: this.timeouts.headersMs, requestTimeout: this.timeouts.requestMs },
      root,
    );
    this.server.keepAliveTimeout = this.timeouts.keepAliveMs;
    this.server.on('upgrade', this.websockets.upgrade);

    if (options.handleSignals ?? true) {
      process.on('SIGTERM', this.onSignal);
      process.on('SIGINT', this.onSignal);
    }
  }

  /** A check /readyz runs, such as `kafka`, `postgres` or `migrations`: it throws when not ready. */
  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.readiness.add(name, check);
  }

  /** Hooks run one after another in registration order, so register in the order things must stop. */
  onShutdown(name: string, hook: ShutdownHook): void {
    this.shutdownHooks.push({ name, hook });
  }

  /**
   * Turns a GET handler's response into a server-sent event stream, which the service ends at shutdown:
   *
   *   service.app.get('/vens/stream', (req, res) => {
   *     const stream = service.eventStream(req, res);
   *     const subscription = vens.onChange((ven) => stream.send(ven, { event: 'ven', id: ven.version }));
   *     stream.onClose(() => subscription.cancel());
   *   });
   */
  eventStream(req: Request, res: Response, options?: EventStreamOptions): EventStream {
    return this.eventStreams.start(req, res, options);
  }

  /**
   * Serves the app's page (its Vite bundle in `directory`) under /ui/, with `/` redirecting there. An app
   * passes `join(__dirname, '../dist/ui')`, which is right both from its compiled dist/ and its src/ in tests.
   */
  serveUi(directory: string): void {
    this.app.use(uiRouter(directory));
  }

  websocket(path: string, handler: WebSocketHandler, options?: WebSocketEndpointOptions): void {
    this.websockets.add(path, handler, options);
  }

  listen(): Promise<ListeningAddress> {
    const { port, host } = this.config;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.server.on('error', (error) => this.lifecycleLogger.error({ err: error }, 'server error'));
        const bound = (this.server.address() as AddressInfo).port;
        const address = { url: `http://${urlHost(host)}:${bound}`, port: bound };
        this.lifecycleLogger.info(address, 'listening');
        resolve(address);
      });
    });
  }

  /**
   * Not ready → stop accepting connections → let in-flight requests finish and close websockets with 1001 →
   * run the shutdown hooks in order. Resolves once done or after shutdownTimeoutMs, and never exits the
   * process itself. Calling it again returns the same shutdown.
   */
  shutdown(reason: string): Promise<ShutdownOutcome> {
    this.stopping ??= this.stop(reason);
    return this.stopping;
  }

  private async stop(reason: string): Promise<ShutdownOutcome> {
    this.lifecycleLogger.info({ reason }, 'shutting down: reporting not ready');
    this.readiness.markShuttingDown();
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), this.config.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([this.drain(), deadline]);
    clearTimeout(timer);
    if (outcome === 'timed out') {
      this.lifecycleLogger.error(
        { timeoutMs: this.config.shutdownTimeoutMs },
        'shutdown timed out: cutting remaining connections',
      );
      this.server.closeAllConnections();
      this.websockets.terminate();
    }
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
    this.lifecycleLogger.info({ outcome }, 'shutdown finished');
    return outcome;
  }

  private async drain(): Promise<Exclude<ShutdownOutcome, 'timed out'>> {
    if (this.config.shutdownDelayMs > 0) await sleep(this.config.shutdownDelayMs);
    const httpClosed = this.closeServer();
    // Event streams never finish by themselves; ended, their pages reconnect elsewhere.
    this.eventStreams.closeAll();
    this.lifecycleLogger.info({ inFlightRequests: this.inFlight.size }, 'stopped accepting connections');
    await Promise.all([httpClosed, this.websockets.close(this.timeouts.websocketCloseMs)]);
    this.lifecycleLogger.info('connections drained');

    let failed = false;
    for (const { name, hook } of this.shutdownHooks) {
      try {
        await hook();
        this.lifecycleLogger.info({ hook: name }, 'shutdown hook done');
      } catch (error) {
        failed = true;
        this.lifecycleLogger.error({ hook: name, err: error }, 'shutdown hook failed');
      }
    }
    return failed ? 'hook failed' : 'completed';
  }

  /** Resolves when the last connection has closed; idle keep-alive connections are closed at once. */
  private closeServer(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Once shutdown starts, responses ask the client to close the connection, and a connection that goes idle
   * is closed, so that keep-alive clients cannot hold the shutdown open.
   */
  private readonly trackInFlight: RequestHandler = (_req, res, next) => {
    this.inFlight.add(res);
    if (this.stopping) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.stopping) setImmediate(() => this.server.closeIdleConnections());
    });
    next();
  };

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.stopping) {
      this.lifecycleLogger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    void this.shutdown(signal).then((outcome) => process.exit(outcome === 'completed' ? 0 : 1));
  };
}

export function createService(options: ServiceOptions): Service {
  return new Service(options);
}

/** Fields explicitly set to undefined must not hide a default. */
function definedFields<T extends object>(fields: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A URL someone can open: the wildcard addresses are reachable as localhost. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
