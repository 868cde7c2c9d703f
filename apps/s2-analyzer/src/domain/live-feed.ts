import type { PendingReceptionStatus } from '@flexgrid/protocol-s2';
import { WebSocket } from 'ws';
import { frameLine } from '../records';
import type { AnalysisSink, AnalyzedFrame, SessionEnd, SessionInfo } from './analysis';

/*
 * The live stream of `/api/live` (all sessions, or one with `?session=`): each frame with its findings as soon as
 * it is analysed, session starts and ends (with the S2-RS-MISSING findings of the end), and overdue
 * ReceptionStatus events (§7 P7). A subscriber that does not keep up is skipped rather than buffered without
 * bound: it gets a `dropped` event with the count before the next event it can take.
 */

const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

interface Subscriber {
  sessionId: string | undefined;
  dropped: number;
}

export type LiveEvent =
  | { type: 'session.started'; session: SessionInfo & { startedAt: number } }
  | ({ type: 'frame'; sessionId: string; receivedAt: string; messageType: string | null } & Record<string, unknown>)
  | { type: 'session.ended'; sessionId: string; endedAt: string; reason: string; findings: unknown[]; summary: unknown }
  | { type: 'overdue'; sessionId: string; pending: PendingReceptionStatus };

export class LiveFeed implements AnalysisSink {
  private readonly subscribers = new Map<WebSocket, Subscriber>();

  subscribe(socket: WebSocket, sessionId: string | undefined): void {
    this.subscribers.set(socket, { sessionId, dropped: 0 });
    socket.once('close', () => this.subscribers.delete(socket));
    // The stream is one-way; what a client sends is ignored.
  }

  get size(): number {
    return this.subscribers.size;
  }

  started(session: SessionInfo): void {
    this.send(session.id, { type: 'session.started', session });
  }

  analyzed({ session, frame, messageType, findings }: AnalyzedFrame): void {
    if (this.subscribers.size === 0) return;
    this.send(session.id, {
      type: 'frame',
      sessionId: session.id,
      ...frameLine(frame),
      receivedAt: new Date(frame.receivedAt).toISOString(),
      messageType,
      findings,
    });
  }

  ended({ session, endedAt, reason, findings, state }: SessionEnd): void {
    this.send(session.id, {
      type: 'session.ended',
      sessionId: session.id,
      endedAt: new Date(endedAt).toISOString(),
      reason,
      findings,
      summary: state.summary,
    });
  }

  overdue(session: SessionInfo, pending: PendingReceptionStatus): void {
    this.send(session.id, { type: 'overdue', sessionId: session.id, pending });
  }

  private send(sessionId: string, event: LiveEvent): void {
    let text: string | undefined;
    for (const [socket, subscriber] of this.subscribers) {
      if (subscriber.sessionId !== undefined && subscriber.sessionId !== sessionId) continue;
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        subscriber.dropped += 1;
        continue;
      }
      if (subscriber.dropped > 0) {
        socket.send(JSON.stringify({ type: 'dropped', count: subscriber.dropped }));
        subscriber.dropped = 0;
      }
      text ??= JSON.stringify(event);
      socket.send(text);
    }
  }
}
