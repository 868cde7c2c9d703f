/**
 * tools/bench/powermatcher: the PowerMatcher lib (libs/protocols/powermatcher) on one core, as issue 12 asks.
 *
 *   npx nx run bench:powermatcher
 *
 * At 1k, 10k and 100k agents × 100 price steps, one matcher (`DemandAggregate`), for integral demands (the plain
 * double path) and for arbitrary doubles (the exact accumulator):
 * 1. one bid replaced, then the aggregate read and the equilibrium (§5.2: target ≤ 1 ms at 100k; v2.1 re-sums
 *    every bid: about 0.5, 5 and 55 ms);
 * 2. a full rebuild of all sums from the cached bids, then the aggregate and the equilibrium (target ≤ 20 ms at
 *    100k for integral demands, below v2.1's 55 ms for arbitrary doubles).
 * 3. The codec on one core: encode and decode of a 100-step BID and of a PRICE_UPDATE, and the server's
 *    inbound frame check (§7.6) of that BID, in messages per second.
 * 4. The cluster model at each size: memory per connected agent with a bid (heap and array buffers after a full
 *    garbage collection), and one auctioneer round after one re-bid including its price effect to every agent.
 * Demands are generated from a fixed seed. Prints a table and writes tmp/bench/powermatcher.json.
 */
import {
  checkInboundFrame,
  ClusterModel,
  clusterInfoSent,
  decodeMessage,
  DemandAggregate,
  encodeMessage,
  intersection,
  type MarketBasis,
  marketBasis,
  openInboundConnection,
  type PowerMatcherMessage,
} from '@flexgrid/protocol-powermatcher';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
import { machine, runBenchmark, writeResult } from './report';

const STEPS = 100;
const SIZES = [1_000, 10_000, 100_000];
const V21_FULL_REAGGREGATION_MS: Record<number, number> = { 1_000: 0.5, 10_000: 5, 100_000: 55 };

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const basis: MarketBasis = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: STEPS,
  minimumPrice: 0,
  maximumPrice: 1,
});

/** mulberry32: a small seeded generator, so every run sums the same curves. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'integral' | 'doubles';

/** A device-like curve: consumption at low prices falling to production at high prices, in W. */
function curve(next: () => number, kind: Kind): number[] {
  const demand = new Array<number>(STEPS);
  const start = 2000 * next() - 500;
  let value = kind === 'integral' ? Math.round(start) : start;
  for (let i = 0; i < STEPS; i++) {
    const drop = 40 * next();
    value -= kind === 'integral' ? Math.round(drop) : drop;
    demand[i] = value;
  }
  return demand;
}

function curves(count: number, kind: Kind, seed: number): number[][] {
  const next = random(seed);
  const made = Array.from({ length: count }, () => curve(next, kind));
  if (kind === 'integral' && !made.every((demand) => demand.every(Number.isInteger)))
    throw new Error('integral curves are not integral');
  return made;
}

interface Row {
  scenario: string;
  agents: number | null;
  kind: Kind | null;
  meanMs: number;
  p50Ms: number | null;
  p99Ms: number | null;
  perSecond: number;
  targetMs: number | null;
  v21Ms: number | null;
}

/** Every task starts after a full collection, so garbage of the previous one is not collected on its time. */
const settled = { beforeAll: () => collectGarbage() };

async function run(
  bench: Bench,
): Promise<{ name: string; meanMs: number; p50Ms: number | null; p99Ms: number | null; perSecond: number }[]> {
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (!result || result.error) throw result?.error ?? new Error(`${task.name} did not run`);
    const { mean, p50, p99 } = result.latency;
    return { name: task.name, meanMs: mean, p50Ms: p50 ?? null, p99Ms: p99 ?? null, perSecond: result.throughput.mean };
  });
}

async function aggregation(rows: Row[]): Promise<void> {
  for (const agents of SIZES) {
    for (const kind of ['integral', 'doubles'] as const) {
      const bids = curves(agents, kind, agents + (kind === 'integral' ? 1 : 2));
      const aggregate = new DemandAggregate(STEPS);
      bids.forEach((demand, i) => aggregate.set(`agent-${i}`, demand));
      const replacements = curves(2, kind, 7);
      let flip = 0;
      const bench = new Bench({ time: 1500, warmupTime: 300 });
      bench.add(
        'replace',
        () => {
          aggregate.set('agent-0', replacements[flip++ & 1] as number[]);
          return intersection({ marketBasis: basis, demand: aggregate.demand() }, 0);
        },
        settled,
      );
      bench.add(
        'rebuild',
        () => {
          aggregate.rebuild();
          return intersection({ marketBasis: basis, demand: aggregate.demand() }, 0);
        },
        settled,
      );
      const [replace, rebuild] = await run(bench);
      if (!replace || !rebuild) throw new Error('missing results');
      rows.push({
        scenario: 'one bid replaced + aggregate + equilibrium',
        agents,
        kind,
        ...replace,
        targetMs: agents === 100_000 ? 1 : null,
        v21Ms: V21_FULL_REAGGREGATION_MS[agents] ?? null,
      });
      rows.push({
        scenario: 'full rebuild + aggregate + equilibrium',
        agents,
        kind,
        ...rebuild,
        targetMs: agents === 100_000 ? (kind === 'integral' ? 20 : 55) : null,
        v21Ms: V21_FULL_REAGGREGATION_MS[agents] ?? null,
      });
    }
  }
}

