import { gridConfigOf, gridEnv, startGrid } from '@flexgrid/p2p-grid';
import { loadConfig } from '@flexgrid/platform-service';
import { lagWarning } from '@flexgrid/protocol-p2p';
import { p2p } from '@flexgrid/simulators';
import type { DevApp } from './apps';
import { DEV_P2P_RULES, devOperatorToken, producerAppName } from './p2p-producer';

/**
 * The grid with a small simulated community (3 sources feeding the 2 producer services started before it,
 * 4 households, wallets, a rail) on the dev rules (10 s intervals), so settlements and payments show within a
 * minute of `npm start`. Each 10 s window carries the energy of 15 minutes (compression 90), so the amounts are a
 * real community's, and a simulated day passes in 16 minutes: the PV panels' sunrise shows whatever the hour.
 */
export const p2pGridDevApp: DevApp = {
  name: 'p2p-grid',
  port: 8085,
  async start({ bus, database, port, logger, logLevel, started }) {
    const operatorToken = devOperatorToken();
    const config = gridConfigOf(
      loadConfig(gridEnv, { P2P_GRID_ID: 'DEVGRID01', P2P_OPERATOR_TOKEN: operatorToken, ...DEV_P2P_RULES }),
    );
    const producerUrls = Object.fromEntries(p2p.PRODUCER_IDS.map((id) => [id, started[producerAppName(id)]]));
    const warning = lagWarning(config.rules);
    if (warning) logger.warn(warning);
    const grid = await startGrid({ config, bus, database, port, host: '127.0.0.1', logLevel });
    const community = await p2p
      .startCommunity({
        bus,
        gridUrl: grid.url,
        operatorToken,
        producerUrls,
        config: config.rules,
        timeCompression: 90,
        log: (message) => logger.debug({ module: 'p2p-simulator' }, message),
      })
      .catch(async (error: unknown) => {
        await grid.stop();
        throw error;
      });
    logger.info({ url: grid.url }, 'p2p-grid: community simulated; operator API with DEV_P2P_OPERATOR_TOKEN');
    // The page signs in from the address's fragment, which no server sees; a token of one's own is not printed.
    const ownToken = process.env['DEV_P2P_OPERATOR_TOKEN'] !== undefined;
    const fragment = ownToken ? '' : `#token=${operatorToken}`;
    const shownToken = ownToken ? 'DEV_P2P_OPERATOR_TOKEN' : operatorToken;
    return {
      url: grid.url,
      banner: `${grid.url}/ui/${fragment}  (operator page and API; token: ${shownToken})`,
      async stop() {
        await community.stop();
        await grid.stop();
      },
    };
  },
};
