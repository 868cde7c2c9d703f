/**
 * tools/bench/openadr-vtn: the VTN (apps/openadr-vtn) on PostgreSQL, over HTTP on loopback, as issue 21 asks.
 *
 *   npx nx run bench:openadr-vtn        (needs DATABASE_URL and KAFKA_BROKERS; BENCH_SOAK_SECONDS, default 300)
 *
 * The VTN runs as its own process (dist/main.js, dev mode: plain HTTP, auto-accept) on a fresh database; the
 * load comes from this process.
 * 1. oadrPoll with nothing queued, autocannon at 1, 10 and 50 connections over 50 registered VENs.
 *    Target ≥ 12 000 req/s with p99 ≤ 10 ms at 10 connections (openleadr-python's VTN: about 2 400).
 * 2. oadrRequestEvent with one active event, 10 connections. Target ≥ 6 000 req/s (openleadr: about 1 200).
 * 3. 10 000 VENs polling every 10 s for BENCH_SOAK_SECONDS: p99 ≤ 50 ms and no VEN falsely marked offline; CPU
 *    and memory of the VTN and of PostgreSQL.
 * Prints the figures and writes tmp/bench/openadr-vtn.json.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { type OadrPayload, writeOadrPayload } from '@flexgrid/protocol-openadr';
import autocannon from 'autocannon';
import pg from 'pg';
import { machine, runBenchmark, workspaceRoot, writeResult } from './report';

const TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuv';
const OADR_PORT = Number(process.env.BENCH_OADR_PORT ?? 18480);
const API_PORT = Number(process.env.BENCH_API_PORT ?? 18481);
const BASE = `http://127.0.0.1:${OADR_PORT}/OpenADR2/Simple/2.0b`;
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const SOAK_VENS = Number(process.env.BENCH_SOAK_VENS ?? 10_000);

// Enough sockets that a VEN's poll does not wait behind others' in this process: each real VEN has its own.
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

function post(service: string, payload: OadrPayload): Promise<{ status: number; text: string; ms: number }> {
  const body = writeOadrPayload(payload);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${BASE}/${service}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function register(venID: string): Promise<void> {
  const answer = await post('EiRegisterParty', {
    type: 'oadrCreatePartyRegistration',
    requestID: 'r',
    venID,
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrReportOnly: false,
    oadrXmlSignature: false,
    oadrHttpPullModel: true,
  });
  if (answer.status !== 200 || !answer.text.includes('<ei:responseCode>200<'))
    throw new Error(`registration of ${venID} failed: ${answer.text}`);
}

async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** CPU seconds (user + system) and resident memory of a process, from /proc. */
function usage(pid: number): { cpuSeconds: number; rssMiB: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(stat[11]) + Number(stat[12]);
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
  return pids.map(usage).reduce((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssMiB: a.rssMiB + b.rssMiB }), {
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
    // BENCH_SOAK_ONLY=1 skips the autocannon runs (a soak of another size, on its own).
    await inParallel(vens, 8, register);
    const polls = vens.map((venID) => writeOadrPayload({ type: 'oadrPoll', venID }));
    const cannons = !process.env.BENCH_SOAK_ONLY;
    if (cannons) await cannon('warm-up', 10, polls, 'OadrPoll', 3);
    if (cannons)
      results.poll = [
        await cannon('oadrPoll, nothing queued', 1, polls, 'OadrPoll'),
        await cannon('oadrPoll, nothing queued', 10, polls, 'OadrPoll'),
        await cannon('oadrPoll, nothing queued', 50, polls, 'OadrPoll'),
      ];
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
    if (cannons)
      results.requestEvent = await cannon('oadrRequestEvent, one active event', 10, requestEvents, 'EiEvent');

    // 3. The soak: SOAK_VENS VENs, each registering and then polling every 10 s, spread evenly. They join over
    // a warm-up (registering 10 000 at once is not what a fleet does), and latencies count from its end, when
    // every VEN polls.
    const soakVens = Array.from({ length: SOAK_VENS }, (_, i) => `soak-${String(i + 1).padStart(5, '0')}`);
    const warmUpMs = Number(process.env.BENCH_SOAK_WARMUP_SECONDS ?? 120) * 1000;
    const latencies: number[] = [];
    let failures = 0;
    let registrationFailures = 0;
    const period = 10_000;
    const soakStart = Date.now() + warmUpMs;
    const deadline = soakStart + SOAK_SECONDS * 1000;
    let vtnBefore = usage(vtn.pid as number);
    let pgBefore = total(postgresPids());
    const measuring = setTimeout(() => {
      vtnBefore = usage(vtn.pid as number);
      pgBefore = total(postgresPids());
    }, warmUpMs);
    await Promise.all(
      soakVens.map(async (venID, i) => {
        const body: OadrPayload = { type: 'oadrPoll', venID };
        await new Promise((resolve) => setTimeout(resolve, (i * (warmUpMs - period)) / soakVens.length));
        try {
          await register(venID);
        } catch {
          registrationFailures++;
          return;
        }
        while (Date.now() < deadline) {
          const started = Date.now();
          try {
            const answer = await post('OadrPoll', body);
            if (started >= soakStart) latencies.push(answer.ms);
            if (answer.status !== 200) failures++;
            else if (answer.text.includes('oadrDistributeEvent')) {
              // the active event: answered as a VEN does (CMP-9), which settles its queue item
              const eventID = /<ei:eventID>([^<]+)</.exec(answer.text)?.[1] ?? '';
              await post('EiEvent', {
                type: 'oadrCreatedEvent',
                eiResponse: { responseCode: '200', requestID: '' },
                eventResponses: [
                  {
                    responseCode: '200',
                    requestID: '',
                    qualifiedEventID: { eventID, modificationNumber: 0 },
                    optType: 'optIn',
                  },
                ],
                venID,
              });
            }
          } catch {
            failures++;
          }
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, period - (Date.now() - started))));
        }
      }),
    );
    clearTimeout(measuring);
    const registrationSeconds = warmUpMs / 1000;
    const vtnAfter = usage(vtn.pid as number);
    const pgAfter = total(postgresPids());
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const offline = await db.query(
      `select (select count(*)::int from vens where not online and ven_id like 'soak-%') as offline_now,
              (select count(*)::int from flexgrid_outbox
                where event_type = 'openadr.ven.offline' and event_key like 'soak-%') as offline_records`,
    );
    await db.end();
    results.soak = {
      vens: SOAK_VENS,
      seconds: SOAK_SECONDS,
      warmUpSeconds: registrationSeconds,
      registrationFailures,
      polls: latencies.length,
      pollsPerSecond: Math.round(latencies.length / SOAK_SECONDS),
      p50ms: at(0.5),
      p99ms: at(0.99),
      maxms: at(1),
      failures,
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
    console.log(JSON.stringify(results.soak));
  } finally {
    vtn.kill('SIGTERM');
    await new Promise((resolve) => vtn.once('exit', resolve));
    agent.destroy();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
  writeResult(process.env.BENCH_SOAK_ONLY ? `openadr-vtn-soak-${SOAK_VENS}` : 'openadr-vtn', results);
}

runBenchmark(main);
