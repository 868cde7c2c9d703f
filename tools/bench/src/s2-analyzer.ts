/**
 * tools/bench/s2-analyzer: the S2 analyzer as a man in the middle (issue 22), against the same RM and CEM talking
 * directly, in the same run.
 *
 *   npx nx run bench:s2-analyzer      (needs KAFKA_BROKERS and DATABASE_URL, as the tests do)
 *
 * An RM sends PowerMeasurements (about 200 bytes of text) and the CEM acknowledges each with a ReceptionStatus,
 * on loopback. The analyzer runs in its own process (s2-analyzer-host.ts) on PostgreSQL and Kafka, validating,
 * analysing, storing and publishing every frame; the peers run in this process, the same code for both paths.
 * 1. One pair, throughput: up to WINDOW (256) measurements in flight, for DURATION_MS; acked messages per second.
 *    Through the analyzer the run ends only when every frame is stored, and that rate is reported too.
 * 2. One pair, round trip: one measurement at a time; p50 and p99, and what the analyzer adds.
 * 3. 100 pairs at once: aggregate acked messages per second and the p99 round trip under that load.
 * 4. Heap of the analyzer over one session of 1,000,000 frames (500,000 measurements and their answers), every
 *    100,000 frames: sending pauses, the analyzer settles (all analysed and stored), then heap used plus array
 *    buffers after a full garbage collection: what the session itself keeps.
 * Prints tables and writes tmp/bench/s2-analyzer.json.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { machine, runBenchmark, writeResult } from './report';

const WINDOW = 256;
const DURATION_MS = 10_000;
const ROUND_TRIPS = 5_000;
const PAIRS = 100;
const MILLION = 1_000_000;

function measurement(n: number): string {
  return JSON.stringify({
    message_type: 'PowerMeasurement',
    message_id: randomUUID(),
    measurement_timestamp: new Date(1_900_000_000_000 + n * 1000).toISOString(),
    values: [{ commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC', value: 1000 + (n % 700) + 0.5 }],
  });
}

/** The CEM's side: every measurement answered with a ReceptionStatus at once. */
function answering(socket: WebSocket): void {
  socket.on('message', (data: RawData) => {
    const text = String(data);
    const id = text.slice(text.indexOf('"message_id":"') + 14, text.indexOf('"message_id":"') + 50);
    socket.send(`{"message_type":"ReceptionStatus","subject_message_id":"${id}","status":"OK"}`);
  });
}

interface Link {
  rm: WebSocket;
  close(): Promise<void>;
}

async function opened(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await once(socket, 'open');
  return socket;
}

/** RM and CEM connected directly: the CEM listens. */
async function direct(pairs: number): Promise<Link[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  server.on('connection', answering);
  const { port } = server.address() as AddressInfo;
  const rms = await Promise.all(Array.from({ length: pairs }, () => opened(`ws://127.0.0.1:${port}/`)));
  return rms.map((rm, i) => ({
    rm,
    close: async () => {
      rm.close();
      if (i === pairs - 1) await new Promise((resolve) => server.close(resolve));
    },
  }));
}

/** RM and CEM both connected to the analyzer on its drop-in URLs. */
async function throughAnalyzer(base: string, pairs: number, label: string): Promise<Link[]> {
  return Promise.all(
    Array.from({ length: pairs }, async (_, i) => {
      const [rmId, cemId] = [`${label}-rm-${i}`, `${label}-cem-${i}`];
      const cem = await opened(`${base}/backend/cem/${cemId}/rm/${rmId}/ws`);
      answering(cem);
      const rm = await opened(`${base}/backend/rm/${rmId}/cem/${cemId}/ws`);
      return {
        rm,
        close: async () => {
          const closed = once(cem, 'close');
          rm.close();
          await closed;
        },
      };
    }),
  );
}

interface Load {
  acked: number;
  seconds: number;
  roundTripsMs: number[];
}

/** Each RM keeps `window` measurements in flight for `durationMs` (or until `total` were acked); round trips in ms. */
async function drive(
  links: Link[],
  window: number,
  limit: { durationMs?: number; total?: number },
  onAck?: (acked: number) => Promise<void> | void,
): Promise<Load> {
  const started = performance.now();
  const roundTripsMs: number[] = [];
  let acked = 0;
  let sent = 0;
  let stopping = false;
  let pausedForCheck: Promise<void> | undefined;
  await Promise.all(
    links.map(
      (link) =>
        new Promise<void>((resolve) => {
          const inFlight: number[] = [];
          const sendNext = () => {
            if (stopping || (limit.total !== undefined && sent >= limit.total)) return;
            sent += 1;
            inFlight.push(performance.now());
            link.rm.send(measurement(sent));
          };
          link.rm.on('message', () => {
            const at = inFlight.shift();
            if (at !== undefined) roundTripsMs.push(performance.now() - at);
            acked += 1;
            // A check pauses sending until it is done, so that what it measures is not a moving backlog.
            const check = onAck?.(acked);
            if (check)
              pausedForCheck = check.then(() => {
                pausedForCheck = undefined;
              });
            if (limit.durationMs !== undefined && performance.now() - started > limit.durationMs) stopping = true;
            if (limit.total !== undefined && acked >= limit.total) stopping = true;
            if (inFlight.length === 0 && (stopping || (limit.total !== undefined && sent >= limit.total))) resolve();
            else if (pausedForCheck) void pausedForCheck.then(sendNext);
            else sendNext();
          });
          for (let i = 0; i < window; i++) sendNext();
        }),
    ),
  );
  return { acked, seconds: (performance.now() - started) / 1000, roundTripsMs };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));

