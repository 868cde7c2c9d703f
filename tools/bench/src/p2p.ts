/**
 * tools/bench/p2p: the P2P energy rules (libs/protocols/p2p) on one core, as issue 15 asks.
 *
 *   npx nx run bench:p2p
 *
 * 1. Ingest: `meter.reading` values of 1,000 consumer meters, one 15-min reading each per interval, in time order,
 *    go through `readMeterReading` (role, bounds, energy) and the ingestion rules of a long-lived `StreamBook`
 *    (offset guard, validation, identity, staleness, overlap, revision). Every sample ingests BATCH readings; the
 *    values are built in beforeEach, outside the timing. Target ≥ 200,000 readings/s.
 * 2. Settle: one 15-min interval of a community grid with 1,000 and 10,000 members (80 % consumers, 20 %
 *    producers, every member with data): the inputs from the ingested records (P2P-S1/S2, `Grid.inputsFor`),
 *    then `settleInterval` (prices, R2 matching, R1 ledger entries, the record and its RFC 8785 inputs hash) into
 *    a fresh ledger. Target: 10,000 members in ≤ 100 ms.
 * Prints a table and writes tmp/bench/p2p.json.
 */
import {
  Grid,
  Ledger,
  readMeterReading,
  resolveConfig,
  type MeterReadingValue,
  settleInterval,
  settlementTerms,
  StreamBook,
} from '@flexgrid/protocol-p2p';
import { Bench } from 'tinybench';
import { machine, runBenchmark, writeResult } from './report';

const L = 900_000;
const T0 = 1_800_000_000_000;
const METERS = 1_000;
const BATCH = 10_000;
const config = resolveConfig('community');

interface Figures {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  rmePercent: number;
  samples: number;
}

function figures(bench: Bench, index: number): Figures {
  const result = bench.tasks[index]?.result;
  if (!result || result.error || !result.latency) throw new Error(`tinybench failed: ${String(result?.error)}`);
  const round = (ms: number) => Number(ms.toFixed(3));
  return {
    meanMs: round(result.latency.mean),
    p50Ms: round(result.latency.p50 ?? result.latency.mean),
    p99Ms: round(result.latency.p99 ?? result.latency.max),
    rmePercent: Number(result.latency.rme.toFixed(2)),
    samples: result.latency.samples.length,
  };
}

async function ingest(): Promise<Figures & { readingsPerSec: number; medianReadingsPerSec: number; accepted: number }> {
  const book = new StreamBook(config);
  let next = 0;
  let accepted = 0;
  let batch: MeterReadingValue[] = [];
  const bench = new Bench({ name: 'p2p-ingest', time: 3_000, warmupTime: 1_000 });
  bench.add(
    `ingest ${BATCH} readings`,
    () => {
      // Readings arrive just after their interval, as meters send them.
      for (const value of batch) {
        const intake = readMeterReading(value, { role: 'consumer', channel: 'kafka', wireBounds: 'half-open' });
        if (intake.kind === 'record' && book.ingest(intake.record, value.endTime + 1_000).outcome === 'accepted')
          accepted++;
      }
    },
    {
      beforeEach: () => {
        batch = Array.from({ length: BATCH }, (_, i) => {
          const k = next + i;
          const start = T0 + Math.floor(k / METERS) * L;
          return {
            meterId: `FLAT${String(k % METERS).padStart(5, '0')}`,
            startTime: start,
            endTime: start + L,
            energyWh: 100 + (k % 900),
            quality: 'measured',
            source: 'bench',
          };
        });
        next += BATCH;
      },
    },
  );
  await bench.run();
  // Every reading is new and valid (beforeEach may have built one batch more than was run).
  if (accepted < next - BATCH)
    throw new Error(`only ${accepted} of ${next} readings were accepted: the benchmark measured the wrong path`);
  const f = figures(bench, 0);
  return {
    ...f,
    readingsPerSec: Math.round((BATCH * 1000) / f.meanMs),
    medianReadingsPerSec: Math.round((BATCH * 1000) / f.p50Ms),
    accepted,
  };
}

