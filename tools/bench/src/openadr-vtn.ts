/**
 * tools/bench/openadr-vtn: the VTN (apps/openadr-vtn) on PostgreSQL, over HTTP on loopback, as issue 21 asks.
 *
 *   npx nx run bench:openadr-vtn        (needs DATABASE_URL and KAFKA_BROKERS)
 *
 * The VTN runs as its own process (dist/main.js, dev mode: plain HTTP, auto-accept) on a fresh database;
 * autocannon runs in this process, and the soak's VENs in forked processes of their own.
 * 1. `poll`: oadrPoll with nothing queued, autocannon at 1, 10 and 50 connections over 50 registered VENs.
 *    Target ≥ 12 000 req/s with p99 ≤ 10 ms at 10 connections (openleadr-python's VTN: about 2 400).
 * 2. `request-event`: oadrRequestEvent with one active event, 10 connections. Target ≥ 6 000 req/s (openleadr:
 *    about 1 200).
 * 3. `soak`: BENCH_SOAK_VENS (10 000) VENs polling every 10 s for BENCH_SOAK_SECONDS (300): p99 ≤ 50 ms and no
 *    VEN falsely marked offline; CPU and memory of the VTN and of PostgreSQL. The VENs join over
 *    BENCH_SOAK_WARMUP_SECONDS (300), BENCH_SOAK_VENS_PER_PROCESS (2 500) to a process.
 * BENCH_ONLY=poll,request-event,soak picks phases; BENCH_PROFILE=1 writes a V8 CPU profile of the VTN to
 * tmp/bench/profile. Prints the figures and writes tmp/bench/openadr-vtn.json.
 */
import { fork, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeOadrPayload } from '@flexgrid/protocol-openadr';
import autocannon from 'autocannon';
import pg from 'pg';
import { closeConnections, type FleetOrder, type FleetReport, post, registration } from './openadr-vtn-fleet';
import { machine, runBenchmark, workspaceRoot, writeResult } from './report';

const TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuv';
const OADR_PORT = Number(process.env.BENCH_OADR_PORT ?? 18480);
const API_PORT = Number(process.env.BENCH_API_PORT ?? 18481);
const BASE = `http://127.0.0.1:${OADR_PORT}/OpenADR2/Simple/2.0b`;
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const SOAK_VENS = Number(process.env.BENCH_SOAK_VENS ?? 10_000);
const VENS_PER_PROCESS = Number(process.env.BENCH_SOAK_VENS_PER_PROCESS ?? 2_500);
const PHASES = new Set((process.env.BENCH_ONLY ?? 'poll,request-event,soak').split(',').map((p) => p.trim()));

async function register(venID: string): Promise<void> {
  const answer = await post(BASE, 'EiRegisterParty', registration(venID));
  if (answer.status !== 200 || !answer.text.includes('<ei:responseCode>200<'))
    throw new Error(`registration of ${venID} failed: ${answer.text}`);
}

/** Runs `order` in a forked fleet process and resolves with its report. */
function fleet(order: FleetOrder): Promise<FleetReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'openadr-vtn-fleet.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: FleetReport | undefined;
    child.once('message', (message) => (report = message as FleetReport));
    child.once('error', reject);
    child.once('exit', (code) =>
      report ? resolve(report) : reject(new Error(`a fleet process exited with ${code} and no report`)),
    );
    child.send(order);
  });
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/**
 * CPU seconds (user + system) and resident memory of a process, from /proc; with `reaped`, also the CPU of its
 * children that have exited (PostgreSQL's backends end up in the postmaster's, so a server whose connections
 * come and go is still counted whole).
 */
function usage(pid: number, reaped = false): { cpuSeconds: number; rssMiB: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(stat[11]) + Number(stat[12]) + (reaped ? Number(stat[13]) + Number(stat[14]) : 0);
    const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    return { cpuSeconds: ticks / 100, rssMiB: rss / 1_048_576 };
  } catch {
    return { cpuSeconds: 0, rssMiB: 0 };
  }
}

/** PostgreSQL's server processes (all of them: the server is shared). */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    });
}

function total(pids: readonly number[]) {
  return pids
    .map((pid) => usage(pid, true))
    .reduce((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssMiB: a.rssMiB + b.rssMiB }), {
      cpuSeconds: 0,
      rssMiB: 0,
    });
}

