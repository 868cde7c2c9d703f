import { auctioneerEnv, auctioneerSettings, startPowerMatcherAuctioneer } from '@flexgrid/powermatcher-auctioneer';
import { loadConfig } from '@flexgrid/platform-service';
import { powermatcher } from '@flexgrid/simulators';
import type { DevApp } from './apps';

/** The operator token of the dev cluster (PUT /api/objective, POST /api/peakshaving): a dev host is local. */
export const DEV_OPERATOR_TOKEN = 'flexgrid-dev-operator-token';

/**
 * The PowerMatcher cluster of `npm start`: the auctioneer (with a local concentrator `street-1`), one remote
 * concentrator `field-station-1` in its own service instance connected upstream over websockets, and 50
 * simulated device agents, half on the auctioneer and half on the remote concentrator.
 */
export const powermatcherDevApp: DevApp = {
  name: 'powermatcher-auctioneer',
  port: 8082,
  async start({ bus, database, port }) {
    const auctioneer = await startPowerMatcherAuctioneer({
      settings: auctioneerSettings(
        loadConfig(auctioneerEnv, {
          PM_CLUSTER_ID: 'dev-cluster',
          PM_CONCENTRATORS: JSON.stringify([{ id: 'street-1', parentId: 'auctioneer' }]),
          PM_OPERATOR_TOKEN: DEV_OPERATOR_TOKEN,
        }),
      ),
      bus,
      database,
      host: '127.0.0.1',
      port,
      logLevel: 'warn',
    });
    const wsUrl = auctioneer.url.replace(/^http/, 'ws');
    const concentrator = await startPowerMatcherAuctioneer({
      settings: auctioneerSettings(
        loadConfig(auctioneerEnv, {
          PM_ROLE: 'concentrator',
          PM_PARENT_URL: `${wsUrl}/powermatcher/websockets/agentendpoint?agentId=field-station-1&desiredConnectionId=auctioneer`,
        }),
      ),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
    });
    const direct = await powermatcher.startPowerMatcherSimulation({
      url: wsUrl,
      agents: 25,
      parentId: 'street-1',
      prefix: 'street',
      rebidMs: 10_000,
    });
    const remote = await powermatcher.startPowerMatcherSimulation({
      url: concentrator.url.replace(/^http/, 'ws'),
      agents: 25,
      parentId: 'field-station-1',
      prefix: 'field',
      rebidMs: 10_000,
    });
    return {
      url: auctioneer.url,
      banner: `${auctioneer.url}/ui/  (concentrator field-station-1 at ${concentrator.url})`,
      stop: async () => {
        await Promise.all([direct.stop(), remote.stop()]);
        await concentrator.stop();
        await auctioneer.stop();
      },
    };
  },
};