async function codec(rows: Row[]): Promise<void> {
  const [demand] = curves(1, 'doubles', 99) as [number[]];
  const bidMessage: PowerMatcherMessage = {
    payloadType: 'BID',
    payload: { marketBasis: basis, demand, bidNumber: 12 },
  };
  const priceMessage: PowerMatcherMessage = {
    payloadType: 'PRICE_UPDATE',
    payload: { marketBasis: basis, bidNumber: 12, priceValue: 0.5000049792481 },
  };
  const bidText = encodeMessage(bidMessage);
  const priceText = encodeMessage(priceMessage);
  const connection = clusterInfoSent(
    openInboundConnection(0, { bidsPerSecond: 1e12, bidBurst: 1e12, maxErrorsPerMinute: 60 }),
    {
      clusterId: 'bench',
      marketBasis: basis,
    },
  );
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  bench.add(`encode BID (${bidText.length} B)`, () => encodeMessage(bidMessage), settled);
  bench.add('decode BID', () => decodeMessage(bidText), settled);
  bench.add('inbound frame check of the BID (§7.6)', () => checkInboundFrame(connection, bidText, 0), settled);
  bench.add(`encode PRICE_UPDATE (${priceText.length} B)`, () => encodeMessage(priceMessage), settled);
  bench.add('decode PRICE_UPDATE', () => decodeMessage(priceText), settled);
  for (const result of await run(bench))
    rows.push({ scenario: result.name, agents: null, kind: null, ...result, targetMs: null, v21Ms: null });
}

function heapBytes(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** A cluster of remote agents with one bid each: memory per agent, and one re-priced round. */
function model(agents: number): { bytesPerAgent: number; roundMs: number } {
  const bids = curves(agents, 'doubles', agents + 3);
  const before = heapBytes();
  let now = 0;
  const { model: cluster } = ClusterModel.create({
    clock: () => now,
    auctioneer: { marketBasis: basis, minTimeBetweenPriceUpdates: 0 },
  });
  bids.forEach((demand, i) => {
    cluster.connectAgent(`agent-${i}`, 'auctioneer');
    cluster.receiveBid(`agent-${i}`, { marketBasis: basis, bidNumber: 1, demand });
  });
  cluster.advanceTo(now);
  const bytesPerAgent = (heapBytes() - before) / agents;
  const rounds = 5;
  const started = performance.now();
  for (let k = 0; k < rounds; k++) {
    now += 1;
    cluster.receiveBid('agent-0', { marketBasis: basis, bidNumber: 2 + k, demand: bids[(k + 1) % agents] as number[] });
    const effects = cluster.advanceTo(now);
    if (effects.length < agents) throw new Error('the round did not price every agent');
  }
  return { bytesPerAgent, roundMs: (performance.now() - started) / rounds };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  console.log(`aggregation: ${SIZES.join(', ')} agents × ${STEPS} steps`);
  await aggregation(rows);
  console.log('codec');
  await codec(rows);
  console.log('cluster model');
  const models = SIZES.map((agents) => ({ agents, ...model(agents) }));

  console.table(
    rows.map((row) => ({
      scenario: row.scenario,
      agents: row.agents ?? '',
      demands: row.kind ?? '',
      'mean ms': row.meanMs.toFixed(4),
      'p50 ms': row.p50Ms?.toFixed(4) ?? '',
      'p99 ms': row.p99Ms?.toFixed(4) ?? '',
      'per s': Math.round(row.perSecond),
      'target ms': row.targetMs ?? '',
      'v2.1 ms': row.v21Ms ?? '',
    })),
  );
  console.table(
    models.map((m) => ({
      agents: m.agents,
      'bytes per agent (model, 100-step bid)': Math.round(m.bytesPerAgent),
      'round incl. all price effects, ms': m.roundMs.toFixed(2),
    })),
  );
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    priceSteps: STEPS,
    rows,
    model: models,
  };
  writeResult('powermatcher', result);
}

runBenchmark(main);
