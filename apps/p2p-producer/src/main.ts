import { runP2pService } from '@flexgrid/p2p-service';
import { producerMigrations, startProducer } from './app';
import { readProducerConfig } from './config';

runP2pService(
  'p2p-producer',
  readProducerConfig,
  (config, options) => startProducer({ config, ...options }),
  producerMigrations,
);
