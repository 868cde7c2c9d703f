/**
 * tools/bench/s2: the S2 analysis (libs/protocols/s2) on one core, as issue 13 asks.
 *
 *   npx nx run bench:s2
 *
 * Scenario: a valid FRBC session (both Handshakes, HandshakeResponse, ResourceManagerDetails, SelectControlType,
 * FRBC.SystemDescription, each answered), then a long run of PowerMeasurements (≈ 200 bytes of text each) from
 * the RM, each answered by a ReceptionStatus from the CEM, all pushed as text frames: JSON.parse, schema
 * validation, S2-UUID check and the state machine, on the one JavaScript thread.
 * 1. Throughput (tinybench): every sample pushes BATCH frames (BATCH/2 measurements and their answers) into one
 *    long-lived conversation. The frame texts are built in beforeEach, outside the timing.
 * 2. Memory: a fresh conversation receives 1,000,000 such frames (texts built on the fly, so this rate includes
 *    building them); heap used plus ArrayBuffers after a full garbage collection is sampled every 250,000 frames. The collector
 *    is exposed at run time (v8 flag + vm), so no `--expose-gc` is needed on the command line.
 * Prints a table and writes tmp/bench/s2.json.
 */
import { createConversation, type Conversation } from '@flexgrid/protocol-s2';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
import { machine, runBenchmark, writeResult } from './report';

const BATCH = 1_000;
const MILLION = 1_000_000;
const CHECKPOINT = 250_000;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Distinct UUIDs per side and counter, as a real RM and CEM would use. */
function uuid(side: 'RM' | 'CEM', n: number): string {
  return `${side === 'RM' ? '4a7c9e10' : '5b8d0f21'}-1c2d-4e3f-8a4b-${n.toString(16).padStart(12, '0')}`;
}

function measurementText(n: number): string {
  return `{"message_type":"PowerMeasurement","message_id":"${uuid('RM', n)}","measurement_timestamp":"2030-04-01T08:00:00.000Z","values":[{"commodity_quantity":"ELECTRIC.POWER.3_PHASE_SYMMETRIC","value":${1000 + (n % 700)}.5}]}`;
}

function answerText(n: number): string {
  return `{"message_type":"ReceptionStatus","subject_message_id":"${uuid('RM', n)}","status":"OK"}`;
}

