import { catalog } from '@flexgrid/contracts';
import { configProblems, type VtnConfig, vtnEnv } from '@flexgrid/openadr-vtn';
import { gridEnv } from '@flexgrid/p2p-grid';
import { DEFAULT_POOL_SIZE, migrateCommandEnv } from '@flexgrid/platform-db';
import { loadConfig, serviceEnv } from '@flexgrid/platform-service';
import { producerEnv } from '@flexgrid/p2p-producer';
import { auctioneerEnv } from '@flexgrid/powermatcher-auctioneer';
import { analyzerEnv } from '@flexgrid/s2-analyzer';
import { type PolicyContext } from './policies';

/** The catalog and each image's configuration schema, read from the apps themselves. */
export const context: PolicyContext = {
  catalog,
  appEnv: {
    // The VTN's service (createService) reads serviceEnv beside the VTN's own schema.
    'openadr-vtn': { ...serviceEnv, ...vtnEnv },
    'powermatcher-auctioneer': auctioneerEnv,
    's2-analyzer': analyzerEnv,
    'p2p-producer': producerEnv,
    'p2p-grid': gridEnv,
  },
  migrateEnv: migrateCommandEnv,
  defaultPoolSize: DEFAULT_POOL_SIZE,
  serviceEnv,
  crossChecks: {
    'openadr-vtn': (environment, fromSecrets) =>
      configProblems(
        loadConfig(
          Object.fromEntries(Object.entries(vtnEnv).filter(([, v]) => !fromSecrets.has(v.variable))),
          environment,
        ) as VtnConfig,
      ),
  },
};
