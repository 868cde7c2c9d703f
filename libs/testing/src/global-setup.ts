import { findInfrastructure, redact } from './infrastructure';

/**
 * jest globalSetup for every suite that needs Kafka or PostgreSQL. It never skips: without infrastructure
 * it fails, naming the three ways to provide it. The environment it sets reaches the test workers.
 */
export default async function globalSetup(): Promise<void> {
  const { kafka, postgres } = await findInfrastructure();
  process.env['KAFKA_BROKERS'] = kafka.brokers;
  process.env['DATABASE_URL'] = postgres.url;
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  console.log(
    `\ntest infrastructure: Kafka ${kafka.brokers} = ${kafka.version} [${kafka.origin}]; ` +
      `PostgreSQL ${redact(postgres.url)} = ${postgres.version} [${postgres.origin}]`,
  );
}