/** A conversation through the handshake and into FILL_RATE_BASED_CONTROL with one actuator described. */
function frbcSession(): Conversation {
  const conversation = createConversation();
  const answered = (
    by: 'RM' | 'CEM',
    message: { message_type: string; message_id: string } & Record<string, unknown>,
  ) => {
    const [there, back] = by === 'RM' ? (['rm->cem', 'cem->rm'] as const) : (['cem->rm', 'rm->cem'] as const);
    return [
      { direction: there, message },
      {
        direction: back,
        message: { message_type: 'ReceptionStatus', subject_message_id: message.message_id, status: 'OK' },
      },
    ];
  };
  const range = (start_of_range: number, end_of_range: number) => ({ start_of_range, end_of_range });
  const frames = [
    ...answered('RM', {
      message_type: 'Handshake',
      message_id: uuid('RM', 1),
      role: 'RM',
      supported_protocol_versions: ['0.0.2-beta'],
    }),
    ...answered('CEM', {
      message_type: 'Handshake',
      message_id: uuid('CEM', 1),
      role: 'CEM',
      supported_protocol_versions: ['0.0.2-beta'],
    }),
    ...answered('CEM', {
      message_type: 'HandshakeResponse',
      message_id: uuid('CEM', 2),
      selected_protocol_version: '0.0.2-beta',
    }),
    ...answered('RM', {
      message_type: 'ResourceManagerDetails',
      message_id: uuid('RM', 2),
      resource_id: uuid('RM', 3),
      roles: [{ role: 'ENERGY_CONSUMER', commodity: 'ELECTRICITY' }],
      instruction_processing_delay: 100,
      available_control_types: ['FILL_RATE_BASED_CONTROL'],
      provides_forecast: false,
      provides_power_measurement_types: ['ELECTRIC.POWER.3_PHASE_SYMMETRIC'],
    }),
    ...answered('CEM', {
      message_type: 'SelectControlType',
      message_id: uuid('CEM', 3),
      control_type: 'FILL_RATE_BASED_CONTROL',
    }),
    ...answered('RM', {
      message_type: 'FRBC.SystemDescription',
      message_id: uuid('RM', 4),
      valid_from: '2030-04-01T08:00:00Z',
      actuators: [
        {
          id: uuid('RM', 5),
          supported_commodities: ['ELECTRICITY'],
          transitions: [],
          timers: [],
          operation_modes: [
            {
              id: uuid('RM', 6),
              elements: [
                {
                  fill_level_range: range(40, 60),
                  fill_rate: range(0, 0.1),
                  power_ranges: [{ ...range(0, 2000), commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC' }],
                },
              ],
              abnormal_condition_only: false,
            },
          ],
        },
      ],
      storage: {
        provides_leakage_behaviour: false,
        provides_fill_level_target_profile: false,
        provides_usage_forecast: false,
        fill_level_range: range(40, 60),
      },
    }),
  ];
  for (const frame of frames)
    conversation.push({ t: 0, direction: frame.direction, text: JSON.stringify(frame.message) });
  return conversation;
}

/** Pushes measurement `n` and its answer; the session clock advances 1 ms per pair. */
function pushPair(conversation: Conversation, n: number, texts?: readonly string[]): void {
  conversation.push({ t: n, direction: 'rm->cem', text: texts?.[0] ?? measurementText(n) });
  conversation.push({ t: n, direction: 'cem->rm', text: texts?.[1] ?? answerText(n) });
}

function assertValid(conversation: Conversation, what: string): void {
  const findings = conversation.findings();
  if (findings.length > 0)
    throw new Error(`${what}: the benchmark conversation is not valid: ${JSON.stringify(findings.slice(0, 3))}`);
}

async function throughput(): Promise<{
  framesPerSec: number;
  medianFramesPerSec: number;
  rmePercent: number;
  samples: number;
}> {
  const conversation = frbcSession();
  let next = 100;
  let batch: Array<[string, string]> = [];
  const bench = new Bench({ name: 's2', time: 3_000, warmupTime: 1_000 });
  bench.add(
    `push ${BATCH} frames (${BATCH / 2} PowerMeasurement + ${BATCH / 2} ReceptionStatus)`,
    () => {
      const first = next - batch.length;
      batch.forEach((texts, i) => pushPair(conversation, first + i, texts));
    },
    {
      beforeEach: () => {
        batch = Array.from({ length: BATCH / 2 }, (_, i) => [measurementText(next + i), answerText(next + i)]);
        next += BATCH / 2;
      },
    },
  );
  await bench.run();
  assertValid(conversation, 'throughput');
  const result = bench.tasks[0]?.result;
  if (!result || result.error || !result.latency) throw new Error(`tinybench failed: ${String(result?.error)}`);
  return {
    framesPerSec: Math.round((BATCH * 1000) / result.latency.mean),
    medianFramesPerSec: Math.round((BATCH * 1000) / (result.latency.p50 ?? result.latency.mean)),
    rmePercent: Number(result.latency.rme.toFixed(2)),
    samples: result.latency.samples.length,
  };
}

/** The JavaScript heap plus ArrayBuffer backing stores, which live outside it (the packed id register's runs). */
function heapUsed(): number {
  collectGarbage();
  const { heapUsed: heap, arrayBuffers } = process.memoryUsage();
  return heap + arrayBuffers;
}

function million(): {
  framesPerSec: number;
  heapBaseMB: number;
  checkpoints: Array<{ frames: number; heapUsedMB: number }>;
  bytesPerFrame: number;
} {
  const conversation = frbcSession();
  const base = heapUsed();
  const checkpoints: Array<{ frames: number; heapUsedMB: number }> = [];
  const started = performance.now();
  let measuring = 0;
  for (let frames = 0; frames < MILLION; frames += 2) {
    pushPair(conversation, 100 + frames / 2);
    if ((frames + 2) % CHECKPOINT === 0) {
      measuring -= performance.now();
      checkpoints.push({ frames: frames + 2, heapUsedMB: Number((heapUsed() / 1e6).toFixed(1)) });
      measuring += performance.now();
    }
  }
  const seconds = (performance.now() - started - measuring) / 1000;
  assertValid(conversation, 'memory');
  const last = checkpoints[checkpoints.length - 1]?.heapUsedMB ?? 0;
  return {
    framesPerSec: Math.round(MILLION / seconds),
    heapBaseMB: Number((base / 1e6).toFixed(1)),
    checkpoints,
    bytesPerFrame: Math.round((last * 1e6 - base) / MILLION),
  };
}

async function main(): Promise<void> {
  console.log(
    `S2 analysis: PowerMeasurement ${measurementText(100).length} B + ReceptionStatus ${answerText(100).length} B text frames`,
  );
  const rate = await throughput();
  const memory = million();
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    scenario: 'valid FRBC session: PowerMeasurement (RM) + ReceptionStatus (CEM) pairs pushed as text frames',
    measurementBytes: measurementText(100).length,
    answerBytes: answerText(100).length,
    batch: BATCH,
    throughput: rate,
    million: memory,
    target: { framesPerSec: 100_000, memory: 'flat: answered messages keep no body' },
  };
  console.table({
    'tinybench, batches of 1000 frames': {
      'frames/s': rate.framesPerSec,
      'median frames/s': rate.medianFramesPerSec,
      '± %': rate.rmePercent,
      samples: rate.samples,
    },
    '1,000,000 frames in one session': { 'frames/s': memory.framesPerSec },
  });
  console.table(
    Object.fromEntries([
      [0, { 'heap used (MB)': memory.heapBaseMB }],
      ...memory.checkpoints.map((point) => [point.frames, { 'heap used (MB)': point.heapUsedMB }]),
    ]),
  );
  console.log(
    `heap growth ${memory.bytesPerFrame} B per frame (the per-id record S2-ID-DUPLICATE and S2-RS-DUPLICATE need; no message bodies); target >= 100,000 frames/s`,
  );
  writeResult('s2', result);
}

runBenchmark(main);
