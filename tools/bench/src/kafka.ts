/**
 * tools/bench/kafka: our Bus against Kafka's own producer, on the same broker in the same run.
 *
 *   npx nx run bench:kafka          (KAFKA_BROKERS, else tools/kafka-local is started)
 *
 * 1. Bus publish: COUNT events whose value is exactly RECORD_SIZE bytes, in awaited batches of BATCH,
 *    through KafkaBus (contract validation, CloudEvents headers, idempotent producer, acks=all).
 * 2. Bus consume: the same events through KafkaBus.subscribe (decode, validate, handler, commit), once with a
 *    per-event handler and once with a no-op batch handler (`handleBatch`, BATCH_RECORDS per batch; target
 *    >= 100,000 events/s).
 * 3. org.apache.kafka.tools.ProducerPerformance with the same count and record size, acks=all, defaults
 *    otherwise, to a topic with the same partition count.
 * Each is preceded by an unrecorded warm-up. Prints a table and writes tmp/bench/kafka.json.
 */
import { type MeterReading, meterReadings } from '@flexgrid/contracts';
import { KafkaBus, type OutgoingEvent } from '@flexgrid/platform-kafka';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { machine, runBenchmark, writeResult, workspaceRoot as root } from './report';

const run = promisify(execFile);
const kafkaLocal = join(root, 'tools/kafka-local/kafka-local.sh');

const COUNT = Number(process.env['BENCH_COUNT'] ?? 200_000);
const RECORD_SIZE = 256;
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1_000);
const WARMUP = 20_000;
const BATCH_RECORDS = Number(process.env['BENCH_BATCH_RECORDS'] ?? 1_000);

function brokers(): string[] {
  if (process.env['KAFKA_BROKERS']) return process.env['KAFKA_BROKERS'].split(',');
  execFileSync('bash', [kafkaLocal, 'start'], { stdio: 'inherit' });
  return [`127.0.0.1:${process.env['KAFKA_LOCAL_PORT'] ?? 9092}`];
}

/**
 * A valid meter.reading whose JSON value is exactly RECORD_SIZE bytes. The key is a realistic meter id;
 * the padding sits in `origin`, the writer-specific part, so the key hash costs what it costs in production.
 */
function event(seq: number): OutgoingEvent<MeterReading> {
  const meterId = `ven-${String(seq % 1000).padStart(4, '0')}:r1`;
  const base = {
    meterId,
    startTime: 1_800_000_000_000 + seq * 900_000,
    endTime: 1_800_000_900_000 + seq * 900_000,
    energyWh: seq,
    powerW: 1000 + (seq % 500),
    quality: 'measured' as const,
    source: 'bench',
    origin: { pad: '' },
  };
  const data = { ...base, origin: { pad: 'x'.repeat(RECORD_SIZE - Buffer.byteLength(JSON.stringify(base))) } };
  if (Buffer.byteLength(JSON.stringify(data)) !== RECORD_SIZE) throw new Error('record size drifted');
  return { type: 'meter.reading', key: meterId, id: `bench-${seq}`, time: '2026-11-24T12:00:00.000Z', data };
}

