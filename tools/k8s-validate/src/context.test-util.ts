import { catalog } from '@flexgrid/contracts';
import { vtnEnv } from '@flexgrid/openadr-vtn';
import { gridEnv } from '@flexgrid/p2p-grid';
import { producerEnv } from '@flexgrid/p2p-producer';
import { auctioneerEnv } from '@flexgrid/powermatcher-auctioneer';
import { analyzerEnv } from '@flexgrid/s2-analyzer';
import { type PolicyContext } from './policies';

/** The catalog and each image's configuration schema, read from the apps themselves. */
export const context: PolicyContext = {
  catalog,
  appEnv: {
    'openadr-vtn': vtnEnv,
    'powermatcher-auctioneer': auctioneerEnv,
    's2-analyzer': analyzerEnv,
    'p2p-producer': producerEnv,
    'p2p-grid': gridEnv,
  },
};
