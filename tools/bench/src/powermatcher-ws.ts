/**
 * PowerMatcher end to end over websockets (issue 24's benchmark): N device agents on loopback, each re-bidding
 * every 30 s (jittered), against the auctioneer service in its own process; then the same agents spread under
 * remote concentrator processes. Measured:
 * - per round, from the last bid it contains to every agent holding the new price (the p99 over all agents and
 *   rounds), and from each bid to its first price (bounded by the cooling-off windows);
 * - the auctioneer's memory per connected agent (RSS with the agents minus before them) and its CPU.
 *
 * `npx nx run bench:powermatcher-ws` (AGENTS, REBID_SECONDS, MEASURE_SECONDS, CONCENTRATORS, SCENARIOS=flat,tree override the
 * defaults; KAFKA_BROKERS / DATABASE_URL switch the auctioneer to real backends). Figures in tmp/bench.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PowerMatcherAgent } from '@flexgrid/powermatcher-client';
import { AGENT_ENDPOINTS } from '@flexgrid/protocol-powermatcher';
import { powermatcher as simulated } from '@flexgrid/simulators';
import { machine, runBenchmark, workspaceRoot, writeResult } from './report';

const AGENTS = Number(process.env['AGENTS'] ?? 10_000);
const REBID_MS = Number(process.env['REBID_SECONDS'] ?? 30) * 1000;
const MEASURE_MS = Number(process.env['MEASURE_SECONDS'] ?? 90) * 1000;
const CONCENTRATORS = Number(process.env['CONCENTRATORS'] ?? 10);
const COOLING_OFF_MS = 1000;
/** Rounds are at least the cooling-off apart; prices further apart than this belong to different rounds. */
const ROUND_GAP_MS = 400;
const CLOCK_TICKS = 100;

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
      ['--disable-warning=TimeoutNegativeWarning', join(workspaceRoot, 'apps/powermatcher-auctioneer/dist/main.js')],
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

  /** Resident memory (bytes) and CPU time (ms) from /proc. */
  usage(): { rss: number; cpuMs: number } {
    const pid = this.child.pid;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { rss, cpuMs: (ticks * 1000) / CLOCK_TICKS };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await once(this.child, 'exit');
  }
}

interface PriceEvent {
  receivedAt: number;
  /** When the bid this price first answers was sent; null when it answers a bid already priced. */
  bidSentAt: number | null;
}

/** N agents, each bidding on CLUSTERINFO and then every REBID_MS (±50 %), timing every bid and price. */
async function runAgents(urls: readonly { url: string; parent: string }[], count: number) {
  const events: PriceEvent[] = [];
  const agents: PowerMatcherAgent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let recording = false;
  let stopped = false;
  let connected = 0;
  for (let i = 0; i < count; i++) {
    const kind = simulated.DEVICE_KINDS[i % simulated.DEVICE_KINDS.length]!;
    const sent = new Map<number, number>();
    const base = urls[i % urls.length]!;
    const agent: PowerMatcherAgent = new PowerMatcherAgent({
      url: `${base.url}${AGENT_ENDPOINTS['1.9']}?agentId=bench-${i}&desiredConnectionId=${base.parent}`,
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 10_000 },
      onClusterInfo: () => {
        connected++;
        bid();
      },
      onPrice: ({ bidNumber }) => {
        const receivedAt = performance.now();
        const sentAt = sent.get(bidNumber);
        sent.delete(bidNumber);
        if (recording) events.push({ receivedAt, bidSentAt: sentAt ?? null });
      },
    });
    const bid = () => {
      const info = agent.clusterInfo;
      if (!info || stopped) return;
      const number = agent.bid(
        simulated.deviceBid(kind, info.marketBasis, (low, high) => low + Math.random() * (high - low)),
      );
      sent.set(number, performance.now());
    };
    const schedule = () => {
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          bid();
          if (!stopped) schedule();
        },
        REBID_MS * (0.5 + Math.random()),
      );
      timers.add(timer);
    };
    agents.push(agent.start());
    schedule();
    // A ramp, not a SYN flood.
    if (i % 250 === 249) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    connected: () => connected,
    record: (on: boolean) => (recording = on),
    events,
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(agents.map((agent) => agent.stop()));
    },
  };
}

/**
 * The auctioneer's own view (`pm_round_duration_seconds`): from the model step that ran a round to its
 * PRICE_UPDATEs handed to the sockets, without the agents' side of the loopback.
 */
