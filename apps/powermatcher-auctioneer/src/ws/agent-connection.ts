import {
  type AcceptedBid,
  checkInboundFrame,
  type CloseInstruction,
  closeReason,
  clusterInfoSent,
  type Dialect,
  encodeMessage,
  type InboundConnection,
  type InboundLimits,
  type MarketBasis,
  openInboundConnection,
  type PowerMatcherErrorCode,
  recordErrorSent,
  SEND_BUFFER_OVERFLOW,
} from '@flexgrid/protocol-powermatcher';
import type { WebSocket } from 'ws';
import { errorFrame } from '../errors';

/** §7.7: outbound messages queue per connection up to this; beyond it the connection is closed 1008. */
export const SEND_BUFFER_LIMIT_BYTES = 1024 * 1024;
/** §7.7: a close handshake that does not finish within this is cut off. */
export const CLOSE_GRACE_MS = 5_000;

/** Closes with the code and a reason of at most 123 bytes, and terminates if the peer does not answer. */
export function closeSocket(socket: WebSocket, close: CloseInstruction): void {
  if (socket.readyState === socket.CLOSED) return;
  if (socket.readyState === socket.CLOSING) return;
  const cutOff = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  cutOff.unref();
  socket.once('close', () => clearTimeout(cutOff));
  socket.close(close.code, closeReason(close.reason));
}

/**
 * One accepted agent connection (either dialect): its inbound state of §7.6 (token bucket, error budget,
 * the cluster info sent), liveness (§7.7) and a bounded send buffer. Frames are handled strictly in order, as
 * `ws` delivers them.
 */
export class AgentConnection {
  private inbound: InboundConnection;
  /** Last time anything (a frame or a pong) arrived, for the liveness sweep. */
  lastHeard: number;
  closing = false;

  constructor(
    readonly socket: WebSocket,
    readonly agentId: string,
    readonly parentId: string,
    readonly dialect: Dialect,
    readonly connectedAt: number,
    private readonly limits: InboundLimits,
    /** The server closes this connection (a close frame is on its way): its session ends now, not at the TCP close. */
    private readonly ended: (connection: AgentConnection) => void,
  ) {
    this.inbound = openInboundConnection(connectedAt, limits);
    this.lastHeard = connectedAt;
  }

  /** §7.6 checks 1–10 on one frame: the accepted bid, or null after the ERROR (and a close) went out. */
  checkFrame(frame: string | Uint8Array, now: number): { accepted: AcceptedBid } | { rejected: PowerMatcherErrorCode } {
    const { connection, outcome } = checkInboundFrame(this.inbound, frame, now, this.limits);
    this.inbound = connection;
    if ('accepted' in outcome) return { accepted: outcome.accepted };
    this.send(errorFrame(outcome.error.code as PowerMatcherErrorCode, outcome.error.message, outcome.error.bidNumber));
    if (outcome.close) this.close(outcome.close);
    return { rejected: outcome.error.code as PowerMatcherErrorCode };
  }

  sendClusterInfo(clusterId: string, marketBasis: MarketBasis): void {
    this.inbound = clusterInfoSent(this.inbound, { clusterId, marketBasis });
    this.send(encodeMessage({ payloadType: 'CLUSTERINFO', payload: { marketBasis, clusterId } }));
  }

  /** A PRICE_UPDATE encoded for this agent (`priceUpdateFrames`). */
  sendPrice(frame: string): void {
    this.send(frame);
  }

  /** An ERROR for a reason other than the frame checks (a model rejection); it counts against the budget. */
  sendError(code: PowerMatcherErrorCode, message: string, bidNumber: number | null, now: number): void {
    this.send(errorFrame(code, message, bidNumber));
    const counted = recordErrorSent(this.inbound, now, this.limits);
    this.inbound = counted.connection;
    if (counted.close) this.close(counted.close);
  }

  close(close: CloseInstruction): void {
    if (this.closing) return;
    this.closing = true;
    closeSocket(this.socket, close);
    this.ended(this);
  }

  /** Sends unless the connection is closing; a peer that does not read is closed rather than buffered. */
  private send(frame: string): void {
    if (this.closing || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount + frame.length > SEND_BUFFER_LIMIT_BYTES) {
      this.close(SEND_BUFFER_OVERFLOW);
      return;
    }
    this.socket.send(frame);
  }
}
