import { randomUUID } from 'node:crypto';
import type { Direction, Side } from '@flexgrid/protocol-s2';
import { type RawData, WebSocket } from 'ws';

/*
 * One S2 session as the man in the middle sees it (RULES.md §1, §7 P8, P9): two websockets, RM and CEM, and every
 * frame between them forwarded byte-exact the moment it arrives, before anything else happens to it. Analysis and
 * storage get the frame afterwards, through the observer, and never block forwarding.
 */

/** A frame as received: its place in the session, the exact bytes and whether it was a binary frame. */
export interface ObservedFrame {
  seq: number;
  /** Integer ms from session start (monotonic clock, floored; RULES §1). */
  t: number;
  direction: Direction;
  /** Wall-clock receipt time, epoch ms. */
  receivedAt: number;
  payload: Buffer;
  binary: boolean;
}

export type SessionOrigin = 'relay' | 'dial';

export interface SessionLimits {
  /** Bytes held for a side that has not connected yet; past it the session ends with 1013. */
  peerBufferBytes: number;
  /** Bytes handed to a socket and not yet written; past it the sender is paused until half of it drained. */
  sendBufferBytes: number;
}

export interface SessionObserver {
  /** Called after the frame was forwarded (or buffered for a peer that is not there yet). */
  frame(session: RelaySession, frame: ObservedFrame): void;
  /** Called once, when the session ended; `session.endReason` says why. */
  ended(session: RelaySession): void;
}

const directionFrom: Record<Side, Direction> = { RM: 'rm->cem', CEM: 'cem->rm' };
const other = (side: Side): Side => (side === 'RM' ? 'CEM' : 'RM');

/** RFC 6455 codes an endpoint may send; others (1005, 1006, 1015, unassigned) are replaced by 1000. */
function sendableCloseCode(code: number): number {
  if (code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014)) return code;
  return code >= 3000 && code <= 4999 ? code : 1000;
}

/** A close reason fits in a control frame: at most 123 bytes of UTF-8. */
function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

interface Waiting {
  frames: Array<{ payload: Buffer; binary: boolean }>;
  bytes: number;
}

export class RelaySession {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  endReason: string | undefined;
  private readonly clockStart = performance.now();
  private seq = 0;
  private readonly sockets: Partial<Record<Side, WebSocket>> = {};
  /** Frames for a side that has not connected yet, in order. */
  private readonly waiting: Record<Side, Waiting> = { RM: { frames: [], bytes: 0 }, CEM: { frames: [], bytes: 0 } };
  /** Bytes sent to each side and not yet written to its connection. */
  private readonly unwritten: Record<Side, number> = { RM: 0, CEM: 0 };
  /** Why reading from a side is paused; it reads again once no reason is left. */
  private readonly holds: Record<Side, Set<string>> = { RM: new Set(), CEM: new Set() };

  constructor(
    readonly rmId: string,
    readonly cemId: string,
    readonly origin: SessionOrigin,
    private readonly limits: SessionLimits,
    private readonly observer: SessionObserver,
  ) {}

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  get frames(): number {
    return this.seq;
  }

  has(side: Side): boolean {
    return this.sockets[side] !== undefined;
  }

  /** Connects a side's socket (already open): frames waiting for it go out first, in order. */
  attach(side: Side, socket: WebSocket): void {
    if (this.ended) {
      socket.close(1011, 'session already ended');
      return;
    }
    this.sockets[side] = socket;
    socket.on('message', (data, isBinary) => this.receive(side, bytesOf(data), isBinary));
    socket.once('close', (code: number, reason: Buffer) =>
      this.end(`${side} closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`, code),
    );
    if (this.holds[side].size > 0) socket.pause();
    const waiting = this.waiting[side];
    this.waiting[side] = { frames: [], bytes: 0 };
    for (const frame of waiting.frames) this.send(side, frame.payload, frame.binary);
  }

  /**
   * Ends the session: both sockets close (with the code that ended it, when one may send it) and the observer
   * hears of it once. `code` 1001 for an analyzer shutdown, 1000 for a replaced connection.
   */
  end(reason: string, code = 1000): void {
    if (this.ended) return;
    this.endReason = reason;
    for (const side of ['RM', 'CEM'] as const) {
      const socket = this.sockets[side];
      if (socket && socket.readyState !== WebSocket.CLOSED && socket.readyState !== WebSocket.CLOSING)
        socket.close(sendableCloseCode(code), closeReason(reason));
    }
    this.observer.ended(this);
  }

  /** Pauses reading from `side` for `reason` (backpressure) until `release` with the same reason. */
  hold(side: Side, reason: string): void {
    const holds = this.holds[side];
    if (holds.size === 0) this.sockets[side]?.pause();
    holds.add(reason);
  }

  release(side: Side, reason: string): void {
    const holds = this.holds[side];
    if (!holds.delete(reason) || holds.size > 0) return;
    this.sockets[side]?.resume();
  }

  /** Whether reading from `side` is paused, and why. */
  heldFor(side: Side): string[] {
    return [...this.holds[side]];
  }

  /** Milliseconds since the session started, as RULES §1 counts `t`. */
  now(): number {
    return Math.floor(performance.now() - this.clockStart);
  }

  private receive(from: Side, payload: Buffer, binary: boolean): void {
    if (this.ended) return;
    const to = other(from);
    // Forward first (P9): nothing below may delay or prevent this.
    const peer = this.sockets[to];
    if (peer) this.send(to, payload, binary);
    else if (!this.buffer(from, to, payload, binary)) return;
    const frame: ObservedFrame = {
      seq: ++this.seq,
      t: this.now(),
      direction: directionFrom[from],
      receivedAt: Date.now(),
      payload,
      binary,
    };
    this.observer.frame(this, frame);
  }

  /** Holds a frame for a side that is not connected yet; false (and the session ends) past the bound. */
  private buffer(from: Side, to: Side, payload: Buffer, binary: boolean): boolean {
    const waiting = this.waiting[to];
    if (waiting.bytes + payload.length > this.limits.peerBufferBytes) {
      this.end(
        `the ${to} did not connect: ${waiting.bytes + payload.length} bytes from the ${from} exceed the buffer of ${this.limits.peerBufferBytes}`,
        1013,
      );
      return false;
    }
    waiting.frames.push({ payload, binary });
    waiting.bytes += payload.length;
    return true;
  }

  private send(to: Side, payload: Buffer, binary: boolean): void {
    const socket = this.sockets[to];
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    this.unwritten[to] += payload.length;
    if (this.unwritten[to] > this.limits.sendBufferBytes) this.hold(other(to), `${to} is not reading`);
    socket.send(payload, { binary }, () => {
      this.unwritten[to] -= payload.length;
      if (this.unwritten[to] <= this.limits.sendBufferBytes / 2) this.release(other(to), `${to} is not reading`);
    });
  }
}
