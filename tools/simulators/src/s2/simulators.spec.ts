import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningS2Analyzer, startS2Analyzer } from '@flexgrid/s2-analyzer';
import { startTestApp, type TestApp } from '@flexgrid/testing';
import { main } from '../cli';
import {
  type DeviceKind,
  dial,
  listen,
  type Listening,
  MISTAKE_RULES,
  MISTAKES,
  SimulatedCem,
  SimulatedResourceManager,
  startS2Pair,
} from './index';

/*
 * The S2 simulators against the real analyzer (apps/s2-analyzer on PostgreSQL and Kafka): they speak S2
 * correctly for every device, make exactly the mistakes they are told to, and the analyzer's dial mode reaches a
 * listening simulated RM over wss with a bearer token.
 */

const TLS = join(__dirname, '../../fixtures/tls');
const cert = readFileSync(join(TLS, 'cert.pem'));
const key = readFileSync(join(TLS, 'key.pem'));

interface SessionView {
  id: string;
  endedAt: string | null;
  verdict: string;
  errors: number;
  warnings: number;
  state: { activeControlType: string; summary: { frames: number } };
}

describe('S2 simulators through the analyzer', () => {
  let app: TestApp;
  let analyzer: RunningS2Analyzer;
  beforeAll(async () => {
    app = await startTestApp({
      name: 's2-sim',
      start: async (environment) => {
        analyzer = await startS2Analyzer({ ...environment, logLevel: 'fatal' });
        return analyzer;
      },
    });
  });
  afterAll(() => app.stop());

  const sessionOf = async (rmId: string): Promise<SessionView> => {
    for (;;) {
      const { sessions } = (await (await app.fetch(`/api/sessions?rm=${rmId}`)).json()) as { sessions: SessionView[] };
      const [latest] = sessions;
      if (latest?.endedAt) return (await (await app.fetch(`/api/sessions/${latest.id}`)).json()) as SessionView;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const findingsOf = async (id: string) =>
    ((await (await app.fetch(`/api/sessions/${id}/findings`)).json()) as { findings: Array<{ rule: string }> })
      .findings;

  /** Runs a pair until the RM has sent `measurements` measurements, then ends the session. */
  const runPair = async (
    rmId: string,
    device: DeviceKind,
    options: { mistakes?: (typeof MISTAKES)[number][] } = {},
  ) => {
    const pair = await startS2Pair({
      analyzerUrl: app.url,
      rmId,
      cemId: `${rmId}-cem`,
      device,
      intervalMs: 20,
      rmMistakes: options.mistakes,
    });
    const target = Math.max(12, (options.mistakes?.length ?? 0) + 6);
    while (pair.rm.measurements < target) await new Promise((resolve) => setTimeout(resolve, 20));
    await pair.stop();
    return pair;
  };

  it.each([
    ['battery', 'FILL_RATE_BASED_CONTROL'],
    ['appliance', 'POWER_PROFILE_BASED_CONTROL'],
    ['pv', 'NOT_CONTROLABLE'],
  ] as const)('the RM with a %s and the CEM speak S2 correctly: %s, no finding at all', async (device, controlType) => {
    const pair = await runPair(`sim-${device}`, device);
    const session = await sessionOf(`sim-${device}`);
    expect(await findingsOf(session.id)).toEqual([]);
    expect(session.state.activeControlType).toBe(controlType);
    expect(session.state.summary.frames).toBeGreaterThan(30);
    if (device !== 'pv') expect(pair.cem.instructions).toBeGreaterThan(0);
  });

  it('makes each mistake it is told to, and the analyzer finds each one under its rule', async () => {
    const mistakes = MISTAKES.filter((m) => m !== 'unknown-reference');
    const pair = await runPair('sim-mistakes', 'battery', { mistakes: [...mistakes, 'unknown-reference'] });
    expect([...pair.rm.made].sort()).toEqual([...MISTAKES].sort());
    const session = await sessionOf('sim-mistakes');
    const rules = new Set((await findingsOf(session.id)).map((f) => f.rule));
    for (const mistake of pair.rm.made) expect([mistake, rules.has(MISTAKE_RULES[mistake])]).toEqual([mistake, true]);
    expect(session.verdict).toBe('invalid');
  });
});

describe('dial mode: the analyzer dials a listening simulated RM over wss with a token (RULES §2.1)', () => {
  let app: TestApp;
  let rmListening: Listening;
  const token = 'pairing-token-of-the-rm';
  const rms: SimulatedResourceManager[] = [];
  beforeAll(async () => {
    app = await startTestApp({
      name: 's2-dial',
      start: (environment) => startS2Analyzer({ ...environment, logLevel: 'fatal' }),
    });
    rmListening = await listen({ port: 0, token, tls: { cert, key } }, (socket) =>
      rms.push(new SimulatedResourceManager(socket, { device: 'battery', intervalMs: 20 })),
    );
  });
  afterAll(async () => {
    await rmListening.close();
    await app.stop();
  });

  const connect = async (body: Record<string, unknown>) => {
    const response = await app.fetch('/api/connections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  };
  const connection = async (id: string) =>
    (await (await app.fetch(`/api/connections/${id}`)).json()) as {
      status: string;
      lastError: string | null;
      sessionId: string | null;
    };

  it('connects with the right token: the CEM on the drop-in URL and the dialled RM make a valid FRBC session', async () => {
    const dialled = await connect({
      side: 'RM',
      url: rmListening.url,
      rmId: 'wss-rm',
      cemId: 'wss-cem',
      token,
      ca: cert.toString(),
    });
    // The RM is reached first, as in the field: its Handshake waits in the analyzer until the CEM connects.
    while ((await connection(dialled.id)).status !== 'connected')
      await new Promise((resolve) => setTimeout(resolve, 20));
    const cem = await dial(
      `${app.url.replace(/^http/, 'ws')}/backend/cem/wss-cem/rm/wss-rm/ws`,
      {},
      (socket) => new SimulatedCem(socket, { intervalMs: 20 }),
    );
    while (!rms[0] || rms[0].measurements < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    const view = await connection(dialled.id);
    expect(view).toMatchObject({ status: 'connected', lastError: null });
    expect(cem.selected).toBe('FILL_RATE_BASED_CONTROL');
    await Promise.all([rms[0]?.settle(), cem.settle()]);
    expect((await app.fetch(`/api/connections/${dialled.id}`, { method: 'DELETE' })).status).toBe(204);
    let session: SessionView & { origin: string };
    do {
      await new Promise((resolve) => setTimeout(resolve, 20));
      session = (await (await app.fetch(`/api/sessions/${view.sessionId}`)).json()) as SessionView & { origin: string };
    } while (!session.endedAt);
    expect(session).toMatchObject({ origin: 'dial', verdict: 'valid', errors: 0 });
  });

  it('a wrong token is refused by the RM (401), and the connection says so while it retries', async () => {
    const dialled = await connect({
      side: 'RM',
      url: rmListening.url,
      rmId: 'wss-rm-2',
      cemId: 'wss-cem-2',
      token: 'wrong',
      ca: cert.toString(),
    });
    let view = await connection(dialled.id);
    while (view.lastError === null) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      view = await connection(dialled.id);
    }
    expect(view).toMatchObject({ lastError: 'refused: HTTP 401', sessionId: null });
    expect(['waiting', 'connecting']).toContain(view.status);
    expect((await app.fetch(`/api/connections/${dialled.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses a dial request that is not ws(s) or lacks ids (400 problem+json)', async () => {
    const response = await app.fetch('/api/connections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ side: 'RM', url: 'http://example.invalid', rmId: 'a', cemId: 'b' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ detail: 'url must be a ws:// or wss:// URL' });
  });
});

describe('flexgrid-sim s2', () => {
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
    };
  };

  it('--help lists the roles, devices and every mistake with its rule', async () => {
    const { out, io } = capture();
    expect(await main(['s2', '--help'], io)).toBe(0);
    expect(out.stdout).toMatch(/^usage: flexgrid-sim s2 <rm\|cem\|pair>/);
    for (const mistake of MISTAKES) expect(out.stdout).toContain(`${mistake}`);
  });

  it('refuses a wrong command line with exit 2', async () => {
    const { out, io } = capture();
    expect(await main(['s2', 'rm', '--device', 'toaster', '--url', 'ws://x'], io)).toBe(2);
    expect(out.stderr).toContain('--device must be one of battery, appliance, pv');
    expect(await main(['s2', 'rm', '--mistakes', 'typo'], io)).toBe(2);
    expect(out.stderr).toContain('unknown mistake typo');
  });
});
