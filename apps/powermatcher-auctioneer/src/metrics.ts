import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** SPEC §8.4's metrics, besides the platform's RED set. */
export interface AuctioneerMetrics {
  readonly agentsConnected: Gauge;
  readonly bids: Counter<'outcome'>;
  readonly rounds: Counter;
  readonly roundDuration: Histogram;
  readonly price: Gauge;
  readonly kafkaDropped: Counter<'topic'>;
}

export function auctioneerMetrics(registry: Registry): AuctioneerMetrics {
  const registers = [registry];
  return {
    agentsConnected: new Gauge({
      name: 'pm_agents_connected',
      help: 'Websocket agents with an open session',
      registers,
    }),
    bids: new Counter({
      name: 'pm_bids_total',
      help: 'Bid frames by outcome: accepted, or the ERROR code that rejected them',
      labelNames: ['outcome'],
      registers,
    }),
    rounds: new Counter({ name: 'pm_rounds_total', help: 'Price rounds of the auctioneer', registers }),
    roundDuration: new Histogram({
      name: 'pm_round_duration_seconds',
      help: 'From the model step that ran a round to all its PRICE_UPDATEs handed to the sockets',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    price: new Gauge({ name: 'pm_price', help: 'The last equilibrium price', registers }),
    kafkaDropped: new Counter({
      name: 'pm_kafka_dropped_total',
      help: 'Soft-state records (bids) dropped after bounded retries',
      labelNames: ['topic'],
      registers,
    }),
  };
}
