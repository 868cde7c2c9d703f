import { type AppMigrations, isMigrateCommand, migrateAndExit } from '@flexgrid/platform-db';
import { kafkaAuthEnv, type KafkaSecurity, kafkaSecurityOf } from '@flexgrid/platform-kafka';
import { ConfigError, type ConfigOf, defineConfig, env, type LogLevel, serviceEnv } from '@flexgrid/platform-service';
import {
  CONFIG_VARIABLES as p2p,
  configFromSettings,
  type P2PConfig,
  P2PError,
  PRICING_RULE_IDS,
} from '@flexgrid/protocol-p2p';

/** §16's rule settings: each `P2P_<NAME>` overrides its profile default; the lib checks the combination. */
export const ruleEnv = defineConfig({
  profile: env.enum(p2p.profile, ['community', 'poc'], { optional: true }),
  intervalMs: env.int(p2p.intervalMs, { optional: true }),
  wireBounds: env.enum(p2p.wireBounds, ['half-open', 'inclusive'], { optional: true }),
  producerGateClosureMs: env.int(p2p.producerGateClosureMs, { optional: true, min: 0 }),
  gridGateClosureMs: env.int(p2p.gridGateClosureMs, { optional: true, min: 0 }),
  finalAfterMs: env.int(p2p.finalAfterMs, { optional: true, min: 0 }),
  aggregateEveryMs: env.int(p2p.aggregateEveryMs, { optional: true, min: 1 }),
  settleEveryMs: env.int(p2p.settleEveryMs, { optional: true, min: 1 }),
  pricingRule: env.enum(p2p.pricingRule, PRICING_RULE_IDS, { optional: true }),
  consumerPricePerKwh: env.string(p2p.consumerPricePerKwh, { optional: true }),
  producerPricePerKwh: env.string(p2p.producerPricePerKwh, { optional: true }),
  gridFeeKind: env.enum(p2p.gridFeeKind, ['perKwh', 'bps'], { optional: true }),
  gridFeePerKwh: env.string(p2p.gridFeePerKwh, { optional: true }),
  gridFeeBps: env.int(p2p.gridFeeBps, { optional: true }),
  billedEnergy: env.enum(p2p.billedEnergy, ['matched', 'usage'], { optional: true }),
  billingUnitWh: env.int(p2p.billingUnitWh, { optional: true }),
  allocation: env.enum(p2p.allocation, ['per-interval', 'all-time-share'], { optional: true }),
  poolGridShareBps: env.int(p2p.poolGridShareBps, { optional: true }),
  payoutChunk: env.int(p2p.payoutChunk, { optional: true }),
  payoutThrottleMs: env.int(p2p.payoutThrottleMs, { optional: true }),
  requestMinAmount: env.int(p2p.requestMinAmount, { optional: true }),
  payoutMinAmount: env.int(p2p.payoutMinAmount, { optional: true }),
  currency: env.string(p2p.currency, { optional: true }),
  currencyDigits: env.int(p2p.currencyDigits, { optional: true }),
  storageAllowUnsecured: env.boolean(p2p.storageAllowUnsecured, { optional: true }),
  minTimestampMs: env.int(p2p.minTimestampMs, { optional: true }),
  maxFutureMs: env.int(p2p.maxFutureMs, { optional: true }),
  maxLateMs: env.int(p2p.maxLateMs, { optional: true }),
  maxSpanMs: env.int(p2p.maxSpanMs, { optional: true }),
  maxRecordWh: env.int(p2p.maxRecordWh, { optional: true }),
});

/** A profile or rule setting the lib refuses (§16): the message names the variable, the service does not start. */
export class P2pConfigError extends Error {}

/** The rules from the variables given (the profile's defaults for the others), checked by the lib. */
export function rulesOf(environment: { [K in keyof typeof ruleEnv]?: unknown }): P2PConfig {
  const settings = Object.fromEntries(
    Object.keys(ruleEnv)
      .map((key) => [key, environment[key as keyof typeof ruleEnv]])
      .filter(([, value]) => value !== undefined),
  );
  try {
    return configFromSettings(settings);
  } catch (error) {
    if (error instanceof P2PError) throw new P2pConfigError(error.message);
    throw error;
  }
}

const KIB = 1024;

/**
 * What both P2P services read besides their own settings: the platform's, §16's rules, the backends, and the
 * §12 and §15 settings they share.
 */
export const p2pServiceEnv = defineConfig({
  ...serviceEnv,
  ...ruleEnv,
  // Without them the service runs on an embedded PGlite and an in-process bus (the dev host's way).
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
  kafkaBrokers: env.list('KAFKA_BROKERS', { optional: true }),
  ...kafkaAuthEnv,
  kafkaTopicPrefix: env.string('KAFKA_TOPIC_PREFIX', { optional: true }),
  /** How soon a crashed instance's partitions go to another replica (the broker allows 6 000 and up). */
  kafkaSessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', { optional: true, min: 1000 }),
  operatorToken: env.secret('P2P_OPERATOR_TOKEN', { optional: true, minLength: 16 }),
  registrationRequiresOperator: env.boolean('P2P_REGISTRATION_REQUIRES_OPERATOR', { default: false }),
  registrationMaxBytes: env.int('P2P_REGISTRATION_MAX_BYTES', { default: 64 * KIB, min: 1 }),
  helloWaitMs: env.int('P2P_HELLO_WAIT_MS', { default: 5000, min: 0 }),
  maxBatch: env.int('P2P_MAX_BATCH', { default: 10_000, min: 1 }),
  corsOrigins: env.list('P2P_CORS_ORIGINS', { default: ['*'] }),
});

/** How a P2P service's start function takes its listener and backends. */
export interface P2pServiceStartOptions {
  databaseUrl?: string;
  kafkaBrokers?: string[];
  kafkaSecurity?: KafkaSecurity;
  topicPrefix?: string;
  kafkaSessionTimeoutMs?: number;
  host?: string;
  port?: number;
  logLevel?: LogLevel;
  httpBodyLimitBytes?: number;
  handleSignals?: boolean;
}

/**
 * A P2P service's composition root (DESIGN.md "Service conventions"): read the configuration, start, and let
 * SIGTERM stop it. A configuration the service refuses exits 1 with its message alone, not a stack.
 * `main.js migrate` applies `migrations` instead and exits.
 */
export function runP2pService<C extends { environment: ConfigOf<typeof p2pServiceEnv> }>(
  name: string,
  readConfig: () => C,
  start: (config: C, options: P2pServiceStartOptions) => Promise<unknown>,
  migrations: AppMigrations,
): void {
  if (isMigrateCommand()) return migrateAndExit(migrations);
  let config: C;
  let kafkaSecurity: KafkaSecurity;
  try {
    config = readConfig();
    kafkaSecurity = kafkaSecurityOf(config.environment);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof P2pConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { environment } = config;
  start(config, {
    databaseUrl: environment.databaseUrl,
    kafkaBrokers: environment.kafkaBrokers,
    kafkaSecurity,
    topicPrefix: environment.kafkaTopicPrefix,
    kafkaSessionTimeoutMs: environment.kafkaSessionTimeoutMs,
    host: environment.host,
    port: environment.port,
    logLevel: environment.logLevel,
    httpBodyLimitBytes: environment.httpBodyLimitBytes,
    handleSignals: true,
  }).catch((error: unknown) => {
    process.stderr.write(
      `${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
