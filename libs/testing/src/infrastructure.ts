import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

const run = promisify(execFile);

export interface Infrastructure {
  kafka: { brokers: string; origin: string; version: string };
  postgres: { url: string; origin: string; version: string };
}

const KAFKA_IMAGE = 'confluentinc/cp-kafka:8.1.1';
const POSTGRES_IMAGE = 'postgres:15-alpine';
const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export const HOW_TO_PROVIDE = [
  'Tests need a real Kafka broker and a real PostgreSQL server. Provide them in one of three ways:',
  '  1. set KAFKA_BROKERS (e.g. 127.0.0.1:9092) and DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres);',
  `  2. run a container runtime (Docker/Podman) so testcontainers can start ${KAFKA_IMAGE} and ${POSTGRES_IMAGE};`,
  '  3. install Java 17+ and Maven (tools/kafka-local fetches and runs Apache Kafka) and run PostgreSQL on 127.0.0.1:5432.',
].join('\n');

export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the workspace root (nx.json)');
    dir = parent;
  }
  return dir;
}

/** Env vars first, then testcontainers when a container runtime answers, then kafka-local and the local server. */
export async function findInfrastructure(): Promise<Infrastructure> {
  const problems: string[] = [];
  const kafkaFromEnv = await fromEnv('KAFKA_BROKERS', probeKafka);
  const postgresFromEnv = await fromEnv('DATABASE_URL', probePostgres);
  const containers = kafkaFromEnv && postgresFromEnv ? undefined : await fromContainers(problems);
  const kafka =
    (kafkaFromEnv && { brokers: kafkaFromEnv.address, ...kafkaFromEnv }) ??
    containers?.kafka ??
    (await localKafka(problems));
  const postgres =
    (postgresFromEnv && { url: postgresFromEnv.address, ...postgresFromEnv }) ??
    containers?.postgres ??
    (await localPostgres(problems));
  if (!kafka || !postgres) {
    throw new Error(`${HOW_TO_PROVIDE}\nWhat was tried:\n  - ${problems.join('\n  - ')}`);
  }
  return { kafka, postgres };
}

type Probe = (address: string) => Promise<string>;

async function fromEnv(
  name: string,
  probe: Probe,
): Promise<{ address: string; origin: string; version: string } | undefined> {
  const address = process.env[name];
  if (!address) return undefined;
  try {
    return { address, origin: name, version: await probe(address) };
  } catch (error) {
    // A variable that is set but wrong is a misconfiguration; falling back would hide it.
    throw new Error(`${name}=${redact(address)} is set, but it does not answer: ${(error as Error).message}`);
  }
}

async function fromContainers(problems: string[]): Promise<Infrastructure | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch (error) {
    problems.push(`testcontainers: ${(error as Error).message}`);
    return undefined;
  }
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  // Reused across the projects of one `npm test`, so each jest run does not start its own broker.
  const [kafka, postgres] = await Promise.all([
    new KafkaContainer(KAFKA_IMAGE).withKraft().withReuse().start(),
    new PostgreSqlContainer(POSTGRES_IMAGE).withReuse().start(),
  ]);
  const brokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  const url = postgres.getConnectionUri();
  return {
    kafka: { brokers, origin: `testcontainers ${KAFKA_IMAGE}`, version: await probeKafka(brokers) },
    postgres: { url, origin: `testcontainers ${POSTGRES_IMAGE}`, version: await probePostgres(url) },
  };
}

async function localKafka(problems: string[]) {
  const script = join(workspaceRoot(), 'tools/kafka-local/kafka-local.sh');
  try {
    await run('bash', [script, 'start'], { timeout: 180_000 });
    const brokers = `127.0.0.1:${process.env['KAFKA_LOCAL_PORT'] ?? 9092}`;
    return { brokers, origin: 'tools/kafka-local', version: await probeKafka(brokers) };
  } catch (error) {
    const e = error as Error & { stderr?: string };
    problems.push(`tools/kafka-local: ${e.stderr?.trim() || e.message}`);
    return undefined;
  }
}

async function localPostgres(problems: string[]) {
  try {
    return { url: LOCAL_POSTGRES_URL, origin: 'local server', version: await probePostgres(LOCAL_POSTGRES_URL) };
  } catch (error) {
    problems.push(`local PostgreSQL at 127.0.0.1:5432: ${(error as Error).message}`);
    return undefined;
  }
}

/** Kafka's wire protocol does not tell the release; kafka-local's jars do, when that is the broker in use. */
async function probeKafka(brokers: string): Promise<string> {
  const kafka = new Kafka({
    clientId: 'flexgrid-test-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `Apache Kafka ${await localKafkaVersion(brokers)} (cluster ${cluster.clusterId}, ${cluster.brokers.length} broker)`;
  } finally {
    await admin.disconnect();
  }
}

async function localKafkaVersion(brokers: string): Promise<string> {
  try {
    const { stdout } = await run('bash', [join(workspaceRoot(), 'tools/kafka-local/kafka-local.sh'), 'status']);
    if (brokers.includes(`:${process.env['KAFKA_LOCAL_PORT'] ?? 9092}`))
      return stdout.match(/Apache Kafka (\S+),/)?.[1] ?? 'version unknown';
  } catch {
    // not the local broker
  }
  return 'version unknown';
}

async function probePostgres(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('select version()');
    return rows[0].version.split(' on ')[0];
  } finally {
    await client.end();
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
