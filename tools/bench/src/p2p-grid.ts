/**
 * tools/bench/p2p-grid: the grid service (apps/p2p-grid) on a real Kafka and PostgreSQL, as issue 23 asks.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx nx run bench:p2p-grid
 *
 * 1. Ingest: METERS consumer meters × INTERVALS readings published to `meter.readings` while the grid runs; the
 *    time from the first publish until every reading is journaled gives readings/s from Kafka into PostgreSQL. Then the same records are delivered again, followed by one new reading per meter:
 *    idempotent means the journal grows by exactly METERS, and the rate says it is as fast.
 * 2. Settlement: MEMBERS members (80 % consumers, 20 % producers) with data for one 15-min interval; one run
 *    through the operator API (settle, ledger entries, requests, records and outbox rows, one transaction).
 * 3. End to end: from the run's start at the interval's due instant to the last of its payment requests read
 *    back from Kafka (read_committed).
 * Prints a table and writes tmp/bench/p2p-grid.json.
 */
import { type GridConfig, gridConfigOf, gridEnv, startGrid } from '@flexgrid/p2p-grid';
import { KafkaBus, type OutgoingEvent } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { env, freshDatabase, L, publishAll, reading, register, waitFor } from './p2p-support';
import { machine, runBenchmark, writeResult } from './report';

const METERS = Number(process.env['BENCH_METERS'] ?? 1_000);
const INTERVALS = Number(process.env['BENCH_INTERVALS'] ?? 100);
const MEMBERS = Number(process.env['BENCH_MEMBERS'] ?? 10_000);
const TOKEN = 'bench-operator-token-000000001';

function config(): GridConfig {
  return gridConfigOf(
    loadConfig(gridEnv, {
      P2P_GRID_ID: 'BENCHGRID',
      P2P_OPERATOR_TOKEN: TOKEN,
      P2P_SETTLE_EVERY_MS: '3600000',
      P2P_REQUEST_MIN_AMOUNT: '1',
    }),
  );
}

async function ingest(brokers: string[]) {
  const database = await freshDatabase('ingest');
  const topicPrefix = `bench-ingest-${randomBytes(3).toString('hex')}.`;
  const start = async () =>
    startGrid({
      config: config(),
      databaseUrl: database.url,
      kafkaBrokers: brokers,
      topicPrefix,
      logLevel: process.env['BENCH_LOG_LEVEL'] === 'debug' ? 'debug' : 'error',
      autoRun: false,
    });
  let grid = await start();
  await grid.stop();
  const now = Date.now();
  const meters = Array.from({ length: METERS }, (_, i) => `FLAT${String(i).padStart(6, '0')}`);
  await register(
    database.url,
    meters.map((id) => ({ id, role: 'consumer' as const })),
    now - 400 * L,
  );
  const first = Math.floor(now / L) * L - (INTERVALS + 2) * L;
  const events: OutgoingEvent[] = [];
  for (let n = 0; n < INTERVALS; n++) for (const id of meters) events.push(reading(id, first + n * L, 100 + (n % 50)));
  const bus = new KafkaBus({ brokers, clientId: 'bench-devices', topicPrefix });
  await bus.connect();
  grid = await start();

  // Measured from the first publish: Kafka in, the grid's batches into PostgreSQL, overlapping.
  const count = `select count(*)::int as n from journal where kind = 'reading'`;
  const t0 = performance.now();
  await publishAll(bus, events);
  await waitFor(database.url, count, events.length);
  const firstSeconds = (performance.now() - t0) / 1000;

  // The same records again, then one new reading per meter: only those may be journaled.
  const markers = meters.map((id) => reading(id, first + INTERVALS * L, 1));
  const t1 = performance.now();
  await publishAll(bus, [...events]);
  await publishAll(bus, markers);
  await waitFor(database.url, count, events.length + markers.length);
  const secondSeconds = (performance.now() - t1) / 1000;
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const journaled = (await db.query<{ n: number }>(count)).rows[0].n;
  await db.end();
  await grid.stop();
  await bus.stop();
  await database.drop();
  return {
    readings: events.length,
    firstDeliveryPerSecond: Math.round(events.length / firstSeconds),
    firstDeliverySeconds: Number(firstSeconds.toFixed(2)),
    redeliveryPerSecond: Math.round((events.length + markers.length) / secondSeconds),
    redeliverySeconds: Number(secondSeconds.toFixed(2)),
    idempotent: journaled === events.length + markers.length,
  };
}

