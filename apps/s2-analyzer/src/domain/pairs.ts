import type { Side } from '@flexgrid/protocol-s2';
import type { WebSocket } from 'ws';
import { RelaySession, type SessionLimits, type SessionObserver, type SessionOrigin } from './relay-session';

/*
 * The RM/CEM pairs the analyzer sits between (the drop-in URLs of the Python analyzer, many pairs at once). A
 * side connecting to a pair whose session waits for it joins that session; otherwise it starts a new one. A
 * second connection for a side that is already connected ends the old session on the record (both old sockets
 * closed, the session judged, RULES §12) and starts a new one: it never silently replaces a socket.
 */

export interface PairLog {
  info(fields: object, message: string): void;
}

/** Hears of every session: when it starts (before its first frame), each frame, and its end. */
export interface PairObserver extends SessionObserver {
  started(session: RelaySession): void;
}

export class PairRegistry {
  /** The current session of each pair, by `cemId` and `rmId`. */
  private readonly current = new Map<string, RelaySession>();
  private readonly live = new Map<string, RelaySession>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly observer: PairObserver,
    private readonly log: PairLog,
  ) {}

  connect(side: Side, rmId: string, cemId: string, socket: WebSocket, origin: SessionOrigin): RelaySession {
    const key = `${cemId}\u0000${rmId}`;
    let session = this.current.get(key);
    if (session && !session.ended && session.has(side)) {
      this.log.info(
        { sessionId: session.id, rmId, cemId, side },
        'a new connection replaces a connected side: its session ends, a new one starts',
      );
      session.end(`the ${side} connected again (a new session replaces this one)`);
    }
    if (!session || session.ended || session.has(side)) {
      session = new RelaySession(rmId, cemId, origin, this.limits, {
        frame: (s, frame) => this.observer.frame(s, frame),
        ended: (s) => {
          this.live.delete(s.id);
          if (this.current.get(key) === s) this.current.delete(key);
          this.observer.ended(s);
        },
      });
      this.current.set(key, session);
      this.live.set(session.id, session);
      this.observer.started(session);
    }
    session.attach(side, socket);
    return session;
  }

  /** A live session by id. */
  get(sessionId: string): RelaySession | undefined {
    return this.live.get(sessionId);
  }

  sessions(): RelaySession[] {
    return [...this.live.values()];
  }

  /** Ends every live session (analyzer shutdown: 1001, going away). */
  endAll(reason: string, code = 1001): void {
    for (const session of [...this.live.values()]) session.end(reason, code);
  }
}
