/**
 * tools/bench/p2p-chain: issue 23's end-to-end latency through both P2P services on a real Kafka and PostgreSQL:
 * from the gate closure of an interval to its payment requests on Kafka, with the producer service in the path.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx nx run bench:p2p-chain
 *
 * SOURCES sources of one producer service (apps/p2p-producer) and CONSUMERS households at one grid
 * (apps/p2p-grid), each on its own database, one topic prefix. Every reading of one 15-min interval is ingested
 * first; then, at the instant the interval is due at both services (their gate closures configured equal, so the
 * configured lags are not what is measured), the producer's aggregation run starts. Measured: producer run →
 * its output journaled by the grid → the grid's settlement run → the last payment request read back from Kafka
 * (read_committed). Prints a table and writes tmp/bench/p2p-chain.json.
 */
import { gridConfigOf, gridEnv, startGrid } from '@flexgrid/p2p-grid';
import { producerConfigOf, producerEnv, startProducer } from '@flexgrid/p2p-producer';
import { KafkaBus } from '@flexgrid/platform-kafka';
import { loadConfig } from '@flexgrid/platform-service';
import { randomBytes } from 'node:crypto';
import { env, freshDatabase, L, publishAll, reading, register, waitFor } from './p2p-support';
import { machine, runBenchmark, writeResult } from './report';

const SOURCES = Number(process.env['BENCH_SOURCES'] ?? 100);
const CONSUMERS = Number(process.env['BENCH_CONSUMERS'] ?? 1_000);
const TOKEN = 'bench-operator-token-000000001';
// Both services due at the same instant: the lags are configuration, the latency is what the services add.
const rules = {
  P2P_OPERATOR_TOKEN: TOKEN,
  P2P_PRODUCER_GATE_CLOSURE_MS: '300000',
  P2P_GRID_GATE_CLOSURE_MS: '300000',
  P2P_AGGREGATE_EVERY_MS: '3600000',
  P2P_SETTLE_EVERY_MS: '3600000',
  P2P_REQUEST_MIN_AMOUNT: '1',
};

async function put(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function run(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function chain(brokers: string[]) {
  const [gridDb, producerDb] = [await freshDatabase('chain_grid'), await freshDatabase('chain_producer')];
  const topicPrefix = `bench-chain-${randomBytes(3).toString('hex')}.`;
  const logLevel = process.env['BENCH_LOG_LEVEL'] === 'debug' ? 'debug' : 'error';
  const common = { kafkaBrokers: brokers, topicPrefix, logLevel, autoRun: false } as const;
  const startGridService = () =>
    startGrid({
      ...common,
      databaseUrl: gridDb.url,
      config: gridConfigOf(loadConfig(gridEnv, { P2P_GRID_ID: 'BENCHGRID', ...rules })),
    });
  // Households straight into the migrated tables and the journal, which the grid replays as it starts.
  await (await startGridService()).stop();
  const n = Math.floor(Date.now() / L) * L - 2 * L;
  const consumers = Array.from({ length: CONSUMERS }, (_, i) => `FLAT${String(i).padStart(6, '0')}`);
  await register(
    gridDb.url,
    consumers.map((id) => ({ id, role: 'consumer' as const })),
    n - L,
  );
  const grid = await startGridService();
  const producer = await startProducer({
    ...common,
    databaseUrl: producerDb.url,
    config: producerConfigOf(loadConfig(producerEnv, { P2P_PRODUCER_ID: 'BENCHFARM1', ...rules })),
  });
  const sources = Array.from({ length: SOURCES }, (_, i) => `PANEL${String(i).padStart(6, '0')}`);
  await put(`${grid.url}/registration/BENCHFARM1`, { itemType: 'producer' });
  for (const id of sources) await put(`${producer.url}/registration/${id}`, { itemType: 'solar' });
  // Sources registered now are not expected in the past interval: their readings still count (P2P-S1 inputs).
  const bus = new KafkaBus({ brokers, clientId: 'bench-devices', topicPrefix });
  await bus.connect();
  await publishAll(bus, [
    // The sources cover all usage, so every household is billed (matched energy, §8).
    ...sources.map((id, i) => reading(id, n, Math.ceil((CONSUMERS * 500) / SOURCES) + (i % 50))),
    ...consumers.map((id, i) => reading(id, n, 200 + (i % 300))),
  ]);
  await waitFor(producerDb.url, `select count(*)::int as n from journal where kind = 'reading'`, SOURCES);
  await waitFor(gridDb.url, `select count(*)::int as n from journal where kind = 'reading'`, CONSUMERS);

  const requests: number[] = [];
  const reader = await bus.subscribe({
    group: `${topicPrefix}reader`,
    topics: ['p2p.payment-requests'],
    fromBeginning: true,
    batch: { maxRecords: 5_000, maxWaitMs: 20 },
    handleBatch: async (events) => {
      for (const event of events) if (event.type === 'payment.request') requests.push(performance.now());
    },
  });
  const t0 = performance.now();
  const aggregated = await run(`${producer.url}/api/operator/aggregation-runs`);
  const t1 = performance.now();
  await waitFor(gridDb.url, `select count(*)::int as n from journal where kind = 'output'`, 1, 120_000);
  const t2 = performance.now();
  const settled = await run(`${grid.url}/api/operator/settlement-runs`);
  const t3 = performance.now();
  if (settled.paymentRequests !== CONSUMERS) throw new Error(`unexpected run: ${JSON.stringify(settled)}`);
  const deadline = Date.now() + 120_000;
  while (requests.length < CONSUMERS) {
    if (Date.now() > deadline) throw new Error(`read ${requests.length} of ${CONSUMERS} payment requests`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const last = Math.max(...requests);
  await reader.stop();
  await producer.stop();
  await grid.stop();
  await bus.stop();
  await producerDb.drop();
  await gridDb.drop();
  return {
    sources: SOURCES,
    consumers: CONSUMERS,
    published: aggregated.published,
    producerRunMs: Math.round(t1 - t0),
    outputJournaledByGridMs: Math.round(t2 - t1),
    gridRunMs: Math.round(t3 - t2),
    gateClosureToLastRequestMs: Math.round(last - t0),
  };
}

async function main(): Promise<void> {
  const result = await chain(env('KAFKA_BROKERS').split(','));
  console.table({
    'producer aggregation run (ms)': { value: result.producerRunMs },
    'output on Kafka -> journaled by the grid (ms)': { value: result.outputJournaledByGridMs },
    [`grid settlement run, ${CONSUMERS} consumers (ms)`]: { value: result.gridRunMs },
    'gate closure -> last payment request on Kafka (ms)': { value: result.gateClosureToLastRequestMs },
  });
  console.log(machine());
  writeResult('p2p-chain', { machine: machine(), chain: result });
}

runBenchmark(main);
