import { producerConfigOf, producerEnv, startProducer } from '@flexgrid/p2p-producer';
import { loadConfig } from '@flexgrid/platform-service';
import { p2p } from '@flexgrid/simulators';
import type { DevApp } from './apps';

/**
 * The dev community's rules, for its producers and its grid alike: `community` on 10 s intervals with lags of a
 * few seconds, so settlements and payments show within a minute of `npm start` (§16).
 */
export const DEV_P2P_RULES = {
  P2P_INTERVAL_MS: '10000',
  P2P_PRODUCER_GATE_CLOSURE_MS: '2000',
  P2P_GRID_GATE_CLOSURE_MS: '5000',
  P2P_FINAL_AFTER_MS: '30000',
  P2P_AGGREGATE_EVERY_MS: '1000',
  P2P_SETTLE_EVERY_MS: '2000',
  P2P_REQUEST_MIN_AMOUNT: '1',
  P2P_PAYOUT_MIN_AMOUNT: '1',
};

/** A fixed development token, so a newcomer can call the operator APIs (README); never a production one. */
export const devOperatorToken = () => process.env['DEV_P2P_OPERATOR_TOKEN'] ?? 'dev-p2p-operator-token';

/** The dev host app name of a producer service. */
export const producerAppName = (producerId: string) => `p2p-producer-${producerId.toLowerCase()}`;

/** One producer service per producer of the simulated community (SUNFARM01, WINDMILL1), each on its database. */
export const p2pProducerDevApps: DevApp[] = p2p.PRODUCER_IDS.map((producerId, i) => ({
  name: producerAppName(producerId),
  port: 8086 + i,
  async start({ bus, database, port, logger, logLevel }) {
    const config = producerConfigOf(
      loadConfig(producerEnv, {
        P2P_PRODUCER_ID: producerId,
        P2P_OPERATOR_TOKEN: devOperatorToken(),
        ...DEV_P2P_RULES,
      }),
    );
    const producer = await startProducer({ config, bus, database, port, host: '127.0.0.1', logLevel });
    logger.info({ url: producer.url, producerId }, 'p2p-producer: operator API with DEV_P2P_OPERATOR_TOKEN');
    return producer;
  },
}));