async function cannon(name: string, connections: number, bodies: readonly string[], path: string, seconds = 10) {
  let next = 0;
  const result = await autocannon({
    url: `${BASE}/${path}`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    requests: [
      {
        setupRequest: (req) => {
          next = (next + 1) % bodies.length;
          return { ...req, body: bodies[next] };
        },
      },
    ],
  });
  const figures = {
    name,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  console.log(JSON.stringify(figures));
  return figures;
}

/**
 * 3. The soak: SOAK_VENS VENs, each registering and then polling every 10 s, spread evenly. They join over a
 * warm-up (registering 10 000 at once is not what a fleet does), and latencies count from its end, when every
 * VEN polls. Each joining VEN also gets the active event and the VTN's METADATA registration and answers both,
 * about nine transactions: 10 000 of them in 5 minutes (34 a second) is what this machine kind takes beside the
 * polls and the fleet itself. VEN i joins at i × step; fleet process k runs VENs k, k + P, k + 2P, …
 */
async function soak(vtnPid: number, databaseUrl: string) {
  const soakVens = Array.from({ length: SOAK_VENS }, (_, i) => `soak-${String(i + 1).padStart(5, '0')}`);
  const warmUpMs = Number(process.env.BENCH_SOAK_WARMUP_SECONDS ?? 300) * 1000;
  const period = 10_000;
  const joinFrom = Date.now() + 2000;
  const soakStart = joinFrom + warmUpMs;
  const deadline = soakStart + SOAK_SECONDS * 1000;
  const step = (warmUpMs - period) / SOAK_VENS;
  const processes = Math.max(1, Math.ceil(SOAK_VENS / VENS_PER_PROCESS));
  let vtnBefore = usage(vtnPid);
  let pgBefore = total(postgresPids());
  const measuring = setTimeout(() => {
    vtnBefore = usage(vtnPid);
    pgBefore = total(postgresPids());
  }, soakStart - Date.now());
  const reports = await Promise.all(
    Array.from({ length: processes }, (_, k) =>
      fleet({
        base: BASE,
        venIds: soakVens.filter((_, i) => i % processes === k),
        joinFrom: joinFrom + k * step,
        joinStepMs: step * processes,
        soakStart,
        deadline,
        periodMs: period,
      }),
    ),
  );
  const latencies = reports.flatMap((r) => r.latencies);
  const failures = reports.reduce((sum, r) => sum + r.failures, 0);
  const registrationFailures = reports.reduce((sum, r) => sum + r.registrationFailures, 0);
  const generatorLagMs = Math.round(Math.max(...reports.map((r) => r.maxLagMs)));
  clearTimeout(measuring);
  const vtnAfter = usage(vtnPid);
  const pgAfter = total(postgresPids());
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const offline = await db.query(
    `select (select count(*)::int from vens where not online and ven_id like 'soak-%') as offline_now,
            (select count(*)::int from flexgrid_outbox
              where event_type = 'openadr.ven.offline' and event_key like 'soak-%') as offline_records`,
  );
  await db.end();
  const figures = {
    vens: SOAK_VENS,
    seconds: SOAK_SECONDS,
    warmUpSeconds: warmUpMs / 1000,
    registrationFailures,
    polls: latencies.length,
    pollsPerSecond: Math.round(latencies.length / SOAK_SECONDS),
    p50ms: at(0.5),
    p99ms: at(0.99),
    maxms: at(1),
    failures,
    generatorLagMs,
    processes,
    ...offline.rows[0],
    vtn: {
      cpuPercent: Math.round(((vtnAfter.cpuSeconds - vtnBefore.cpuSeconds) / SOAK_SECONDS) * 100),
      rssMiB: Math.round(vtnAfter.rssMiB),
    },
    postgres: {
      cpuPercent: Math.round(((pgAfter.cpuSeconds - pgBefore.cpuSeconds) / SOAK_SECONDS) * 100),
      rssMiB: Math.round(pgAfter.rssMiB),
      note: 'all postgres processes of the shared server',
    },
  };
  console.log(JSON.stringify(figures));
  return figures;
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl || !process.env.KAFKA_BROKERS) throw new Error('set DATABASE_URL and KAFKA_BROKERS');
  const database = `vtn_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;

  // BENCH_PROFILE=1: a V8 CPU profile of the VTN under tmp/bench/profile, to see where a missed target goes.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${join(workspaceRoot, 'tmp/bench/profile')}`]
    : [];
  const vtn = spawn(process.execPath, [...profile, join(workspaceRoot, 'apps/openadr-vtn/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      OADR_TLS: 'off',
      OADR_ALLOW_INSECURE_HTTP: 'true',
      OADR_REGISTRATION_POLICY: 'auto-accept',
      OADR_API_TOKENS: TOKEN,
      OADR_PORT: String(OADR_PORT),
      OADR_API_PORT: String(API_PORT),
      OADR_API_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const results: Record<string, unknown> = { machine: machine() };
  try {
    for (let i = 0; ; i++) {
      const ready = await fetch(`http://127.0.0.1:${API_PORT}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (i > 300) throw new Error('the VTN did not get ready');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const vens = Array.from({ length: 50 }, (_, i) => `bench-${String(i + 1).padStart(5, '0')}`);
    await inParallel(vens, 8, register);
    const polls = vens.map((venID) => writeOadrPayload({ type: 'oadrPoll', venID }));
    if (PHASES.has('poll')) {
      await cannon('warm-up', 10, polls, 'OadrPoll', 3);
      results.poll = [
        await cannon('oadrPoll, nothing queued', 1, polls, 'OadrPoll'),
        await cannon('oadrPoll, nothing queued', 10, polls, 'OadrPoll'),
        await cannon('oadrPoll, nothing queued', 50, polls, 'OadrPoll'),
      ];
    }
    const event = await fetch(`http://127.0.0.1:${API_PORT}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        targets: { all: true },
        start: new Date(Date.now() - 60_000).toISOString(),
        signals: [{ name: 'SIMPLE', type: 'level', intervals: [{ duration: 'PT2H', value: 1 }] }],
      }),
    });
    if (event.status !== 201) throw new Error(`event: ${event.status}`);
    const requestEvents = vens.map((venID) => writeOadrPayload({ type: 'oadrRequestEvent', requestID: 'b', venID }));
    if (PHASES.has('request-event')) {
      await cannon('warm-up', 10, requestEvents, 'EiEvent', 3);
      results.requestEvent = await cannon('oadrRequestEvent, one active event', 10, requestEvents, 'EiEvent');
    }
    if (PHASES.has('soak')) results.soak = await soak(vtn.pid as number, url.toString());
  } finally {
    vtn.kill('SIGTERM');
    await new Promise((resolve) => vtn.once('exit', resolve));
    closeConnections();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
  writeResult(PHASES.size === 3 ? 'openadr-vtn' : `openadr-vtn-${[...PHASES].join('-')}`, results);
}

runBenchmark(main);
