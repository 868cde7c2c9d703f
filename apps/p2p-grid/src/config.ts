import { p2pServiceEnv, rulesOf } from '@flexgrid/p2p-service';
import { type ConfigOf, defineConfig, env, loadConfig } from '@flexgrid/platform-service';
import { type P2PConfig, REGISTRATION_ID } from '@flexgrid/protocol-p2p';

const KIB = 1024;
const MIB = 1024 * KIB;

/** The grid's own variables on top of what both P2P services read (p2p-service `p2pServiceEnv`). */
export const gridEnv = defineConfig({
  ...p2pServiceEnv,
  gridId: env.string('P2P_GRID_ID', { pattern: REGISTRATION_ID }),
  paymentIdOrAddress: env.string('P2P_GRID_PAYMENT_ID_OR_ADDRESS', { optional: true }),
  signingKey: env.secret('P2P_GRID_SIGNING_KEY', { optional: true, minLength: 43 }),
  statementPrefix: env.string('P2P_STATEMENT_PREFIX', { default: 'ST-' }),
  storageMaxItemBytes: env.int('P2P_STORAGE_MAX_ITEM_BYTES', { default: MIB, min: 1 }),
  storageReadsNeedSideKey: env.boolean('P2P_STORAGE_READS_NEED_SIDE_KEY', { default: false }),
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

/**
 * Reads and checks everything: each variable first (every bad one named in one error), then the rules together
 * (§16), which the lib refuses with every problem it finds.
 */
export function readGridConfig(source: NodeJS.ProcessEnv = process.env): GridConfig & { environment: GridEnvironment } {
  const environment = loadConfig(gridEnv, source);
  return { ...gridConfigOf(environment), environment };
}

export function gridConfigOf(environment: GridEnvironment): GridConfig {
  return {
    rules: rulesOf(environment),
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