async function settle(brokers: string[]) {
  const database = await freshDatabase('settle');
  const topicPrefix = `bench-settle-${randomBytes(3).toString('hex')}.`;
  const cfg = config();
  const start = () =>
    startGrid({
      config: cfg,
      databaseUrl: database.url,
      kafkaBrokers: brokers,
      topicPrefix,
      logLevel: process.env['BENCH_LOG_LEVEL'] === 'debug' ? 'debug' : 'error',
      autoRun: false,
    });
  let grid = await start();
  await grid.stop();
  const now = Date.now();
  const n = Math.floor(now / L) * L - 2 * L;
  const consumers = Array.from({ length: Math.round(MEMBERS * 0.8) }, (_, i) => `FLAT${String(i).padStart(6, '0')}`);
  const producers = Array.from({ length: MEMBERS - consumers.length }, (_, i) => `PV${String(i).padStart(7, '0')}`);
  await register(
    database.url,
    [
      ...consumers.map((id) => ({ id, role: 'consumer' as const })),
      ...producers.map((id) => ({ id, role: 'producer' as const })),
    ],
    n - L,
  );
  const bus = new KafkaBus({ brokers, clientId: 'bench-devices', topicPrefix });
  await bus.connect();
  await publishAll(
    bus,
    consumers.map((id, i) => reading(id, n, 500 + (i % 700))),
  );
  await publishAll(
    bus,
    producers.map((id, i) => ({
      type: 'producer.output',
      key: id,
      id: `${id}:${n}:0`,
      data: {
        command: 'output',
        producerId: id,
        startTime: n,
        endTime: n + L,
        bounds: 'half-open',
        outputWh: 1_000 + (i % 1_500),
        output: (1_000 + (i % 1_500)) / 1000,
        producerPrice: 20,
        producerPricePerMWh: 20_000,
        paymentIdOrAddress: id,
        quality: 'measured',
        complete: true,
        missingSources: [],
        partialSources: [],
        revision: 0,
        publishedAt: n + L,
        profile: 'community',
      },
    })),
    'p2p.producer-output',
  );
  grid = await start();
  await waitFor(database.url, `select count(*)::int as n from journal where kind in ('reading', 'output')`, MEMBERS);

  const requests: number[] = [];
  const reader = await bus.subscribe({
    group: `${topicPrefix}reader`,
    topics: ['p2p.payment-requests'],
    fromBeginning: true,
    batch: { maxRecords: 5_000, maxWaitMs: 50 },
    handleBatch: async (events) => {
      for (const event of events) if (event.type === 'payment.request') requests.push(performance.now());
    },
  });
  const t0 = performance.now();
  const response = await fetch(`${(grid as { url: string }).url}/api/operator/settlement-runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const runMs = performance.now() - t0;
  const summary = (await response.json()) as { settled: number; paymentRequests: number };
  if (summary.paymentRequests !== consumers.length) throw new Error(`unexpected run: ${JSON.stringify(summary)}`);
  const deadline = Date.now() + 120_000;
  while (requests.length < consumers.length) {
    if (Date.now() > deadline) throw new Error(`read ${requests.length} of ${consumers.length} payment requests`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const endToEndMs = Math.max(...requests) - t0;
  await reader.stop();
  await grid.stop();
  await bus.stop();
  await database.drop();
  return {
    members: MEMBERS,
    settled: summary.settled,
    runMs: Math.round(runMs),
    paymentRequests: summary.paymentRequests,
    gateClosureToLastRequestMs: Math.round(endToEndMs),
  };
}

async function main(): Promise<void> {
  const brokers = env('KAFKA_BROKERS').split(',');
  const ingestResult = await ingest(brokers);
  const settleResult = await settle(brokers);
  const result = { machine: machine(), ingest: ingestResult, settlement: settleResult };
  console.table({
    'ingest, first delivery (readings/s)': { value: ingestResult.firstDeliveryPerSecond, target: '>= 50,000' },
    'ingest, redelivery + markers (readings/s)': { value: ingestResult.redeliveryPerSecond, target: 'as fast' },
    'ingest idempotent': { value: ingestResult.idempotent, target: true },
    [`settlement run, ${MEMBERS} members (ms)`]: { value: settleResult.runMs, target: '<= 1000' },
    'run start -> last payment request on Kafka (ms)': { value: settleResult.gateClosureToLastRequestMs, target: '' },
  });
  console.log(machine());
  writeResult('p2p-grid', result);
}

runBenchmark(main);
