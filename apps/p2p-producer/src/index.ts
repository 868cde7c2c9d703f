export { type RunningProducer, SERVICE_NAME, startProducer, type StartProducerOptions } from './app';
export { type ProducerConfig, producerConfigOf, producerEnv, readProducerConfig } from './config';
