export * from './bus';
export { checkExtensionNames, encodeEvent, decodeRecord, type EncodedRecord } from './cloudevents';
export type { BusOptions, ConsumedRecord } from './delivery';
export { KafkaBus, type KafkaBusOptions } from './kafka-bus';
export { EmbeddedBus, type EmbeddedBusOptions, partitionOf } from './embedded-bus';
export { BusMetrics } from './metrics';
export { type BusChoice, connectBus } from './connect-bus';
export { type KafkaAuthConfig, kafkaAuthEnv, type KafkaSecurity, kafkaSecurityOf } from './kafka-auth';
