import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/*
 * How a simulated peer reaches the other side: it dials (ws or wss, with the S2 pairing token as a bearer
 * token), or it listens (an RM or CEM that waits to be dialled, as the analyzer's dial mode expects), refusing
 * a connection without the right token with 401 before the upgrade.
 */

export interface DialOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** PEM to trust for a wss peer with a private CA. */
  ca?: string | Buffer;
}

/**
 * Dials an S2 endpoint and hands the open socket to `connected` inside ws's 'open' event, before any frame can
 * be emitted. A frame may arrive with the upgrade response itself: the analyzer sends the frames it held for a
 * side the moment that side connects. Uncompressed, ws emits it on the next tick, before the continuation of an
 * `await` on the open socket could attach a listener, and it would be lost; a listener attached only after the
 * await worked by accident while every frame was compressed, as inflating takes longer.
 */
export async function dial<T>(url: string, options: DialOptions, connected: (socket: WebSocket) => T): Promise<T> {
  const socket = new WebSocket(url, {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ca: options.ca,
    perMessageDeflate: true,
  });
  return new Promise<T>((resolve, reject) => {
    socket.once('open', () => {
      try {
        resolve(connected(socket));
      } catch (error) {
        socket.terminate();
        reject(error);
      }
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`${url} refused the connection: HTTP ${response.statusCode}`)),
    );
  });
}

export interface ListenOptions {
  port: number;
  host?: string;
  /** Connections must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Serve wss with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface Listening {
  /** ws:// or wss:// URL of the endpoint. */
  url: string;
  close(): Promise<void>;
}

export async function listen(options: ListenOptions, onConnection: (socket: WebSocket) => void): Promise<Listening> {
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
    : createHttpServer();
  const sockets = new WebSocketServer({
    server,
    perMessageDeflate: true,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      if (!options.token) return done(true);
      const ok = info.req.headers.authorization === `Bearer ${options.token}`;
      done(ok, 401, 'a valid bearer token is required');
    },
  });
  sockets.on('connection', (socket) => onConnection(socket));
  server.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `${options.tls ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}/s2`,
    close: async () => {
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
