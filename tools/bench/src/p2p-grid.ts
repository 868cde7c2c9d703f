/**
 * tools/bench/p2p-grid: the grid service (apps/p2p-grid) on a real Kafka and PostgreSQL, as issue 23 asks.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx nx run bench:p2p-grid
 *
 * BENCH_METERS (1,000), BENCH_INTERVALS (100), BENCH_MEMBERS (10,000) size it; BENCH_PARTS=ingest or settle runs one.
 *
 * 1. Ingest: METERS consumer meters × INTERVALS readings published to `meter.readings` as a backlog, then a grid
 *    started: the journal's growth from its first commit to the last reading gives readings/s from Kafka into
 *    PostgreSQL (the grid's rate, not the bench's publishing). Then the same records again between two rounds of one
 *    new reading per meter: idempotent means the journal grows by exactly 2 × METERS, and the rate (first round's
 *    commit to the last round's) says it is as fast. Then a restart: the time until the grid, rebuilt from that
 *    journal, is ready.
 * 2. Settlement: MEMBERS members (80 % consumers, 20 % producers) with data for one 15-min interval; one run
 *    through the operator API (settle, ledger entries, requests, records and outbox rows, one transaction).
 * 3. End to end: from the run's start at the interval's due instant to the last of its payment requests read
 *    back from Kafka (read_committed).
 * Each part runs in a process of its own, and the run is requested from another, as an operator's client would.
 * Prints a table and writes tmp/bench/p2p-grid.json.
 */
import { type GridConfig, gridConfigOf, gridEnv, startGrid } from '@flexgrid/p2p-grid';
import { KafkaBus, type OutgoingEvent } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { execFile, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
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
  const firstStart = Math.floor(now / L) * L - (INTERVALS + 3) * L;
  const events: OutgoingEvent[] = [];
  for (let n = 0; n < INTERVALS; n++)
    for (const id of meters) events.push(reading(id, firstStart + n * L, 100 + (n % 50)));
  const bus = new KafkaBus({ brokers, clientId: 'bench-devices', topicPrefix });
  await bus.connect();

  // A backlog on Kafka, consumed by a grid started after it: the grid's rate, not the bench's publishing.
  await publishAll(bus, events);
  grid = await start();
  const first = await journalRate(database.url, METERS, METERS + events.length);

  // The same records again, between two rounds of one new reading per meter: only those may be journaled.
  // Timed from the first round's commit to the last round's, so the rate covers the redelivered records.
  await grid.stop();
  await publishAll(bus, [
    ...meters.map((id) => reading(id, firstStart + INTERVALS * L, 1)),
    ...events,
    ...meters.map((id) => reading(id, firstStart + (INTERVALS + 1) * L, 1)),
  ]);
  grid = await start();
  const total = METERS + events.length + 2 * METERS;
  const second = await journalRate(database.url, METERS + events.length, total);
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const journaled = (await db.query<{ n: number }>(`select count(*)::int as n from journal`)).rows[0].n;
  await db.end();
  await grid.stop();
  // What a restart costs an operator: the Grid is rebuilt from the whole journal before the grid is ready.
  const restartedAt = performance.now();
  grid = await start();
  const restartMs = performance.now() - restartedAt;
  await grid.stop();
  await bus.stop();
  await database.drop();
  return {
    readings: events.length,
    firstDeliveryPerSecond: Math.round(first.records / first.seconds),
    firstDeliverySeconds: Number(first.seconds.toFixed(2)),
    redeliveryPerSecond: Math.round((events.length + METERS) / second.seconds),
    redeliverySeconds: Number(second.seconds.toFixed(2)),
    idempotent: journaled === total,
    restartFacts: journaled,
    restartMs: Math.round(restartMs),
  };
}

/**
 * Watches the journal grow from `from` to `to` entries: the seconds from its first commit past `from` to the
 * one reaching `to`, and the entries committed in that time (those of the first commit are not counted).
 */
