import { RuleConfigError, ruleEnv, rulesOf } from '@flexgrid/p2p-service';
import { type ConfigOf, defineConfig, env, loadConfig, serviceEnv } from '@flexgrid/platform-service';
import { type P2PConfig, REGISTRATION_ID } from '@flexgrid/protocol-p2p';

const KIB = 1024;
const MIB = 1024 * KIB;

/** The grid's own variables (§16 "without profile defaults", §15 limits) and the backends. */
export const gridEnv = defineConfig({
  ...serviceEnv,
  ...ruleEnv,
  // Without them the service runs on an embedded PGlite and an in-process bus (the dev host's way).
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
  kafkaBrokers: env.list('KAFKA_BROKERS', { optional: true }),
  kafkaTopicPrefix: env.string('KAFKA_TOPIC_PREFIX', { optional: true }),
  /** How soon a crashed instance's partitions go to its successor (the broker allows 6 000 and up). */
  kafkaSessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', { optional: true, min: 1000 }),
  gridId: env.string('P2P_GRID_ID'),
  paymentIdOrAddress: env.string('P2P_GRID_PAYMENT_ID_OR_ADDRESS', { optional: true }),
  signingKey: env.secret('P2P_GRID_SIGNING_KEY', { optional: true, minLength: 43 }),
  operatorToken: env.secret('P2P_OPERATOR_TOKEN', { optional: true, minLength: 16 }),
  statementPrefix: env.string('P2P_STATEMENT_PREFIX', { default: 'ST-' }),
  storageMaxItemBytes: env.int('P2P_STORAGE_MAX_ITEM_BYTES', { default: MIB, min: 1 }),
  storageReadsNeedSideKey: env.boolean('P2P_STORAGE_READS_NEED_SIDE_KEY', { default: false }),
  registrationRequiresOperator: env.boolean('P2P_REGISTRATION_REQUIRES_OPERATOR', { default: false }),
  registrationMaxBytes: env.int('P2P_REGISTRATION_MAX_BYTES', { default: 64 * KIB, min: 1 }),
  helloWaitMs: env.int('P2P_HELLO_WAIT_MS', { default: 5000, min: 0 }),
  maxBatch: env.int('P2P_MAX_BATCH', { default: 10_000, min: 1 }),
  corsOrigins: env.list('P2P_CORS_ORIGINS', { default: ['*'] }),
});

export type GridEnvironment = ConfigOf<typeof gridEnv>;

/** The grid's typed configuration: the rules (§16, checked by the lib) and the service's own settings. */
export interface GridConfig {
  rules: P2PConfig;
  gridId: string;
  paymentIdOrAddress: string;
  signingKey: string | undefined;
  operatorToken: string | undefined;
  statementPrefix: string;
  storageMaxItemBytes: number;
  storageReadsNeedSideKey: boolean;
  registrationRequiresOperator: boolean;
  registrationMaxBytes: number;
  helloWaitMs: number;
  maxBatch: number;
  corsOrigins: string[];
}

export class GridConfigError extends Error {}

/** Reads and checks everything; a bad value or combination throws one error naming it (§16). */
export function readGridConfig(source: NodeJS.ProcessEnv = process.env): GridConfig & { environment: GridEnvironment } {
  const environment = loadConfig(gridEnv, source);
  return { ...gridConfigOf(environment), environment };
}

export function gridConfigOf(environment: GridEnvironment): GridConfig {
  let rules: P2PConfig;
  try {
    rules = rulesOf(environment);
  } catch (error) {
    if (error instanceof RuleConfigError) throw new GridConfigError(error.message);
    throw error;
  }
  if (!REGISTRATION_ID.test(environment.gridId))
    throw new GridConfigError(`P2P_GRID_ID must match ${String(REGISTRATION_ID)} (P2P-U3).`);
  return {
    rules,
    gridId: environment.gridId,
    paymentIdOrAddress: environment.paymentIdOrAddress ?? environment.gridId,
    signingKey: environment.signingKey,
    operatorToken: environment.operatorToken,
    statementPrefix: environment.statementPrefix,
    storageMaxItemBytes: environment.storageMaxItemBytes,
    storageReadsNeedSideKey: environment.storageReadsNeedSideKey,
    registrationRequiresOperator: environment.registrationRequiresOperator,
    registrationMaxBytes: environment.registrationMaxBytes,
    helloWaitMs: environment.helloWaitMs,
    maxBatch: environment.maxBatch,
    corsOrigins: environment.corsOrigins,
  };
}
