import { once } from 'node:events';
import { WebSocket } from 'ws';
import {
  type AnalyzerUnderTest,
  corpus,
  eventually,
  openPair,
  Peer,
  replay,
  rmPath,
  startAnalyzer,
} from './analyzer.test-util';

/* The JSON API (README "API"): history queries, paging, export, analyze, import, problem+json, the bearer token. */

const byName = Object.fromEntries(corpus().map((entry) => [entry.name, entry.text]));
const TOKEN = 'a-token-of-at-least-16-characters';

interface SessionView {
  id: string;
  rmId: string;
  cemId: string;
  verdict: string;
  errors: number;
  endedAt: string | null;
  state: { phase: string; activeControlType: string; summary: { frames: number } };
}

describe('API', () => {
  let analyzer: AnalyzerUnderTest;
  const ids: Record<string, string> = {};
  const startedBetween: Record<string, [number, number]> = {};
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await analyzer.app.fetch(path, init);
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    analyzer = await startAnalyzer();
    for (const name of ['valid-frbc', 'rule-S2-SEM-REF', 'wire-oddities']) {
      const before = Date.now();
      const pair = await openPair(analyzer.wsUrl, `api-rm-${name}`, name === 'valid-frbc' ? 'api-cem-a' : 'api-cem-b');
      await replay(pair, byName[name] ?? '');
      await pair.rm.close();
      ids[name] = await eventually(async () => {
        const { sessions } = await json<{ sessions: SessionView[] }>(`/api/sessions?rm=api-rm-${name}`);
        return sessions[0]?.endedAt ? sessions[0].id : undefined;
      });
      startedBetween[name] = [before, Date.now()];
    }
    await analyzer.analyzer.settled();
  });
  afterAll(() => analyzer.app.stop());

  it('GET /api/sessions filters by rm, cem, from, to and hasErrors, newest first, paged with a cursor', async () => {
    const list = async (query: string) =>
      (await json<{ sessions: SessionView[]; next: string | null }>(`/api/sessions?${query}`)).sessions.map(
        (s) => s.id,
      );
    expect(await list('cem=api-cem-b')).toEqual([ids['wire-oddities'], ids['rule-S2-SEM-REF']]);
    expect(await list('cem=api-cem-a')).toEqual([ids['valid-frbc']]);
    expect(await list('rm=api-rm-valid-frbc&cem=api-cem-b')).toEqual([]);
    expect(await list('hasErrors=false')).toEqual([ids['valid-frbc']]);
    expect(await list('hasErrors=true')).toEqual([ids['wire-oddities'], ids['rule-S2-SEM-REF']]);
    const [from] = startedBetween['rule-S2-SEM-REF'] as [number, number];
    expect(await list(`from=${new Date(from).toISOString()}`)).toEqual([ids['wire-oddities'], ids['rule-S2-SEM-REF']]);
    expect(await list(`to=${from}`)).toEqual([ids['valid-frbc']]);
    const first = await json<{ sessions: SessionView[]; next: string }>('/api/sessions?limit=2');
    expect(first.sessions).toHaveLength(2);
    const second = await json<{ sessions: SessionView[]; next: string | null }>(
      `/api/sessions?limit=2&cursor=${encodeURIComponent(first.next)}`,
    );
    expect(second.sessions.map((s) => s.id)).toEqual([ids['valid-frbc']]);
    expect(second.next).toBeNull();
  });

  it('GET /api/sessions/:id gives the summary and the readable state (§8)', async () => {
    const session = await json<SessionView>(`/api/sessions/${ids['valid-frbc']}`);
    expect(session).toMatchObject({ rmId: 'api-rm-valid-frbc', cemId: 'api-cem-a', verdict: 'valid', errors: 0 });
    expect(session.state).toMatchObject({ phase: 'ended', activeControlType: 'FILL_RATE_BASED_CONTROL' });
    expect(session.state.summary.frames).toBeGreaterThan(30);
  });

  it('GET /api/sessions/:id/frames pages by seq and filters by type, direction and hasFinding', async () => {
    type Page = {
      frames: Array<{ seq: number; direction: string; messageType: string | null; findings: unknown[] }>;
      next: string | null;
    };
    const id = ids['valid-frbc'];
    const page1 = await json<Page>(`/api/sessions/${id}/frames?limit=5`);
    expect(page1.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    const page2 = await json<Page>(`/api/sessions/${id}/frames?limit=5&after=${page1.next}`);
    expect(page2.frames.map((f) => f.seq)).toEqual([6, 7, 8, 9, 10]);
    const handshakes = await json<Page>(`/api/sessions/${id}/frames?type=Handshake`);
    expect(handshakes.frames.map((f) => [f.seq, f.direction])).toEqual([
      [1, 'rm->cem'],
      [3, 'cem->rm'],
    ]);
    const fromCem = await json<Page>(`/api/sessions/${id}/frames?direction=cem->rm&limit=1000`);
    expect(fromCem.frames.every((f) => f.direction === 'cem->rm')).toBe(true);
    const flagged = await json<Page>(`/api/sessions/${ids['rule-S2-SEM-REF']}/frames?hasFinding=true`);
    expect(flagged.frames.map((f) => [f.messageType, f.findings])).toEqual([
      ['FRBC.Instruction', [expect.objectContaining({ rule: 'S2-SEM-REF', path: '/actuator_id' })]],
    ]);
  });

  it('GET /api/sessions/:id/findings; export.jsonl?raw=always gives every frame byte-exact', async () => {
    const { findings } = await json<{ findings: Array<{ rule: string }> }>(
      `/api/sessions/${ids['rule-S2-SEM-REF']}/findings`,
    );
    expect(findings.map((f) => f.rule)).toEqual(['S2-SEM-REF']);
    const response = await analyzer.app.fetch(`/api/sessions/${ids['wire-oddities']}/export.jsonl?raw=always`);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const exported = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const original = (byName['wire-oddities'] ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      exported.map((line) => [line['seq'], line['t'] !== undefined, line['direction'], line['raw'], line['encoding']]),
    ).toEqual(
      original.map((line) => [
        line['seq'],
        true,
        line['direction'],
        typeof line['raw'] === 'string' ? line['raw'] : JSON.stringify(line['message']),
        line['encoding'],
      ]),
    );
  });

  it('POST /api/analyze: JSONL text or a JSON array in, findings and final state out; options from the query', async () => {
    const text = byName['rule-S2-UUID'] ?? '';
    const asText = await json<{ verdict: string; findings: Array<{ rule: string }>; state: { phase: string } }>(
      '/api/analyze',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text },
    );
    expect(asText).toMatchObject({ verdict: 'valid', state: { phase: 'ended' } });
    expect(asText.findings.map((f) => f.rule)).toEqual(['S2-UUID']);
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const asArray = await json<{ findings: unknown[] }>('/api/analyze?strictUuid=false', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(lines),
    });
    expect(asArray.findings).toEqual([]);
    const late = await json<{ findings: Array<{ rule: string }> }>('/api/analyze?rsTimeoutMs=600000', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: byName['rule-S2-RS-LATE'],
    });
    expect(late.findings).toEqual([]);
  });

  it('answers problem+json: a transcript it cannot import (with the line), bad parameters, unknown sessions', async () => {
    const bad = await analyzer.app.fetch('/api/analyze', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"t":5,"direction":"rm->cem","raw":"a"}\n{"t":4,"direction":"rm->cem","raw":"b"}\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await bad.json()).toMatchObject({ title: 'Not a usable transcript', line: 2 });
    const param = await analyzer.app.fetch('/api/sessions?hasErrors=maybe');
    expect(param.status).toBe(400);
    expect(await param.json()).toMatchObject({
      detail: "query parameter 'hasErrors' must be true or false, not 'maybe'",
    });
    expect((await analyzer.app.fetch('/api/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await analyzer.app.fetch('/api/sessions/not-an-id/frames')).status).toBe(404);
  });

  it('POST /api/sessions/import stores a transcript as a session with its findings; nothing is forwarded', async () => {
    const response = await analyzer.app.fetch('/api/sessions/import?rmId=imported-rm-1&cemId=imported-cem-1', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: byName['rule-S2-RS-LATE'],
    });
    expect(response.status).toBe(201);
    const session = (await response.json()) as SessionView & { origin: string; warnings: number };
    expect(session).toMatchObject({ rmId: 'imported-rm-1', origin: 'import', verdict: 'valid', warnings: 1 });
    expect(response.headers.get('location')).toBe(`/api/sessions/${session.id}`);
    const { findings } = await json<{ findings: Array<{ rule: string }> }>(`/api/sessions/${session.id}/findings`);
    expect(findings.map((f) => f.rule)).toEqual(['S2-RS-LATE']);
    const exported = await (await analyzer.app.fetch(`/api/sessions/${session.id}/export.jsonl`)).text();
    expect(exported).toBe(byName['rule-S2-RS-LATE']);
  });
});

