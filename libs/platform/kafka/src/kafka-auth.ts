import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import { ConfigError, type ConfigOf, type ConfigProblem, defineConfig, env } from '@flexgrid/platform-service';
import type { KafkaBusOptions } from './kafka-bus';

/** How a service authenticates to Kafka (Strimzi's SCRAM users, a managed cluster's SASL/PLAIN); every app spreads it. */
export const kafkaAuthEnv = defineConfig({
  kafkaSaslMechanism: env.enum('KAFKA_SASL_MECHANISM', ['plain', 'scram-sha-256', 'scram-sha-512'] as const, {
    optional: true,
  }),
  kafkaSaslUsername: env.string('KAFKA_SASL_USERNAME', { optional: true }),
  kafkaSaslPassword: env.secret('KAFKA_SASL_PASSWORD', { optional: true }),
  kafkaSsl: env.boolean('KAFKA_SSL', { default: false }),
  /** A PEM bundle for a broker certificate the system's CAs do not sign (Strimzi's cluster CA). */
  kafkaSslCaFile: env.string('KAFKA_SSL_CA_FILE', { optional: true }),
});

export type KafkaAuthConfig = ConfigOf<typeof kafkaAuthEnv>;

/** What KafkaBus takes to reach a secured cluster; empty for a plaintext one. */
export type KafkaSecurity = Pick<KafkaBusOptions, 'ssl' | 'sasl'>;

/**
 * The KafkaBus security options of `config`, the CA file read now so that a missing file stops the start
 * rather than the first reconnect. Half a setting (a mechanism without its credentials, credentials without
 * a mechanism, a CA without TLS) is a ConfigError: it would otherwise connect unauthenticated or fail later.
 */
export function kafkaSecurityOf(config: KafkaAuthConfig): KafkaSecurity {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, message: string) => problems.push({ variable, message });
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = config;
  if (mechanism && !username)
    problem('KAFKA_SASL_USERNAME', `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME`);
  if (mechanism && !password)
    problem('KAFKA_SASL_PASSWORD', `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_PASSWORD`);
  if (!mechanism && (username || password))
    problem('KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM');
  if (config.kafkaSslCaFile && !config.kafkaSsl)
    problem('KAFKA_SSL', 'KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true');
  let ca: string | undefined;
  if (config.kafkaSslCaFile && config.kafkaSsl) {
    try {
      ca = readFileSync(config.kafkaSslCaFile, 'utf8');
    } catch (error) {
      problem(
        'KAFKA_SSL_CA_FILE',
        `KAFKA_SSL_CA_FILE=${config.kafkaSslCaFile} cannot be read: ${(error as Error).message}`,
      );
    }
    if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----'))
      problem('KAFKA_SSL_CA_FILE', `KAFKA_SSL_CA_FILE=${config.kafkaSslCaFile} holds no PEM certificate`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(config.kafkaSsl ? { ssl: ca === undefined ? true : { ca: [ca] } } : {}),
    ...(mechanism && username && password ? { sasl: saslOf(mechanism, username, password) } : {}),
  };
}

function saslOf(
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512',
  username: string,
  password: string,
): SASLOptions {
  // kafkajs types each mechanism apart; one object with the union would not type-check.
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}