async function busPublish(bus: KafkaBus, events: OutgoingEvent[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await bus.publish(meterReadings.name, events.slice(i, i + BATCH));
  return events.length / ((performance.now() - started) / 1000);
}

/** Events per second from the first delivered event to the last, through `mode`'s kind of handler. */
async function busConsume(bus: KafkaBus, group: string, expected: number, mode: 'event' | 'batch'): Promise<number> {
  let seen = 0;
  let first = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const count = (events: number) => {
    if (seen === 0) first = performance.now();
    seen += events;
    if (seen >= expected) done();
  };
  const common = { group, topics: [meterReadings.name], fromBeginning: true };
  const sub = await bus.subscribe(
    mode === 'event'
      ? { ...common, handler: async () => count(1) }
      : {
          ...common,
          batch: { maxRecords: BATCH_RECORDS, maxWaitMs: 100 },
          handleBatch: async (events) => count(events.length),
        },
  );
  await finished;
  const rate = expected / ((performance.now() - first) / 1000);
  await sub.stop();
  return rate;
}

async function producerPerformance(
  bootstrap: string,
  topic: string,
  count: number,
): Promise<{ rate: number; line: string }> {
  const libs = join(root, 'tools/kafka-local/target/kafka-libs/*');
  const { stdout } = await run(
    'java',
    [
      '-Xmx512m',
      '-cp',
      libs,
      `-Dlog4j2.configurationFile=${join(root, 'tools/kafka-local/log4j2.properties')}`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(count),
      '--record-size',
      String(RECORD_SIZE),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bootstrap}`,
      'acks=all',
      'max.block.ms=30000',
    ],
    { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const line =
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('records sent'))
      .pop() ?? '';
  const match = /records sent, ([\d.]+) records\/sec/.exec(line);
  if (!match) throw new Error(`unexpected ProducerPerformance output:\n${stdout}`);
  return { rate: Number(match[1]), line };
}

async function main(): Promise<void> {
  const list = brokers();
  const prefix = `bench-${Date.now().toString(36)}.`;
  const bus = new KafkaBus({ brokers: list, clientId: 'bench', topicPrefix: prefix, logger: undefined });
  await bus.connect();
  const admin = new Kafka({ clientId: 'bench-admin', brokers: list, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const ppTopic = `${prefix}producer-performance`;
  await admin.createTopics({
    waitForLeaders: false,
    topics: [{ topic: ppTopic, numPartitions: meterReadings.config.partitions }],
  });
  await bus.waitForLeaders([ppTopic]);

  const events = Array.from({ length: COUNT }, (_, i) => event(i));
  console.log(`warming up: ${WARMUP} events through the Bus, ${WARMUP * 2} records with ProducerPerformance`);
  await busPublish(bus, events.slice(0, WARMUP));
  await busConsume(bus, 'bench-warmup', WARMUP, 'event');
  await busConsume(bus, 'bench-warmup-batch', WARMUP, 'batch');
  await producerPerformance(list.join(','), ppTopic, WARMUP * 2);

  console.log(`measuring: ${COUNT} events of ${RECORD_SIZE} B`);
  const publishRate = await busPublish(bus, events);
  const consumeRate = await busConsume(bus, 'bench-consume', WARMUP + COUNT, 'event');
  const batchConsumeRate = await busConsume(bus, 'bench-consume-batch', WARMUP + COUNT, 'batch');
  const pp = await producerPerformance(list.join(','), ppTopic, COUNT);
  await admin
    .deleteTopics({
      topics: [ppTopic, ...(await admin.listTopics()).filter((t) => t.startsWith(prefix) && t !== ppTopic)],
    })
    .catch(() => undefined);
  await admin.disconnect();
  await bus.stop();

  const { stdout: kafkaVersion } = await run('bash', [kafkaLocal, 'version']).catch(() => ({ stdout: 'unknown' }));
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    kafka: `Apache Kafka ${kafkaVersion.trim()} at ${list.join(',')}`,
    count: COUNT,
    recordBytes: RECORD_SIZE,
    batch: BATCH,
    partitions: meterReadings.config.partitions,
    busPublishPerSec: Math.round(publishRate),
    busConsumePerSec: Math.round(consumeRate),
    batchRecords: BATCH_RECORDS,
    busBatchConsumePerSec: Math.round(batchConsumeRate),
    producerPerformancePerSec: Math.round(pp.rate),
    publishRatio: Number((publishRate / pp.rate).toFixed(3)),
    producerPerformanceLine: pp.line,
  };
  console.table({
    'Bus publish': { 'records/s': result.busPublishPerSec },
    'Bus consume, per-event handler': { 'records/s': result.busConsumePerSec },
    [`Bus consume, batch handler (${BATCH_RECORDS})`]: { 'records/s': result.busBatchConsumePerSec },
    'ProducerPerformance (acks=all)': { 'records/s': result.producerPerformancePerSec },
  });
  console.log(`Bus publish / ProducerPerformance = ${(result.publishRatio * 100).toFixed(1)} % (target >= 50 %)`);
  console.log(`Bus batch consume = ${result.busBatchConsumePerSec} events/s (target >= 100,000)`);
  writeResult('kafka', result);
}

runBenchmark(main);
