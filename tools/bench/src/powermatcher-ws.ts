/**
 * PowerMatcher end to end over websockets (issue 24's benchmark): N device agents on loopback, each re-bidding
 * every 30 s (jittered), against the auctioneer service in its own process; then the same agents spread under
 * remote concentrator processes. The agents run in AGENT_PROCESSES load-generator processes
 * (`powermatcher-ws-agents.ts`), so their reads do not queue behind one event loop. Measured:
 * - per round, from the last bid it contains to every agent holding its price: the target is a p99 of at
 *   most the cooling-off window + 100 ms (the window bounds how long a round's bids wait for their run; in a tree
 *   the concentrators' windows come first). A round is told by its price value (all its agents get the same);
 * - each round's fan-out (first to last agent priced) and each bid's time to its first price;
 * - the auctioneer's own view (`pm_round_duration_seconds`), its memory per connected agent and its CPU.
 *
 * `KAFKA_BROKERS=… DATABASE_URL=… npx nx run bench:powermatcher-ws` (AGENTS, REBID_SECONDS, MEASURE_SECONDS,
 * CONCENTRATORS, AGENT_PROCESSES override the defaults). With DATABASE_URL the auctioneer gets a fresh database
 * there, with KAFKA_BROKERS its own topic prefix, as deployed; without them it runs on PGlite and the in-process
 * bus, whose queries run on the auctioneer's own event loop. BENCH_PROFILE=1 writes V8 CPU profiles of every
 * process under tmp/bench/profile. Figures in tmp/bench/powermatcher-ws.json.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AGENT_ENDPOINTS } from '@flexgrid/protocol-powermatcher';
import pg from 'pg';
import type { FromAgents, RecordedPrices, ToAgents } from './powermatcher-ws-agents';
import { machine, runBenchmark, workspaceRoot, writeResult } from './report';

const AGENTS = Number(process.env['AGENTS'] ?? 10_000);
const REBID_MS = Number(process.env['REBID_SECONDS'] ?? 30) * 1000;
const MEASURE_MS = Number(process.env['MEASURE_SECONDS'] ?? 90) * 1000;
const CONCENTRATORS = Number(process.env['CONCENTRATORS'] ?? 10);
const AGENT_PROCESSES = Number(process.env['AGENT_PROCESSES'] ?? 4);
const COOLING_OFF_MS = 1000;
/** The target: a round's last bid to every agent priced, at most this beyond the cooling-off window. */
const TARGET_BEYOND_COOLING_OFF_MS = 100;
/**
 * Two rounds at the same price are a cooling-off window apart at the auctioneer: arrivals of one price further
 * apart than half of it belong to different rounds.
 */