/** A community grid holding one interval's readings and outputs for `members` members. */
function gridWith(members: number): Grid {
  const grid = new Grid({ config, gridId: 'GRID00001', epoch: T0 });
  const producers = Math.floor(members / 5);
  for (let i = 0; i < members; i++) {
    const producer = i < producers;
    const id = `${producer ? 'PVROOF' : 'FLAT'}${String(i).padStart(6, '0')}`;
    grid.register(id, producer ? 'producer' : 'consumer', T0 - 1);
    const span = { start: T0, end: T0 + L };
    const outcome = producer
      ? grid.ingestOutput(
          {
            streamKey: id,
            span,
            energyWh: 500 + ((i * 7919) % 2500),
            revision: 0,
            output: {
              complete: true,
              missingSources: [],
              partialSources: [],
              producerPricePerMWh: 20_000,
              paymentIdOrAddress: id,
            },
          },
          T0 + 2 * L,
        )
      : grid.ingestReading({ streamKey: id, span, energyWh: 50 + ((i * 104_729) % 700) }, T0 + 2 * L);
    if (outcome.outcome !== 'accepted') throw new Error(`setup: ${id} ${outcome.outcome}`);
  }
  return grid;
}

async function settle(): Promise<Record<string, Figures & { members: number; entries: number }>> {
  const terms = settlementTerms(config, 'GRID00001');
  const sizes = [1_000, 10_000];
  const grids = sizes.map(gridWith);
  const entries = sizes.map(() => 0);
  const bench = new Bench({ name: 'p2p-settle', time: 3_000, warmupTime: 1_000 });
  sizes.forEach((members, i) => {
    bench.add(`settle one 15-min interval, ${members} members`, () => {
      const result = settleInterval({
        terms,
        run: { runNo: 1, asOf: T0 + 2 * L, settledAt: T0 + 2 * L },
        intervalStart: T0,
        inputs: grids[i].inputsFor(T0),
        ledger: new Ledger(),
        feeCarry: 0n,
      });
      entries[i] = result?.entries.length ?? 0;
    });
  });
  await bench.run();
  sizes.forEach((members, i) => {
    if (entries[i] !== members) throw new Error(`settling ${members} members posted ${entries[i]} entries`);
  });
  return Object.fromEntries(
    sizes.map((members, i) => [`members${members}`, { ...figures(bench, i), members, entries: entries[i] }]),
  );
}

async function main(): Promise<void> {
  console.log(`ingest: ${BATCH} readings per sample from ${METERS} meters; settle: 1,000 and 10,000 members`);
  const ingestion = await ingest();
  const settlement = await settle();
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    note: 'one JavaScript thread; the machine is shared, so figures are noisy',
    ingest: ingestion,
    settlement,
    targets: { readingsPerSec: 200_000, settle10000MembersMs: 100 },
    meetsTargets: {
      ingest: ingestion.readingsPerSec >= 200_000,
      settle10000Members: (settlement['members10000']?.meanMs ?? Number.POSITIVE_INFINITY) <= 100,
    },
  };
  console.table({
    [`ingest (readings/s, batch ${BATCH})`]: {
      mean: ingestion.readingsPerSec,
      median: ingestion.medianReadingsPerSec,
      'rme %': ingestion.rmePercent,
      samples: ingestion.samples,
    },
    ...Object.fromEntries(
      Object.values(settlement).map((s) => [
        `settle ${s.members} members (ms)`,
        { mean: s.meanMs, median: s.p50Ms, 'rme %': s.rmePercent, samples: s.samples },
      ]),
    ),
  });
  console.log(
    `targets: ≥ 200,000 readings/s (${result.meetsTargets.ingest ? 'met' : 'NOT met'}); 10,000 members ≤ 100 ms (${result.meetsTargets.settle10000Members ? 'met' : 'NOT met'})`,
  );
  writeResult('p2p', result);
}

runBenchmark(main);
