import { once } from 'node:events';
import { WebSocket } from 'ws';
import { type RunningService, startService } from './test-service.test-util';

function connect(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return once(socket, 'open').then(() => socket);
}

/** Resolves with the close code the client saw. */
function closed(socket: WebSocket): Promise<number> {
  return once(socket, 'close').then(([code]) => code as number);
}

describe('websocket endpoints', () => {
  let running: RunningService;
  let wsUrl: string;

  beforeEach(async () => {
    running = await startService((service) => {
      service.websocket(
        '/pm/ws',
        (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
        { maxPayloadBytes: 1024 },
      );
      service.websocket('/s2/ws', (socket) => socket.send('s2'));
      service.websocket('/backend/rm/:rmId/cem/:cemId/ws', (socket, request) => socket.send(request.url ?? ''), {
        verify: (request) =>
          request.headers.authorization === 'Bearer good'
            ? undefined
            : { status: 401, detail: 'bearer token required' },
      });
    });
    wsUrl = running.url.replace(/^http/, 'ws');
  });

  afterEach(() => running.service.shutdown('test done'));

  it('routes each path to its own handler on the one HTTP server', async () => {
    const pm = await connect(`${wsUrl}/pm/ws?agent=a1`);
    pm.send('bid');
    const [echo] = await once(pm, 'message');
    expect(String(echo)).toBe('bid');

    const s2 = new WebSocket(`${wsUrl}/s2/ws`);
    const [greeting] = await once(s2, 'message');
    expect(String(greeting)).toBe('s2');
    pm.close();
    s2.close();
  });

  it('matches :name segments of a path pattern, and refuses what verify refuses before the upgrade', async () => {
    const socket = new WebSocket(`${wsUrl}/backend/rm/r1/cem/c1/ws?x=1`, { headers: { authorization: 'Bearer good' } });
    const [url] = await once(socket, 'message');
    expect(String(url)).toBe('/backend/rm/r1/cem/c1/ws?x=1');
    socket.close();
    const refused = new WebSocket(`${wsUrl}/backend/rm/r1/cem/c1/ws`, { headers: { authorization: 'Bearer bad' } });
    const [, response] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
    const unknown = new WebSocket(`${wsUrl}/backend/rm/r1/cem//ws`);
    const [, missing] = (await once(unknown, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(missing.statusCode).toBe(404);
  });

  it('refuses an upgrade on an unknown path with 404 problem+json', async () => {
    const socket = new WebSocket(`${wsUrl}/nowhere`);
    const [, response] = await once(socket, 'unexpected-response');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    response.destroy();
  });

  it('closes with 1009 when a message exceeds maxPayloadBytes', async () => {
    const socket = await connect(`${wsUrl}/pm/ws`);
    const code = closed(socket);
    socket.send('x'.repeat(2048));
    expect(await code).toBe(1009);
  });

  it('closes open sockets with 1001 at shutdown and counts them in the meantime', async () => {
    const sockets = await Promise.all([connect(`${wsUrl}/pm/ws`), connect(`${wsUrl}/s2/ws`)]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('websocket_connections{path="/pm/ws",service="test-service"} 1');

    const codes = Promise.all(sockets.map(closed));
    expect(await running.service.shutdown('test')).toBe('completed');
    expect(await codes).toEqual([1001, 1001]);
  });
});