const SAME_PRICE_ROUND_GAP_MS = COOLING_OFF_MS / 2;
const CLOCK_TICKS = 100;
/** The auctioneer's event loop waiting for a core longer than this share of the time: not a quiet machine. */
const OVERSUBSCRIBED_WAIT_PERCENT = 10;
const PROFILE = process.env['BENCH_PROFILE']
  ? ['--cpu-prof', `--cpu-prof-dir=${join(workspaceRoot, 'tmp/bench/profile')}`]
  : [];

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The app's compiled main.ts as its own process. */
class ServiceProcess {
  readonly child: ChildProcess;
  private output = '';

  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    this.child = spawn(
      process.execPath,
      [
        ...PROFILE,
        '--disable-warning=TimeoutNegativeWarning',
        join(workspaceRoot, 'apps/powermatcher-auctioneer/dist/main.js'),
      ],
      { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'pipe' },
    );
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
  }

  async ready(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`exited: ${this.output}`);
      const response = await fetch(`http://127.0.0.1:${this.port}/readyz`).catch(() => null);
      if (response?.status === 200) return;
      if (Date.now() > deadline) throw new Error(`not ready: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  usage(): ReturnType<typeof usageOf> {
    return usageOf(this.child.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await once(this.child, 'exit');
  }
}

/**
 * The agents, spread round-robin over the targets and in contiguous slices over AGENT_PROCESSES processes; each
 * process records the prices its agents receive.
 */
function runAgents(targets: readonly { url: string; parent: string }[], count: number) {
  const processes = Math.max(1, Math.min(AGENT_PROCESSES, count));
  const connected = new Array<number>(processes).fill(0);
  const workers = Array.from({ length: processes }, (_, w) => {
    const from = Math.floor((w * count) / processes);
    const to = Math.floor(((w + 1) * count) / processes);
    const worker = fork(join(__dirname, 'powermatcher-ws-agents.js'), [], {
      serialization: 'advanced',
      execArgv: PROFILE,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const events = new Promise<RecordedPrices>((resolve, reject) => {
      worker.on('message', (message: FromAgents) => {
        if (message.type === 'sessions') connected[w] = message.connected;
        else resolve(message);
      });
      // 'close' comes after its last message (the IPC channel is closed by then); 'exit' may come before it.
      worker.once('close', (code) => reject(new Error(`agent process ${w} ended (${code}) without its prices`)));
    });
    // Rejections surface in stop(); until then an early exit must not be an unhandled rejection.
    events.catch(() => undefined);
    const start: ToAgents = {
      type: 'start',
      targets,
      from,
      count: to - from,
      rebidMs: REBID_MS,
      maxConnecting: Math.max(1, Math.floor(200 / processes)),
    };
    worker.send(start);
    return { worker, events };
  });
  const tell = (message: ToAgents) => {
    for (const { worker } of workers) if (worker.connected) worker.send(message);
  };
  return {
    connected: () => connected.reduce((a, b) => a + b, 0),
    record: (on: boolean) => tell({ type: 'record', on }),
    stop: async (): Promise<RecordedPrices[]> => {
      tell({ type: 'stop' });
      return Promise.all(workers.map(({ events }) => events));
    },
    pids: () => workers.map(({ worker }) => worker.pid),
    kill: () => {
      for (const { worker } of workers) if (worker.exitCode === null) worker.kill();
    },
  };
}

/**
 * The auctioneer's own view (`pm_round_duration_seconds`): from the model step that ran a round to its
 * PRICE_UPDATEs handed to the sockets, without the agents' side of the loopback.
 */
async function serverRoundDuration(
  port: number,
): Promise<{ rounds: number; meanMs: number; p99AtMostMs: number | string }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const buckets = [...text.matchAll(/^pm_round_duration_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/gm)].map((m) => ({
    le: m[1] === '+Inf' ? Infinity : Number(m[1]),
    count: Number(m[2]),
  }));
  const count = Number(/^pm_round_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
  const sum = Number(/^pm_round_duration_seconds_sum(?:\{[^}]*\})? ([\d.e+-]+)/m.exec(text)?.[1] ?? 0);
  const p99 = buckets.find((b) => b.count >= 0.99 * count)?.le ?? NaN;
  const largest = buckets.filter((b) => Number.isFinite(b.le)).at(-1)?.le ?? 0;
  return {
    rounds: count,
    meanMs: Math.round((sum / Math.max(1, count)) * 10_000) / 10,
    // JSON has no Infinity: beyond the histogram's last bucket it says so.
    p99AtMostMs: Number.isFinite(p99) ? p99 * 1000 : `above ${largest * 1000}`,
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Arrival {
  readonly receivedAt: number;
  readonly price: number;
  /** When the bid this price first answers was sent; NaN when it answers a bid already priced. */
  readonly bidSentAt: number;
}

/**
 * Rounds from the agents' side: every agent of a round gets the same price, so arrivals are grouped by price value,
 * and one price's arrivals split where they are further apart than two rounds at the same price can be.
 */
function rounds(recorded: readonly RecordedPrices[]): Arrival[][] {
  const byPrice = new Map<number, Arrival[]>();
  for (const r of recorded) {
    for (let i = 0; i < r.receivedAt.length; i++) {
      const arrival = { receivedAt: r.receivedAt[i]!, price: r.price[i]!, bidSentAt: r.bidSentAt[i]! };
      const list = byPrice.get(arrival.price) ?? [];
      list.push(arrival);
      byPrice.set(arrival.price, list);
    }
  }
  const all: Arrival[][] = [];
  for (const arrivals of byPrice.values()) {
    arrivals.sort((a, b) => a.receivedAt - b.receivedAt);
    let current: Arrival[] = [];
    for (const arrival of arrivals) {
      if (current.length > 0 && arrival.receivedAt - current.at(-1)!.receivedAt > SAME_PRICE_ROUND_GAP_MS) {
        all.push(current);
        current = [];
      }
      current.push(arrival);
    }
    if (current.length > 0) all.push(current);
  }
  return all.sort((a, b) => a[0]!.receivedAt - b[0]!.receivedAt);
}

/** Per round: from the last bid it answers to each agent's price, its fan-out, and each bid's first price. */
function latencies(recorded: readonly RecordedPrices[]) {
  const fromLastBid: number[] = [];
  const fanOut: number[] = [];
  const bidToPrice: number[] = [];
  const all = rounds(recorded);
  let prices = 0;
  for (const round of all) {
    prices += round.length;
    let lastBid = -Infinity;
    for (const arrival of round) {
      if (Number.isNaN(arrival.bidSentAt)) continue;
      lastBid = Math.max(lastBid, arrival.bidSentAt);
      bidToPrice.push(arrival.receivedAt - arrival.bidSentAt);
    }
    fanOut.push(round.at(-1)!.receivedAt - round[0]!.receivedAt);
    if (lastBid === -Infinity) continue;
    for (const arrival of round) fromLastBid.push(arrival.receivedAt - lastBid);
  }
  const ms = (x: number) => Math.round(x * 10) / 10;
  const p99 = ms(percentile(fromLastBid, 99));
  return {
    rounds: all.length,
    prices,
    lastBidToAllPricedMs: {
      p50: ms(percentile(fromLastBid, 50)),
      p99,
      max: ms(fromLastBid.reduce((a, b) => Math.max(a, b), -Infinity)),
    },
    p99BeyondCoolingOffMs: ms(p99 - COOLING_OFF_MS),
    targetMet: p99 <= COOLING_OFF_MS + TARGET_BEYOND_COOLING_OFF_MS,
    roundFanOutMs: { p50: ms(percentile(fanOut, 50)), p99: ms(percentile(fanOut, 99)) },
    bidToFirstPriceMs: { p50: ms(percentile(bidToPrice, 50)), p99: ms(percentile(bidToPrice, 99)) },
  };
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Resident memory (bytes), CPU time (ms) and run-queue wait (ms: runnable, but no core free) of a process's main
 * thread, its event loop, from /proc. A high wait with low CPU means the machine is oversubscribed: latencies then
 * measure the neighbours, not the service.
 */
function usageOf(pid: number | undefined): { rss: number; cpuMs: number; waitMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const waitNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? 0);
  return { rss, cpuMs: (ticks * 1000) / CLOCK_TICKS, waitMs: waitNs / 1e6 };
}

/** The auctioneer's backends: a fresh database on DATABASE_URL and a topic prefix on KAFKA_BROKERS, if given. */
async function backends(label: string): Promise<{ env: Record<string, string>; name: string; drop(): Promise<void> }> {
  const adminUrl = process.env['DATABASE_URL'];
  const kafka = process.env['KAFKA_BROKERS'];
  const suffix = `${label}_${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {};
  if (kafka) env['KAFKA_TOPIC_PREFIX'] = `bench_${suffix}.`;
  if (!adminUrl) {
    return { env, name: `PGlite${kafka ? ', Kafka' : ', in-process bus'}`, drop: async () => undefined };
  }
  const database = `bench_pm_${suffix}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  env['DATABASE_URL'] = url.toString();
  return {
    env,
    name: `PostgreSQL${kafka ? ', Kafka' : ', in-process bus'}`,
    drop: () => admin(`drop database if exists ${database} with (force)`),
  };
}

/** What an interrupted run (Ctrl-C, SIGTERM) must still end: its processes and its database. */
let cleanUp: (() => Promise<void>) | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (cleanUp ?? (async () => undefined))().finally(() => process.exit(130));
  });
}

async function scenario(name: string, concentrators: number) {
  const backend = await backends(concentrators === 0 ? 'flat' : 'tree');
  const auctioneerPort = await freePort();
  const auctioneer = new ServiceProcess(auctioneerPort, {
    ...backend.env,
    PM_CLUSTER_ID: 'bench',
    PM_MIN_TIME_BETWEEN_PRICE_UPDATES_MS: String(COOLING_OFF_MS),
    PM_MAX_CONNECTIONS: String(AGENTS + 100),
    PM_OBJECTIVE_ENABLED: 'false',
  });
  const processes = [auctioneer];
  let agents: ReturnType<typeof runAgents> | null = null;
  cleanUp = async () => {
    agents?.kill();
    for (const p of processes) p.child.kill('SIGKILL');
    await backend.drop();
  };
  try {
    await auctioneer.ready();
    const auctioneerUrl = `ws://127.0.0.1:${auctioneerPort}`;
    const targets: { url: string; parent: string }[] = [];
    for (let c = 0; c < concentrators; c++) {
      const id = `station-${c}`;
      const port = await freePort();
      const concentrator = new ServiceProcess(port, {
        PM_ROLE: 'concentrator',
        PM_PARENT_URL: `${auctioneerUrl}${AGENT_ENDPOINTS['1.9']}?agentId=${id}&desiredConnectionId=auctioneer`,
        PM_MIN_TIME_BETWEEN_BID_UPDATES_MS: String(COOLING_OFF_MS),
        PM_MAX_CONNECTIONS: String(AGENTS + 100),
      });
      processes.push(concentrator);
      targets.push({ url: `ws://127.0.0.1:${port}`, parent: id });
    }
    await Promise.all(processes.slice(1).map((p) => p.ready()));
    if (targets.length === 0) targets.push({ url: auctioneerUrl, parent: 'auctioneer' });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const before = auctioneer.usage();
    const started = Date.now();
    const running = runAgents(targets, AGENTS);
    agents = running;
    const progress = setInterval(() => console.error(`${name}: ${running.connected()} sessions`), 10_000);
    await waitFor(`${AGENTS} sessions`, () => running.connected() >= AGENTS, 300_000).finally(() =>
      clearInterval(progress),
    );
    const connectSeconds = (Date.now() - started) / 1000;
    // Let the connect burst settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const loaded = auctioneer.usage();
    const cpu = () => ({
      auctioneer: auctioneer.usage(),
      concentrators: processes.slice(1).map((p) => p.usage()),
      agents: running.pids().map((pid) => usageOf(pid)),
    });
    running.record(true);
    const measureStart = cpu();
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    const measureEnd = cpu();
    running.record(false);
    const percent = (end: number, start: number) => Math.round(((end - start) / MEASURE_MS) * 1000) / 10;
    type Usage = ReturnType<typeof usageOf>;
    const shares = (end: Usage, start: Usage) => ({
      cpu: percent(end.cpuMs, start.cpuMs),
      waitingForCpu: percent(end.waitMs, start.waitMs),
    });
    const auctioneerShares = shares(measureEnd.auctioneer, measureStart.auctioneer);
    const serverSide = await serverRoundDuration(auctioneerPort);
    const recorded = await running.stop();
    agents = null;
    const result = {
      scenario: name,
      backends: backend.name,
      agents: AGENTS,
      agentProcesses: Math.min(AGENT_PROCESSES, AGENTS),
      concentrators,
      rebidSeconds: REBID_MS / 1000,
      coolingOffMs: COOLING_OFF_MS,
      targetMs: COOLING_OFF_MS + TARGET_BEYOND_COOLING_OFF_MS,
      measuredSeconds: MEASURE_MS / 1000,
      connectSeconds,
      ...latencies(recorded),
      auctioneer: {
        rssBeforeMiB: Math.round(before.rss / 2 ** 20),
        rssWithAgentsMiB: Math.round(loaded.rss / 2 ** 20),
        bytesPerConnectedAgent: concentrators === 0 ? Math.round((loaded.rss - before.rss) / AGENTS) : null,
        cpuPercentOfOneCore: auctioneerShares.cpu,
        waitingForCpuPercent: auctioneerShares.waitingForCpu,
      },
      auctioneerRoundToSocketsMs: serverSide,
      // Per process, % of the measured time: on a core, and runnable but waiting for one.
      concentratorProcesses: measureEnd.concentrators.map((end, i) => shares(end, measureStart.concentrators[i]!)),
      loadGenerators: measureEnd.agents.map((end, i) => shares(end, measureStart.agents[i]!)),
      // More than this waiting for a core: the machine was oversubscribed and the latencies are its, not the service's.
      oversubscribed: auctioneerShares.waitingForCpu > OVERSUBSCRIBED_WAIT_PERCENT,
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      machine: machine(),
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    cleanUp = null;
    agents?.kill();
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await backend.drop();
  }
}

runBenchmark(async () => {
  const flat = await scenario('agents on the auctioneer', 0);
  const tree =
    CONCENTRATORS > 0 ? await scenario(`agents under ${CONCENTRATORS} concentrator processes`, CONCENTRATORS) : null;
  writeResult('powermatcher-ws', { flat, tree });
});
