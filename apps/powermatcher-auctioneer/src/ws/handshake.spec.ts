import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { type AuctioneerUnderTest, endpoint19, endpoint21, RawAgent, startAuctioneer } from '../auctioneer.test-util';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

describe('handshake checks and refusals, in order (PM-WS-2, PM-WS-3)', () => {
  let pm: AuctioneerUnderTest;
  beforeAll(async () => {
    pm = await startAuctioneer({
      PM_AGENT_AUTH: 'token',
      PM_AGENT_TOKENS: JSON.stringify({
        'pv-1': sha256('pv-1-secret'),
        'ev-*': sha256('ev-fleet'),
        'ev-9': sha256('ev-9-own'),
      }),
      PM_MAX_CONNECTIONS: '3',
      PM_CONCENTRATORS: JSON.stringify([{ id: 'street', parentId: 'auctioneer' }]),
    });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A refused connection: one ERROR message, then the close with the code and the message as reason. */
  async function refusal(url: string, headers?: Record<string, string>) {
    const agent = await RawAgent.connect(url, { headers });
    const [error, close] = await Promise.all([agent.message(0), agent.closed]);
    return { error: JSON.parse(error) as { payloadType: string; payload: unknown }, close };
  }

  it('PM-WS-2 check 1: above PM_MAX_CONNECTIONS the upgrade is answered 503 and never opened', async () => {
    const open = await Promise.all(
      ['ev-1', 'ev-2', 'ev-3'].map((id) => RawAgent.connect(endpoint21(pm.wsUrl, id), { headers: bearer('ev-fleet') })),
    );
    await Promise.all(open.map((agent) => agent.message(0)));
    const socket = new WebSocket(endpoint21(pm.wsUrl, 'ev-4'), { headers: bearer('ev-fleet') });
    socket.on('error', () => undefined);
    const [, response] = (await once(socket, 'unexpected-response')) as [unknown, IncomingMessage];
    expect(response.statusCode).toBe(503);
    response.destroy();
    for (const agent of open) agent.close();
    await Promise.all(open.map((agent) => agent.closed));
  });

  it.each([
    ['agentId missing', `/powermatcher/websocket`, 'agentId is missing from querystring'],
    ['agentId empty', `/powermatcher/websocket?agentId=`, 'agentId is missing from querystring'],
    ['agentId twice', `/powermatcher/websocket?agentId=a&agentId=b`, 'agentId is given more than once'],
    ['agentId of a bad syntax', `/powermatcher/websocket?agentId=a%20b`, 'agentId is not a valid id'],
    [
      'desiredConnectionId missing on 1.9',
      `/powermatcher/websockets/agentendpoint?agentId=pv-1`,
      'desiredConnectionId is missing from querystring',
    ],
  ])('PM-WS-2 check 2 (4400 INVALID_PARAMETER): %s', async (_, path, message) => {
    const { error, close } = await refusal(`${pm.wsUrl}${path}`, bearer('pv-1-secret'));
    expect(error).toEqual({ payloadType: 'ERROR', payload: { code: 'INVALID_PARAMETER', message } });
    expect(close).toEqual({ code: 4400, reason: message });
  });

  it('PM-WS-3 check 3: no token or an unknown one is 4401, a token of another agent 4403', async () => {
    const missing = await refusal(endpoint21(pm.wsUrl, 'pv-1'));
    expect(missing.error.payload).toEqual({ code: 'UNAUTHORIZED', message: 'Missing or invalid token' });
    expect(missing.close).toEqual({ code: 4401, reason: 'Missing or invalid token' });
    const unknown = await refusal(endpoint21(pm.wsUrl, 'pv-1'), bearer('guess'));
    expect(unknown.close.code).toBe(4401);
    const other = await refusal(endpoint21(pm.wsUrl, 'pv-1'), bearer('ev-fleet'));
    expect(other.error.payload).toEqual({ code: 'FORBIDDEN', message: 'Token not valid for agent [pv-1]' });
    expect(other.close).toEqual({ code: 4403, reason: 'Token not valid for agent [pv-1]' });
    // The most specific key wins: ev-9 has its own token, the fleet's is not valid for it.
    expect((await refusal(endpoint21(pm.wsUrl, 'ev-9'), bearer('ev-fleet'))).close.code).toBe(4403);
  });

  it('PM-WS-3: a prefix token, an own token and the access_token query form are accepted', async () => {
    const fleet = await RawAgent.connect(endpoint21(pm.wsUrl, 'ev-77'), { headers: bearer('ev-fleet') });
    const own = await RawAgent.connect(endpoint21(pm.wsUrl, 'ev-9'), { headers: bearer('ev-9-own') });
    const query = await RawAgent.connect(`${endpoint19(pm.wsUrl, 'pv-1', 'street')}&access_token=pv-1-secret`);
    for (const agent of [fleet, own, query]) expect(JSON.parse(await agent.message(0)).payloadType).toBe('CLUSTERINFO');
    for (const agent of [fleet, own, query]) agent.close();
    await Promise.all([fleet.closed, own.closed, query.closed]);
  });

  it('PM-WS-2 check 4 (4404 UNKNOWN_PARENT): the 1.9 parent must be a registered matcher', async () => {
    const { error, close } = await refusal(endpoint19(pm.wsUrl, 'pv-1', 'nowhere'), bearer('pv-1-secret'));
    expect(error.payload).toEqual({ code: 'UNKNOWN_PARENT', message: 'Desired parent [nowhere] does not exist' });
    expect(close).toEqual({ code: 4404, reason: 'Desired parent [nowhere] does not exist' });
    // An agent is not a matcher either.
    expect((await refusal(endpoint19(pm.wsUrl, 'pv-1', 'ev-1'), bearer('pv-1-secret'))).close.code).toBe(4404);
  });

  it('PM-WS-2 check 5 (4409 DUPLICATE_AGENT): the first connection wins', async () => {
    const first = await RawAgent.connect(endpoint21(pm.wsUrl, 'ev-5'), { headers: bearer('ev-fleet') });
    await first.message(0);
    const second = await refusal(endpoint19(pm.wsUrl, 'ev-5'), bearer('ev-fleet'));
    expect(second.error.payload).toEqual({
      code: 'DUPLICATE_AGENT',
      message: 'An agent with id [ev-5] was already connected',
    });
    expect(second.close.code).toBe(4409);
    first.close();
    await first.closed;
  });

  it('PM-WS-2: checks run in order: a bad id is reported before a missing token, a token before the parent', async () => {
    expect((await refusal(`${pm.wsUrl}/powermatcher/websocket`)).close.code).toBe(4400);
    expect((await refusal(endpoint19(pm.wsUrl, 'pv-1', 'nowhere'))).close.code).toBe(4401);
  });
});

describe("a remote concentrator's subtree report (PM-WS-3 on PUT /api/concentrators/:id/tree)", () => {
  let pm: AuctioneerUnderTest;
  beforeAll(async () => {
    pm = await startAuctioneer({
      PM_AGENT_AUTH: 'token',
      PM_AGENT_TOKENS: JSON.stringify({ 'station-*': sha256('stations'), 'pv-1': sha256('pv-1-secret') }),
    });
  });
  afterEach(() => RawAgent.closeAll());
  afterAll(() => pm.app.stop());

  const report = (id: string, body: unknown, token?: string) =>
    pm.app.fetch(`/api/concentrators/${id}/tree`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const subtree = {
    matchers: [{ id: 'station-1', parentId: null, connected: true, children: ['ev-1'] }],
    agents: [{ agentId: 'ev-1', parentId: 'station-1', dialect: '1.9', connected: true }],
  };

  it('is taken only with the agent token of the connected concentrator it names, and only well formed', async () => {
    expect((await report('station-1', subtree, 'stations')).status).toBe(409);
    const station = await RawAgent.connect(endpoint21(pm.wsUrl, 'station-1'), {
      headers: { authorization: 'Bearer stations' },
    });
    await station.message(0);
    expect((await report('station-1', subtree)).status).toBe(401);
    expect((await report('station-1', subtree, 'pv-1-secret')).status).toBe(403);
    const malformed = await report('station-1', { matchers: [{ id: 7 }], agents: [] }, 'stations');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await report('station-1', subtree, 'stations')).status).toBe(204);

    const cluster = (await (await pm.app.fetch('/api/clusters/demo')).json()) as { matchers: unknown[] };
    expect(cluster.matchers).toContainEqual({
      id: 'station-1',
      kind: 'concentrator',
      parentId: 'auctioneer',
      connected: true,
      children: ['ev-1'],
      remote: true,
    });
    const agents = (await (await pm.app.fetch('/api/agents')).json()) as { agentId: string; parentId: string }[];
    expect(agents.find((a) => a.agentId === 'ev-1')).toMatchObject({ parentId: 'station-1', dialect: '1.9' });

    // The report lives as long as the concentrator's connection.
    station.close();
    await station.closed;
    const after = (await (await pm.app.fetch('/api/clusters/demo')).json()) as { matchers: { id: string }[] };
    expect(after.matchers.map((m) => m.id)).not.toContain('station-1');
  });
});
