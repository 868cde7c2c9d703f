import { type Bus } from './bus';
import { type BusOptions } from './delivery';
import { EmbeddedBus } from './embedded-bus';
import { type KafkaSecurity } from './kafka-auth';
import { KafkaBus } from './kafka-bus';

export interface BusChoice extends Pick<BusOptions, 'logger' | 'metrics'> {
  /** A bus to share (the dev host's): the app uses it and leaves it running. */
  bus?: Bus;
  /** Else Kafka on these brokers, if any; else an in-process bus. */
  kafkaBrokers?: readonly string[];
  /** TLS and SASL for those brokers (kafkaSecurityOf). */
  kafkaSecurity?: KafkaSecurity;
  topicPrefix?: string;
  /** How soon a crashed instance's partitions go to another (Kafka only). */
  sessionTimeoutMs?: number;
  /** The service name: Kafka client id, CloudEvents source. */
  clientId: string;
}

/**
 * The bus an app runs on: the one given, else a connected Kafka bus, else an in-process one (DESIGN.md
 * "Running": without KAFKA_BROKERS a service runs on embedded defaults). `owned`: the app stops it at shutdown.
 */
export async function connectBus(choice: BusChoice): Promise<{ bus: Bus; owned: boolean }> {
  if (choice.bus) return { bus: choice.bus, owned: false };
  const { logger, metrics } = choice;
  if (choice.kafkaBrokers && choice.kafkaBrokers.length > 0) {
    const kafka = new KafkaBus({
      brokers: choice.kafkaBrokers,
      clientId: choice.clientId,
      topicPrefix: choice.topicPrefix,
      ...choice.kafkaSecurity,
      ...(choice.sessionTimeoutMs ? { sessionTimeoutMs: choice.sessionTimeoutMs } : {}),
      logger,
      metrics,
    });
    await kafka.connect();
    return { bus: kafka, owned: true };
  }
  return { bus: new EmbeddedBus({ source: choice.clientId, logger, metrics }), owned: true };
}