describe('API with a bearer token', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer({ apiToken: TOKEN });
  });
  afterAll(() => analyzer.app.stop());

  it('refuses the API, the live stream and the RM/CEM endpoints without the token (401), and takes it as a header or access_token', async () => {
    const refused = await analyzer.app.fetch('/api/sessions');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await analyzer.app.fetch('/api/sessions', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
      200,
    );
    expect((await analyzer.app.fetch('/api/sessions', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
    const upgrade = (path: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${analyzer.wsUrl}${path}`, { headers });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => {
          resolve(101);
          socket.close();
        });
      });
    expect(await upgrade('/api/live')).toBe(401);
    expect(await upgrade(`/api/live?access_token=${TOKEN}`)).toBe(101);
    expect(await upgrade(rmPath('r', 'c'))).toBe(401);
    const rm = await Peer.open(`${analyzer.wsUrl}${rmPath('r', 'c')}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await rm.close();
    expect((await analyzer.app.fetch('/livez')).status).toBe(200);
  });
});

describe('live stream', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer({ rsTimeoutMs: 300 });
  });
  afterAll(() => analyzer.app.stop());

  const listen = async (query = '') => {
    const socket = new WebSocket(`${analyzer.wsUrl}/api/live${query}`);
    const events: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
    await once(socket, 'open');
    return { socket, events };
  };

  it('without ?session streams every session: starts, frames with findings, overdue answers, ends with S2-RS-MISSING', async () => {
    const all = await listen();
    const pair = await openPair(analyzer.wsUrl, 'live-rm', 'live-cem');
    await replay(pair, byName['rule-S2-RS-MISSING'] ?? '');
    const lastSeq = (byName['rule-S2-RS-MISSING'] ?? '').trim().split('\n').length;
    await eventually(async () => (all.events.some((e) => e['type'] === 'overdue') ? true : undefined));
    await pair.rm.close();
    await eventually(async () => (all.events.some((e) => e['type'] === 'session.ended') ? true : undefined));
    const types = all.events.map((e) => e['type']);
    expect(types[0]).toBe('session.started');
    expect(types.filter((t) => t === 'frame')).toHaveLength(lastSeq);
    const overdue = all.events.find((e) => e['type'] === 'overdue') as { pending: { seq: number; overdue: boolean } };
    expect(overdue.pending).toMatchObject({ seq: lastSeq, overdue: true });
    const ended = all.events.find((e) => e['type'] === 'session.ended') as {
      findings: Array<{ rule: string; seq: number }>;
    };
    expect(ended.findings).toEqual([expect.objectContaining({ rule: 'S2-RS-MISSING', seq: lastSeq })]);
    all.socket.close();
  });

  it('with ?session streams that session only', async () => {
    const first = await openPair(analyzer.wsUrl, 'live-one', 'live-cem');
    first.rm.socket.send('{"x":1}');
    await first.cem.until(1);
    const id = await eventually(async () => {
      const listed = (await (await analyzer.app.fetch('/api/sessions?rm=live-one')).json()) as {
        sessions: SessionView[];
      };
      return listed.sessions[0]?.id;
    });
    const one = await listen(`?session=${id}`);
    const other = await openPair(analyzer.wsUrl, 'live-other', 'live-cem-2');
    other.rm.socket.send('{"other":1}');
    await other.cem.until(1);
    first.rm.socket.send('not json');
    await eventually(async () => (one.events.length > 0 ? true : undefined));
    expect(one.events).toEqual([
      expect.objectContaining({
        type: 'frame',
        sessionId: id,
        seq: 2,
        raw: 'not json',
        findings: [expect.objectContaining({ rule: 'S2-JSON' })],
      }),
    ]);
    one.socket.close();
    await Promise.all([first.rm.close(), other.rm.close()]);
  });
});
