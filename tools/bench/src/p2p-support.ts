/** What the P2P benchmarks share: fresh databases, members straight into the grid's tables, waiting, publishing. */
import { KafkaBus, type OutgoingEvent } from '@flexgrid/platform-kafka';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const L = 900_000;

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (a Kafka broker and a PostgreSQL server).`);
  return value;
}

export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new Client({ connectionString: env('DATABASE_URL') });
  await admin.connect();
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(env('DATABASE_URL'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: env('DATABASE_URL') });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Members registered by the operator, straight into the tables and the journal (the API is not what is measured). */
export async function register(url: string, members: { id: string; role: 'producer' | 'consumer' }[], at: number) {
  const db = new Client({ connectionString: url });
  await db.connect();
  const rows = JSON.stringify(members.map((m) => ({ ...m, at })));
  await db.query(
    `insert into registrations (id, item_type, role, binding, status, created_at, updated_at)
     select x->>'id', x->>'role', x->>'role', 'operator', 'active', (x->>'at')::bigint, (x->>'at')::bigint
       from jsonb_array_elements($1::jsonb) x`,
    [rows],
  );
  await db.query(
    `insert into registration_periods (registration_id, from_ms) select x->>'id', (x->>'at')::bigint from jsonb_array_elements($1::jsonb) x`,
    [rows],
  );
  await db.query(
    `insert into journal (kind, payload)
     select 'register', jsonb_build_object('kind', 'register', 'id', x->>'id', 'role', x->>'role', 'at', (x->>'at')::bigint,
       'streamKey', x->>'id', 'binding', jsonb_build_object('binding', 'operator', 'sideKeyHash', null))
       from jsonb_array_elements($1::jsonb) x`,
    [rows],
  );
  await db.end();
}

export async function waitFor(url: string, sql: string, target: number, timeoutMs = 600_000): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { rows } = await db.query<{ n: number }>(sql);
      if (rows[0].n >= target) return;
      if (Date.now() > deadline) throw new Error(`${rows[0].n} of ${target}: ${sql}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await db.end();
  }
}

export const reading = (meterId: string, start: number, energyWh: number): OutgoingEvent => ({
  type: 'meter.reading',
  key: meterId,
  id: `${meterId}:${start}:0`,
  data: { meterId, startTime: start, endTime: start + L, energyWh, source: 'bench' },
});

export async function publishAll(bus: KafkaBus, events: OutgoingEvent[], topic = 'meter.readings'): Promise<void> {
  for (let i = 0; i < events.length; i += 5_000) await bus.publish(topic, events.slice(i, i + 5_000));
}