async function serverRoundDuration(port: number): Promise<{ rounds: number; meanMs: number; p99AtMostMs: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const buckets = [...text.matchAll(/^pm_round_duration_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/gm)].map((m) => ({
    le: m[1] === '+Inf' ? Infinity : Number(m[1]),
    count: Number(m[2]),
  }));
  const count = Number(/^pm_round_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
  const sum = Number(/^pm_round_duration_seconds_sum(?:\{[^}]*\})? ([\d.e+-]+)/m.exec(text)?.[1] ?? 0);
  const p99 = buckets.find((b) => b.count >= 0.99 * count)?.le ?? NaN;
  return { rounds: count, meanMs: Math.round((sum / Math.max(1, count)) * 10_000) / 10, p99AtMostMs: p99 * 1000 };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Groups price arrivals into rounds and measures each round from its last bid to each agent's price. */
function latencies(events: readonly PriceEvent[]) {
  const sorted = [...events].sort((a, b) => a.receivedAt - b.receivedAt);
  const rounds: PriceEvent[][] = [];
  for (const event of sorted) {
    const current = rounds.at(-1);
    if (current && event.receivedAt - current.at(-1)!.receivedAt < ROUND_GAP_MS) current.push(event);
    else rounds.push([event]);
  }
  const fromLastBid: number[] = [];
  const fanOut: number[] = [];
  const bidToPrice: number[] = [];
  for (const round of rounds) {
    const bidTimes = round.map((e) => e.bidSentAt).filter((t): t is number => t !== null);
    if (bidTimes.length === 0) continue;
    const lastBid = bidTimes.reduce((a, b) => Math.max(a, b), -Infinity);
    for (const event of round) fromLastBid.push(event.receivedAt - lastBid);
    fanOut.push(round.at(-1)!.receivedAt - round[0]!.receivedAt);
    for (const t of bidTimes) bidToPrice.push(round.find((e) => e.bidSentAt === t)!.receivedAt - t);
  }
  const ms = (x: number) => Math.round(x * 10) / 10;
  return {
    rounds: rounds.length,
    prices: events.length,
    lastBidToAllPricedMs: {
      p50: ms(percentile(fromLastBid, 50)),
      p99: ms(percentile(fromLastBid, 99)),
      max: ms(fromLastBid.reduce((a, b) => Math.max(a, b), -Infinity)),
    },
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

async function scenario(name: string, concentrators: number) {
  const auctioneerPort = await freePort();
  const auctioneer = new ServiceProcess(auctioneerPort, {
    PM_CLUSTER_ID: 'bench',
    PM_MIN_TIME_BETWEEN_PRICE_UPDATES_MS: String(COOLING_OFF_MS),
    PM_MAX_CONNECTIONS: String(AGENTS + 100),
    PM_OBJECTIVE_ENABLED: 'false',
  });
  const processes = [auctioneer];
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
    const agents = await runAgents(targets, AGENTS);
    const progress = setInterval(() => console.error(`${name}: ${agents.connected()} sessions`), 10_000);
    await waitFor(`${AGENTS} sessions`, () => agents.connected() >= AGENTS, 900_000).finally(() =>
      clearInterval(progress),
    );
    const connectSeconds = (Date.now() - started) / 1000;
    // Let the connect burst settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const loaded = auctioneer.usage();
    agents.record(true);
    const measureStart = auctioneer.usage();
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    const measureEnd = auctioneer.usage();
    agents.record(false);
    const concentratorCpu = processes.slice(1).map((p) => p.usage().cpuMs);
    const serverSide = await serverRoundDuration(auctioneerPort);
    await agents.stop();
    const result = {
      scenario: name,
      agents: AGENTS,
      concentrators,
      rebidSeconds: REBID_MS / 1000,
      coolingOffMs: COOLING_OFF_MS,
      measuredSeconds: MEASURE_MS / 1000,
      connectSeconds,
      ...latencies(agents.events),
      auctioneer: {
        rssBeforeMiB: Math.round(before.rss / 2 ** 20),
        rssWithAgentsMiB: Math.round(loaded.rss / 2 ** 20),
        bytesPerConnectedAgent: concentrators === 0 ? Math.round((loaded.rss - before.rss) / AGENTS) : null,
        cpuPercentOfOneCore: Math.round(((measureEnd.cpuMs - measureStart.cpuMs) / MEASURE_MS) * 1000) / 10,
      },
      auctioneerRoundToSocketsMs: serverSide,
      concentratorCpuMsTotal: concentratorCpu,
      machine: machine(),
    };
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
  }
}

runBenchmark(async () => {
  const flat = await scenario('agents on the auctioneer', 0);
  const tree =
    CONCENTRATORS > 0 ? await scenario(`agents under ${CONCENTRATORS} concentrator processes`, CONCENTRATORS) : null;
  writeResult('powermatcher-ws', { flat, tree });
});
