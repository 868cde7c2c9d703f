import { P2pConfigError, p2pServiceEnv, RuleConfigError, rulesOf } from '@flexgrid/p2p-service';
import { type ConfigOf, defineConfig, env, loadConfig } from '@flexgrid/platform-service';
import { type P2PConfig, REGISTRATION_ID, SIDE_KEY } from '@flexgrid/protocol-p2p';

const KIB = 1024;
const MIB = 1024 * KIB;

/** The producer's own variables on top of what both P2P services read (p2p-service `p2pServiceEnv`). */
export const producerEnv = defineConfig({
  ...p2pServiceEnv,
  producerId: env.string('P2P_PRODUCER_ID'),
  sideKey: env.secret('P2P_PRODUCER_SIDE_KEY', { optional: true, minLength: 16 }),
  paymentIdOrAddress: env.string('P2P_PAYMENT_ID_OR_ADDRESS', { optional: true }),
  readingsMaxBytes: env.int('P2P_READINGS_MAX_BYTES', { default: 10 * MIB, min: 1 }),
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
    if (error instanceof RuleConfigError) throw new P2pConfigError(error.message);
    throw error;
  }
  if (!REGISTRATION_ID.test(environment.producerId))
    throw new P2pConfigError(`P2P_PRODUCER_ID must match ${String(REGISTRATION_ID)} (P2P-U3).`);
  if (environment.sideKey !== undefined && !SIDE_KEY.test(environment.sideKey))
    throw new P2pConfigError(`P2P_PRODUCER_SIDE_KEY must match ${String(SIDE_KEY)} (§2).`);
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
