import { randomUUID } from 'node:crypto';
import type { Side } from '@flexgrid/protocol-s2';
import { type PerMessageDeflateOptions, WebSocket } from 'ws';
import type { PairRegistry } from './pairs';

/*
 * Dial mode (POST /api/connections): the analyzer connects out to a listening RM or CEM, as its peer would, and
 * the other side connects in on the drop-in URL. S2 Connect asks for wss with a bearer token and keep-alive pings
 * no more often than every 50 s (RULES §2.1). A connection redials with backoff after each close until it is
 * deleted; each connection is a new session.
 */

export interface DialTarget {
  /** The side being dialled. */
  side: Side;
  url: string;
  rmId: string;
  cemId: string;
  token?: string;
  /** PEM certificate(s) to trust for a wss peer with a private CA. */
  ca?: string;
}

export type DialStatus = 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface DialView {
  id: string;
  side: Side;
  url: string;
  rmId: string;
  cemId: string;
  status: DialStatus;
  attempts: number;
  sessionId: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

export interface DialOptions {
  pingIntervalMs: number;
  maxFrameBytes: number;
  /** What the analyzer offers the dialled peer: the relay's own permessage-deflate settings, or none. */
  perMessageDeflate: PerMessageDeflateOptions | false;
  handshakeTimeoutMs?: number;
  /** First redial delay, doubling to 60 s; reset after a connection that lasted a minute. */
  retryMs?: number;
}

export interface DialLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

class DialConnection {
  readonly id = randomUUID();
  status: DialStatus = 'connecting';
  attempts = 0;
  sessionId: string | null = null;
  lastError: string | null = null;
  nextAttemptAt: number | null = null;
  socket: WebSocket | undefined;
  timer: NodeJS.Timeout | undefined;
  pinger: NodeJS.Timeout | undefined;
  connectedAt = 0;

  constructor(readonly target: DialTarget) {}

  view(): DialView {
    const { side, url, rmId, cemId } = this.target;
    return {
      id: this.id,
      side,
      url,
      rmId,
      cemId,
      status: this.status,
      attempts: this.attempts,
      sessionId: this.sessionId,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt === null ? null : new Date(this.nextAttemptAt).toISOString(),
    };
  }
}

export class Dialer {
  private readonly connections = new Map<string, DialConnection>();

  constructor(
    private readonly registry: PairRegistry,
    private readonly options: DialOptions,
    private readonly log: DialLog,
  ) {}

  add(target: DialTarget): DialView {
    const connection = new DialConnection(target);
    this.connections.set(connection.id, connection);
    this.dial(connection);
    return connection.view();
  }

  list(): DialView[] {
    return [...this.connections.values()].map((connection) => connection.view());
  }

  get(id: string): DialView | undefined {
    return this.connections.get(id)?.view();
  }

  /** Stops redialling and closes the connection (its session ends); false for an unknown id. */
  remove(id: string): boolean {
    const connection = this.connections.get(id);
    if (!connection) return false;
    this.stop(connection);
    this.connections.delete(id);
    return true;
  }

  stopAll(): void {
    for (const connection of this.connections.values()) this.stop(connection);
  }

  private stop(connection: DialConnection): void {
    connection.status = 'stopped';
    clearTimeout(connection.timer);
    clearInterval(connection.pinger);
    connection.socket?.close(1001, 'dial connection removed');
  }

  private dial(connection: DialConnection): void {
    const { target } = connection;
    connection.status = 'connecting';
    connection.attempts += 1;
    connection.nextAttemptAt = null;
    const socket = new WebSocket(target.url, {
      headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      ca: target.ca,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      maxPayload: this.options.maxFrameBytes,
      perMessageDeflate: this.options.perMessageDeflate,
    });
    connection.socket = socket;
    socket.on('unexpected-response', (_request, response) => {
      connection.lastError = `refused: HTTP ${response.statusCode}`;
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error) => {
      connection.lastError ??= error.message;
      if (connection.status === 'connected') connection.lastError = error.message;
    });
    socket.once('open', () => {
      connection.status = 'connected';
      connection.lastError = null;
      connection.connectedAt = Date.now();
      const session = this.registry.connect(target.side, target.rmId, target.cemId, socket, 'dial');
      connection.sessionId = session.id;
      this.log.info({ dialId: connection.id, url: target.url, sessionId: session.id }, 'dialled peer connected');
      connection.pinger = setInterval(() => socket.ping(), this.options.pingIntervalMs);
    });
    socket.once('close', (code) => {
      clearInterval(connection.pinger);
      if (connection.status === 'stopped') return;
      if (connection.status === 'connected') connection.lastError = `closed (${code})`;
      const lasted = connection.status === 'connected' ? Date.now() - connection.connectedAt : 0;
      if (lasted > 60_000) connection.attempts = 0;
      const delayMs = Math.min((this.options.retryMs ?? 1000) * 2 ** Math.min(connection.attempts - 1, 6), 60_000);
      connection.status = 'waiting';
      connection.nextAttemptAt = Date.now() + delayMs;
      this.log.warn(
        { dialId: connection.id, url: target.url, lastError: connection.lastError, retryInMs: delayMs },
        'dialled peer not connected; dialling again',
      );
      connection.timer = setTimeout(() => this.dial(connection), delayMs);
    });
  }
}
