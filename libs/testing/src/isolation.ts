import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { HOW_TO_PROVIDE } from './infrastructure';

function required(name: 'KAFKA_BROKERS' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: add libs/testing's global setup to this project's jest config.\n${HOW_TO_PROVIDE}`,
    );
  }
  return value;
}

export function testKafkaBrokers(): string[] {
  return required('KAFKA_BROKERS').split(',');
}

/** A topic and group prefix of its own, so test files can share a broker, in parallel and in any order. */
export function uniqueTopicPrefix(label = 't'): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the test server (or on `serverUrl`, e.g. a private server a test restarts);
 * drop() removes it (closing whatever still connects to it).
 */
export async function createTestDatabase(label = 't', serverUrl = required('DATABASE_URL')): Promise<TestDatabase> {
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin(serverUrl, (c) => c.query(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin(serverUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
