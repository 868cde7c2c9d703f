import { gridConfigOf, gridEnv, startGrid } from '@flexgrid/p2p-grid';
import { loadConfig } from '@flexgrid/platform-service';
import { lagWarning } from '@flexgrid/protocol-p2p';
import { p2p } from '@flexgrid/simulators';
import type { DevApp } from './apps';

/**
 * The grid with a small simulated community (3 sources under 2 producers, 4 households, wallets, a rail) on the
 * `community` rules with 10 s intervals, so settlements and payments show within a minute of `npm start`. Each
 * 10 s window carries the energy of 15 minutes (compression 90), so the amounts are a real community's.
 */
export const p2pGridDevApp: DevApp = {
  name: 'p2p-grid',
  port: 8085,
  async start({ bus, database, port, logger }) {
    // A fixed development token, so a newcomer can call the operator API (README); never a production one.
    const operatorToken = process.env['DEV_P2P_OPERATOR_TOKEN'] ?? 'dev-p2p-operator-token';
    const config = gridConfigOf(
      loadConfig(gridEnv, {
        P2P_GRID_ID: 'DEVGRID01',
        P2P_OPERATOR_TOKEN: operatorToken,
        P2P_INTERVAL_MS: '10000',
        P2P_PRODUCER_GATE_CLOSURE_MS: '2000',
        P2P_GRID_GATE_CLOSURE_MS: '5000',
        P2P_FINAL_AFTER_MS: '30000',
        P2P_AGGREGATE_EVERY_MS: '1000',
        P2P_SETTLE_EVERY_MS: '2000',
        P2P_REQUEST_MIN_AMOUNT: '1',
        P2P_PAYOUT_MIN_AMOUNT: '1',
      }),
    );
    const warning = lagWarning(config.rules);
    if (warning) logger.warn(warning);
    const grid = await startGrid({ config, bus, database, port, host: '127.0.0.1', logLevel: 'info' });
    const community = await p2p
      .startCommunity({
        bus,
        gridUrl: grid.url,
        operatorToken,
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
    const fragment = process.env['DEV_P2P_OPERATOR_TOKEN'] ? '' : `#token=${operatorToken}`;
    logger.info(`p2p-grid operator page: ${grid.url}/ui/${fragment}`);
    return {
      url: grid.url,
      async stop() {
        await community.stop();
        await grid.stop();
      },
    };
  },
};