async function journalRate(url: string, from: number, to: number): Promise<{ records: number; seconds: number }> {
  const db = new Client({ connectionString: url });
  await db.connect();
  const size = async () =>
    Number((await db.query<{ n: string | null }>(`select max(seq) as n from journal`)).rows[0].n);
  const deadline = Date.now() + 600_000;
  try {
    let started: { at: number; size: number } | undefined;
    for (;;) {
      const n = await size();
      const at = performance.now();
      if (started === undefined && n > from) started = { at, size: n };
      if (n >= to && started) return { records: to - started.size, seconds: (at - started.at) / 1000 };
      if (Date.now() > deadline) throw new Error(`the journal has ${n} of ${to} entries`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await db.end();
  }
}

/**
 * The operator's POST, from another process as an operator's client is: timed in this process, the answer would
 * wait for whatever this process runs as it arrives (the grid's relay starts publishing the run at its commit).
 */
async function operatorPost(url: string): Promise<{ startedAt: number; ms: number; body: unknown }> {
  // The client's first fetch loads its HTTP stack; a GET of the service's root does that before the clock starts.
  const client = `
    const [url, token] = process.argv.slice(1);
    (async () => {
      await (await fetch(new URL('/', url))).text();
      const startedAt = Date.now();
      const t0 = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
        body: '{}',
      });
      const body = await response.json();
      console.log(JSON.stringify({ startedAt, ms: performance.now() - t0, body }));
    })();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', client, url, TOKEN]);
  return JSON.parse(stdout) as { startedAt: number; ms: number; body: unknown };
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
      for (const event of events) if (event.type === 'payment.request') requests.push(Date.now());
    },
  });
  const run = await operatorPost(`${(grid as { url: string }).url}/api/operator/settlement-runs`);
  const summary = run.body as { settled: number; paymentRequests: number };
  if (summary.paymentRequests !== consumers.length) throw new Error(`unexpected run: ${JSON.stringify(summary)}`);
  const deadline = Date.now() + 120_000;
  while (requests.length < consumers.length) {
    if (Date.now() > deadline) throw new Error(`read ${requests.length} of ${consumers.length} payment requests`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const endToEndMs = Math.max(...requests) - run.startedAt;
  await reader.stop();
  await grid.stop();
  await bus.stop();
  await database.drop();
  return {
    members: MEMBERS,
    settled: summary.settled,
    runMs: Math.round(run.ms),
    paymentRequests: summary.paymentRequests,
    gateClosureToLastRequestMs: Math.round(endToEndMs),
  };
}

/**
 * Runs one part in a process of its own, as each is a grid of its own: one part's grid leaves the next nothing to
 * collect (the ingest part's readings are hundreds of megabytes of heap).
 */
function inProcessOfItsOwn<T>(part: 'ingest' | 'settle'): Promise<T> {
  return new Promise((resolve, reject) => {
    let result: T | undefined;
    const child = fork(__filename, [], { env: { ...process.env, BENCH_PART: part } });
    child.on('message', (message) => (result = message as T));
    child.on('exit', (code) =>
      code === 0 && result !== undefined ? resolve(result) : reject(new Error(`the ${part} part exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const parts = (process.env['BENCH_PARTS'] ?? 'ingest,settle').split(',');
  const ingestResult = parts.includes('ingest') ? await inProcessOfItsOwn<IngestResult>('ingest') : undefined;
  const settleResult = parts.includes('settle') ? await inProcessOfItsOwn<SettleResult>('settle') : undefined;
  const result = { machine: machine(), ingest: ingestResult, settlement: settleResult };
  console.table({
    ...(ingestResult && {
      'ingest, first delivery (readings/s)': { value: ingestResult.firstDeliveryPerSecond, target: '>= 50,000' },
      'ingest, redelivery + markers (readings/s)': { value: ingestResult.redeliveryPerSecond, target: 'as fast' },
      'ingest idempotent': { value: ingestResult.idempotent, target: true },
      [`restart, journal of ${ingestResult.restartFacts} facts (ms)`]: { value: ingestResult.restartMs, target: '' },
    }),
    ...(settleResult && {
      [`settlement run, ${MEMBERS} members (ms)`]: { value: settleResult.runMs, target: '<= 1000' },
      'run start -> last payment request on Kafka (ms)': { value: settleResult.gateClosureToLastRequestMs, target: '' },
    }),
  });
  console.log(machine());
  writeResult('p2p-grid', result);
}

async function part(name: string): Promise<void> {
  const brokers = env('KAFKA_BROKERS').split(',');
  const result = name === 'ingest' ? await ingest(brokers) : await settle(brokers);
  await new Promise<void>((resolve, reject) =>
    process.send!(result, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  process.exit(0);
}

type IngestResult = Awaited<ReturnType<typeof ingest>>;
type SettleResult = Awaited<ReturnType<typeof settle>>;

const partOfThisProcess = process.env['BENCH_PART'];
runBenchmark(partOfThisProcess ? () => part(partOfThisProcess) : main);