interface Host {
  url: string;
  ask(ask: 'heap' | 'stored' | 'snapshot' | 'stop'): Promise<number>;
}

async function startHost(databaseUrl: string, brokers: string): Promise<Host> {
  const child = fork(join(__dirname, 's2-analyzer-host.js'), [databaseUrl, brokers, `bench-${Date.now()}.`], {
    execArgv: [
      '--disable-warning=TimeoutNegativeWarning',
      // S2_BENCH_PROFILE=1: a CPU profile of the analyzer in tmp/bench/profile/, for Chrome DevTools.
      ...(process.env['S2_BENCH_PROFILE']
        ? ['--cpu-prof', `--cpu-prof-dir=${join(__dirname, '../../../tmp/bench/profile')}`]
        : []),
    ],
  });
  const [ready] = (await once(child, 'message')) as [{ ready: string }];
  let next = 0;
  const waiting = new Map<number, (value: number) => void>();
  child.on('message', (message: { id?: number; value?: number; error?: string }) => {
    if (message.id === undefined) return;
    if (message.error) throw new Error(message.error);
    waiting.get(message.id)?.(message.value ?? 0);
    waiting.delete(message.id);
  });
  return {
    url: ready.ready.replace(/^http/, 'ws'),
    ask: (ask) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        child.send({ id, ask });
      }),
  };
}

/** Phase 4: one session of a million frames, the analyzer's heap every 100,000 frames once it settled. */
async function million(host: Host) {
  const heapBase = await host.ask('heap');
  const heap: Array<{ frames: number; heapMB: number }> = [{ frames: 0, heapMB: round(heapBase / 1e6, 1) }];
  const longLinks = await throughAnalyzer(host.url, 1, 'million');
  let nextCheckpoint = 50_000;
  // Not an async function: only a checkpoint returns a promise, and only a checkpoint pauses sending.
  const long = await drive(longLinks, WINDOW, { total: MILLION / 2 }, (acked) => {
    if (acked < nextCheckpoint) return undefined;
    nextCheckpoint += 50_000;
    return host.ask('heap').then((bytes) => void heap.push({ frames: acked * 2, heapMB: round(bytes / 1e6, 1) }));
  });
  // The checkpoints near the end can still be pending when the last answer arrives: one more, settled, at the end.
  heap.push({ frames: long.acked * 2, heapMB: round((await host.ask('heap')) / 1e6, 1) });
  // S2_BENCH_HEAP_SNAPSHOT=1: what the live session holds, in tmp/bench/profile/, for Chrome DevTools.
  if (process.env['S2_BENCH_HEAP_SNAPSHOT']) await host.ask('snapshot');
  await Promise.all(longLinks.map((l) => l.close()));
  return { frames: long.acked * 2, seconds: round(long.seconds, 1), heap };
}

