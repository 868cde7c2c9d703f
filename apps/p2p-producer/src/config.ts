import { RuleConfigError, ruleEnv, rulesOf } from '@flexgrid/p2p-service';
import { type ConfigOf, defineConfig, env, loadConfig, serviceEnv } from '@flexgrid/platform-service';
import { type P2PConfig, REGISTRATION_ID, SIDE_KEY } from '@flexgrid/protocol-p2p';

const KIB = 1024;
const MIB = 1024 * KIB;

/** The producer's own variables (§16 "without profile defaults", §15 limits) and the backends. */
export const producerEnv = defineConfig({
  ...serviceEnv,
  ...ruleEnv,
  // Without them the service runs on an embedded PGlite and an in-process bus (the dev host's way).
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
  kafkaBrokers: env.list('KAFKA_BROKERS', { optional: true }),
  kafkaTopicPrefix: env.string('KAFKA_TOPIC_PREFIX', { optional: true }),
  /** How soon a crashed instance's partitions go to another replica (the broker allows 6 000 and up). */
  kafkaSessionTimeoutMs: env.int('KAFKA_SESSION_TIMEOUT_MS', { optional: true, min: 1000 }),
  producerId: env.string('P2P_PRODUCER_ID'),
  sideKey: env.secret('P2P_PRODUCER_SIDE_KEY', { optional: true, minLength: 16 }),
  paymentIdOrAddress: env.string('P2P_PAYMENT_ID_OR_ADDRESS', { optional: true }),
  operatorToken: env.secret('P2P_OPERATOR_TOKEN', { optional: true, minLength: 16 }),
  registrationRequiresOperator: env.boolean('P2P_REGISTRATION_REQUIRES_OPERATOR', { default: false }),
  registrationMaxBytes: env.int('P2P_REGISTRATION_MAX_BYTES', { default: 64 * KIB, min: 1 }),
  readingsMaxBytes: env.int('P2P_READINGS_MAX_BYTES', { default: 10 * MIB, min: 1 }),
  helloWaitMs: env.int('P2P_HELLO_WAIT_MS', { default: 5000, min: 0 }),
  maxBatch: env.int('P2P_MAX_BATCH', { default: 10_000, min: 1 }),
  corsOrigins: env.list('P2P_CORS_ORIGINS', { default: ['*'] }),
});

export type ProducerEnvironment = ConfigOf<typeof producerEnv>;

/** The producer's typed configuration: the rules (§16, checked by the lib) and the service's own settings. */
export interface ProducerConfig {
  rules: P2PConfig;
  producerId: string;
  sideKey: string | undefined;
  paymentIdOrAddress: string;
  operatorToken: string | undefined;
  registrationRequiresOperator: boolean;
  registrationMaxBytes: number;
  readingsMaxBytes: number;
  helloWaitMs: number;
  maxBatch: number;
  corsOrigins: string[];
}

export class ProducerConfigError extends Error {}

/** Reads and checks everything; a bad value or combination throws one error naming it (§16). */
export function readProducerConfig(
  source: NodeJS.ProcessEnv = process.env,
): ProducerConfig & { environment: ProducerEnvironment } {
  const environment = loadConfig(producerEnv, source);
  return { ...producerConfigOf(environment), environment };
}

export function producerConfigOf(environment: ProducerEnvironment): ProducerConfig {
  let rules: P2PConfig;
  try {
    rules = rulesOf(environment);
  } catch (error) {
    if (error instanceof RuleConfigError) throw new ProducerConfigError(error.message);
    throw error;
  }
  if (!REGISTRATION_ID.test(environment.producerId))
    throw new ProducerConfigError(`P2P_PRODUCER_ID must match ${String(REGISTRATION_ID)} (P2P-U3).`);
  if (environment.sideKey !== undefined && !SIDE_KEY.test(environment.sideKey))
    throw new ProducerConfigError(`P2P_PRODUCER_SIDE_KEY must match ${String(SIDE_KEY)} (§2).`);
  return {
    rules,
    producerId: environment.producerId,
    sideKey: environment.sideKey,
    paymentIdOrAddress: environment.paymentIdOrAddress ?? environment.producerId,
    operatorToken: environment.operatorToken,
    registrationRequiresOperator: environment.registrationRequiresOperator,
    registrationMaxBytes: environment.registrationMaxBytes,
    readingsMaxBytes: environment.readingsMaxBytes,
    helloWaitMs: environment.helloWaitMs,
    maxBatch: environment.maxBatch,
    corsOrigins: environment.corsOrigins,
  };
}
