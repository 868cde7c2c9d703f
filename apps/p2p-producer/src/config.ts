import { p2pServiceEnv, rulesOf } from '@flexgrid/p2p-service';
import { type ConfigOf, defineConfig, env, loadConfig } from '@flexgrid/platform-service';
import { type P2PConfig, REGISTRATION_ID, SIDE_KEY } from '@flexgrid/protocol-p2p';

const KIB = 1024;
const MIB = 1024 * KIB;

/** The producer's own variables on top of what both P2P services read (p2p-service `p2pServiceEnv`). */
export const producerEnv = defineConfig({
  ...p2pServiceEnv,
  producerId: env.string('P2P_PRODUCER_ID', { pattern: REGISTRATION_ID }),
  sideKey: env.secret('P2P_PRODUCER_SIDE_KEY', { optional: true, minLength: 16, pattern: SIDE_KEY }),
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

/**
 * Reads and checks everything: each variable first (every bad one named in one error), then the rules together
 * (§16), which the lib refuses with every problem it finds.
 */
export function readProducerConfig(
  source: NodeJS.ProcessEnv = process.env,
): ProducerConfig & { environment: ProducerEnvironment } {
  const environment = loadConfig(producerEnv, source);
  return { ...producerConfigOf(environment), environment };
}

export function producerConfigOf(environment: ProducerEnvironment): ProducerConfig {
  return {
    rules: rulesOf(environment),
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