async function main(): Promise<void> {
  const brokers = process.env['KAFKA_BROKERS'];
  const serverUrl = process.env['DATABASE_URL'];
  if (!brokers || !serverUrl)
    throw new Error('set KAFKA_BROKERS and DATABASE_URL (a PostgreSQL server, as for the tests)');
  const name = `s2bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const host = await startHost(databaseUrl.toString(), brokers);
  console.log(
    `S2 analyzer benchmark: PowerMeasurement ${measurement(1).length} B + ReceptionStatus ${86} B, analyzer at ${host.url}`,
  );

  try {
    // S2_BENCH_ONLY=million: phase 4 alone (with S2_BENCH_HEAP_SNAPSHOT, a heap snapshot at its end).
    if (process.env['S2_BENCH_ONLY'] === 'million') {
      const millionSession = await million(host);
      console.table(
        Object.fromEntries(
          millionSession.heap.map((point) => [point.frames, { 'analyzer heap + array buffers (MB)': point.heapMB }]),
        ),
      );
      return;
    }

    // 1. One pair, throughput.
    const directLinks = await direct(1);
    const directLoad = await drive(directLinks, WINDOW, { durationMs: DURATION_MS });
    await Promise.all(directLinks.map((l) => l.close()));
    const storedBefore = await host.ask('stored');
    const viaLinks = await throughAnalyzer(host.url, 1, 'one');
    const started = performance.now();
    const viaLoad = await drive(viaLinks, WINDOW, { durationMs: DURATION_MS });
    await Promise.all(viaLinks.map((l) => l.close()));
    const frames = viaLoad.acked * 2;
    while ((await host.ask('stored')) - storedBefore < frames) await new Promise((resolve) => setTimeout(resolve, 100));
    const persistedSeconds = (performance.now() - started) / 1000;
    const onePair = {
      directAckedPerSec: round(directLoad.acked / directLoad.seconds),
      analyzerAckedPerSec: round(viaLoad.acked / viaLoad.seconds),
      analyzerPersistedAckedPerSec: round(viaLoad.acked / persistedSeconds),
    };

    // S2_BENCH_ONLY=one-pair: phase 1 alone (with S2_BENCH_PROFILE, to profile it).
    if (process.env['S2_BENCH_ONLY'] === 'one-pair') {
      console.table({ 'one pair, acked msg/s': onePair });
      return;
    }

    // 2. One pair, round trips one at a time.
    const directRtLinks = await direct(1);
    const directRt = await drive(directRtLinks, 1, { total: ROUND_TRIPS });
    await Promise.all(directRtLinks.map((l) => l.close()));
    const viaRtLinks = await throughAnalyzer(host.url, 1, 'rtt');
    const viaRt = await drive(viaRtLinks, 1, { total: ROUND_TRIPS });
    await Promise.all(viaRtLinks.map((l) => l.close()));
    const roundTrip = {
      directP50Ms: round(percentile(directRt.roundTripsMs, 50), 3),
      directP99Ms: round(percentile(directRt.roundTripsMs, 99), 3),
      analyzerP50Ms: round(percentile(viaRt.roundTripsMs, 50), 3),
      analyzerP99Ms: round(percentile(viaRt.roundTripsMs, 99), 3),
      addedP50Ms: round(percentile(viaRt.roundTripsMs, 50) - percentile(directRt.roundTripsMs, 50), 3),
    };

    // 3. 100 pairs at once.
    const directMany = await direct(PAIRS);
    const directManyLoad = await drive(directMany, 4, { durationMs: DURATION_MS });
    await Promise.all(directMany.map((l) => l.close()));
    const viaMany = await throughAnalyzer(host.url, PAIRS, 'many');
    const viaManyLoad = await drive(viaMany, 4, { durationMs: DURATION_MS });
    await Promise.all(viaMany.map((l) => l.close()));
    const hundredPairs = {
      directAckedPerSec: round(directManyLoad.acked / directManyLoad.seconds),
      directP99Ms: round(percentile(directManyLoad.roundTripsMs, 99), 2),
      analyzerAckedPerSec: round(viaManyLoad.acked / viaManyLoad.seconds),
      analyzerP99Ms: round(percentile(viaManyLoad.roundTripsMs, 99), 2),
    };

    // 4. Heap over a 1,000,000-frame session.
    const millionSession = await million(host);

    const result = {
      date: new Date().toISOString(),
      machine: machine(),
      scenario:
        'RM PowerMeasurement (~200 B) acked by a CEM ReceptionStatus, loopback; analyzer in its own process on PostgreSQL and Kafka',
      window: WINDOW,
      durationMs: DURATION_MS,
      onePair: { ...onePair, ratioOfDirect: round(onePair.analyzerAckedPerSec / onePair.directAckedPerSec, 3) },
      roundTrip,
      hundredPairs: {
        ...hundredPairs,
        ratioOfDirect: round(hundredPairs.analyzerAckedPerSec / hundredPairs.directAckedPerSec, 3),
      },
      millionSession,
      targets: { onePairAckedPerSec: 8000, addedP50Ms: 0.5, pythonAnalyzerAckedPerSec: '340-374' },
    };
    console.table({
      'one pair, acked msg/s': {
        direct: onePair.directAckedPerSec,
        analyzer: onePair.analyzerAckedPerSec,
        'analyzer (until stored)': onePair.analyzerPersistedAckedPerSec,
      },
      'round trip p50 ms': {
        direct: roundTrip.directP50Ms,
        analyzer: roundTrip.analyzerP50Ms,
        added: roundTrip.addedP50Ms,
      },
      'round trip p99 ms': { direct: roundTrip.directP99Ms, analyzer: roundTrip.analyzerP99Ms },
      [`${PAIRS} pairs, acked msg/s`]: {
        direct: hundredPairs.directAckedPerSec,
        analyzer: hundredPairs.analyzerAckedPerSec,
      },
      [`${PAIRS} pairs, p99 ms`]: { direct: hundredPairs.directP99Ms, analyzer: hundredPairs.analyzerP99Ms },
    });
    console.table(
      Object.fromEntries(
        millionSession.heap.map((point) => [point.frames, { 'analyzer heap + array buffers (MB)': point.heapMB }]),
      ),
    );
    writeResult('s2-analyzer', result);
  } finally {
    await host.ask('stop');
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

runBenchmark(main);
