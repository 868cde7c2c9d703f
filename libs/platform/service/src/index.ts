/**
 * The one way a flexgrid app builds its service. A main.ts reads:
 *
 *   const config = loadConfigOrExit(defineConfig({ ...serviceEnv, databaseUrl: env.url('DATABASE_URL', { optional: true }) }));
 *   const service = createService({ name: 'p2p-grid', config, mapError });
 *   service.app.get('/grids/:gridId', ...);            // routes
 *   service.websocket('/pm/ws', onAgentConnection);    // websocket endpoints
 *   service.addReadinessCheck('postgres', async () => void (await pool.query('select 1')));
 *   service.onShutdown('postgres', () => pool.end());  // in the order things must stop
 *   await service.listen();
 */
export {
  type ConfigOf,
  ConfigError,
  type ConfigProblem,
  type ConfigSchema,
  defineConfig,
  env,
  type EnvVar,
  exitOnConfigError,
  loadConfig,
  loadConfigOrExit,
} from './config';
export type { EventStream, EventStreamOptions } from './event-stream';
export { createLogger, type Logger, type LoggerOptions, type LogLevel, logLevels } from './logger';
export { bearerTokenOf, tokenMatcher } from './bearer';
export { type ErrorAnswer, type ErrorMapper, isClientHttpError, type Problem } from './problem';
export type { CheckResult, ReadinessCheck, ReadinessReport } from './readiness';
export {
  createService,
  type ListeningAddress,
  receivedBodyBytes,
  type Service,
  type ServiceConfig,
  serviceEnv,
  type ServiceOptions,
  type ServiceTimeouts,
  type ShutdownHook,
  type ShutdownOutcome,
} from './service';
export { uiMountPath, uiRouter } from './ui';
export type { WebSocketEndpointOptions, WebSocketHandler } from './websocket';
