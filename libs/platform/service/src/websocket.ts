import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type PerMessageDeflateOptions, type WebSocket, WebSocketServer } from 'ws';
import type { TrafficMetrics } from './metrics';
import { problemContentType, problemOf } from './problem';

/** Called once per accepted connection; `request` is the upgrade request (headers, URL, peer). */
export type WebSocketHandler = (socket: WebSocket, request: IncomingMessage) => void;

export interface WebSocketEndpointOptions {
  /** Largest message accepted; a bigger one closes the connection with 1009 (message too big). Default 1 MiB. */
  maxPayloadBytes?: number;
  /**
   * Negotiate permessage-deflate (RFC 7692) when the client offers it: true, or ws's options (say, no context
   * takeover and a threshold, so that small messages are not compressed at all). Default off.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * Checked before the upgrade: a refusal is answered as plain HTTP problem+json with its status (401 for a
   * missing token, say), since no websocket exists yet to carry a close code.
   */
  verify?: (request: IncomingMessage) => { status: number; detail: string } | undefined;
  /** The close frame the service's shutdown sends on this endpoint's sockets, when the protocol names its own. */
  shutdownClose?: { code: number; reason: string };
}

/** A path with `:name` segments (`/backend/rm/:rmId/ws`) matches any one non-empty segment in their place. */
function pathPattern(path: string): RegExp | undefined {
  if (!path.includes('/:')) return undefined;
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

const defaultMaxPayloadBytes = 1024 * 1024;
const goingAway = { code: 1001, reason: 'server shutting down' };
const internalError = 1011;

/** Routes the HTTP server's upgrade requests to one ws endpoint per path and tracks their sockets. */
export class WebSocketEndpoints {
  private readonly endpoints = new Map<string, WebSocketServer>();
  private readonly patterns: Array<{ pattern: RegExp; path: string }> = [];
  private readonly verifiers = new Map<string, NonNullable<WebSocketEndpointOptions['verify']>>();
  private readonly shutdownCloses = new Map<WebSocketServer, { code: number; reason: string }>();
  private accepting = true;

  constructor(
    private readonly logger: Logger,
    private readonly metrics: TrafficMetrics,
  ) {}

  add(path: string, handler: WebSocketHandler, options: WebSocketEndpointOptions = {}): void {
    if (this.endpoints.has(path)) throw new Error(`a websocket endpoint is already registered at ${path}`);
    const endpoint = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? defaultMaxPayloadBytes,
      perMessageDeflate: options.perMessageDeflate ?? false,
    });
    const pattern = pathPattern(path);
    if (pattern) this.patterns.push({ pattern, path });
    if (options.verify) this.verifiers.set(path, options.verify);
    if (options.shutdownClose) this.shutdownCloses.set(endpoint, options.shutdownClose);
    endpoint.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      this.metrics.webSocketOpened(path);
      socket.once('close', () => this.metrics.webSocketClosed(path));
      // ws reports protocol violations (an oversized frame, a bad opcode) as 'error' and closes the socket
      // itself; an 'error' event nobody listens to would crash the process.
      socket.on('error', (error) => this.logger.warn({ path, err: error }, 'websocket protocol error'));
      try {
        handler(socket, request);
      } catch (error) {
        this.logger.error({ path, err: error }, 'websocket handler failed');
        socket.close(internalError, 'internal error');
      }
    });
    this.endpoints.set(path, endpoint);
  }

  /** Listener for the HTTP server's 'upgrade' event. */
  readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(request.url ?? '/', 'http://upgrade.invalid').pathname;
    const registered = this.endpoints.has(path) ? path : this.patterns.find(({ pattern }) => pattern.test(path))?.path;
    const endpoint = registered === undefined ? undefined : this.endpoints.get(registered);
    if (!this.accepting) return refuseUpgrade(socket, path, 503, 'the service is shutting down');
    if (!endpoint || registered === undefined)
      return refuseUpgrade(socket, path, 404, `no websocket endpoint at ${path}`);
    let refusal: { status: number; detail: string } | undefined;
    try {
      refusal = this.verifiers.get(registered)?.(request);
    } catch (error) {
      // This runs in the HTTP server's 'upgrade' listener, where a throw would take the process down.
      this.logger.error({ path, err: error }, 'websocket upgrade check failed');
      refusal = { status: 500, detail: 'the upgrade could not be checked' };
    }
    if (refusal) return refuseUpgrade(socket, path, refusal.status, refusal.detail);
    endpoint.handleUpgrade(request, socket, head, (webSocket) => endpoint.emit('connection', webSocket, request));
  };

  /**
   * Refuses new upgrades and closes every open socket with 1001 (going away). A peer that does not answer
   * the close handshake within `graceMs` is cut off.
   */
  async close(graceMs: number): Promise<void> {
    this.accepting = false;
    await Promise.all(
      [...this.endpoints.values()].flatMap((endpoint) => {
        const close = this.shutdownCloses.get(endpoint) ?? goingAway;
        return [...endpoint.clients].map((socket) => closeGoingAway(socket, close, graceMs));
      }),
    );
  }

  /** For a shutdown that ran out of time. */
  terminate(): void {
    for (const socket of this.openSockets()) socket.terminate();
  }

  private openSockets(): WebSocket[] {
    return [...this.endpoints.values()].flatMap((endpoint) => [...endpoint.clients]);
  }
}

function closeGoingAway(socket: WebSocket, close: { code: number; reason: string }, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) return resolve();
    const cutOff = setTimeout(() => socket.terminate(), graceMs);
    socket.once('close', () => {
      clearTimeout(cutOff);
      resolve();
    });
    socket.close(close.code, close.reason);
  });
}

/** Answers an upgrade with a plain HTTP problem response, as no websocket exists yet to carry it. */
function refuseUpgrade(socket: Duplex, path: string, status: number, detail: string): void {
  const problem = problemOf(status, detail);
  const body = JSON.stringify({ ...problem, instance: path });
  const head = [
    `HTTP/1.1 ${status} ${problem.title}`,
    'Connection: close',
    `Content-Type: ${problemContentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  socket.once('finish', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
