import type { IncomingMessage } from 'node:http';
import {
  AGENT_ENDPOINTS,
  type AgentAuth,
  checkHandshake,
  type Dialect,
  type Effect,
  HEARTBEAT_TIMEOUT,
  type InboundLimits,
  type MarketBasis,
  type PricePoint,
  priceUpdateFrames,
  refusalFrames,
  SHUTTING_DOWN,
} from '@flexgrid/protocol-powermatcher';
import type { Logger, Service } from '@flexgrid/platform-service';
import type { RawData, WebSocket } from 'ws';
import type { ClusterHost } from '../domain/cluster-host';
import type { AuctioneerMetrics } from '../metrics';
import { AgentConnection, closeSocket } from './agent-connection';

/** Connections checked and pinged per turn of the event loop. */
const LIVENESS_SLICE = 500;

export interface AgentEndpointSettings {
  readonly agentAuth: AgentAuth;
  readonly v21ParentId: string;
  readonly maxConnections: number;
  readonly maxFrameBytes: number;
  readonly pingIntervalMs: number;
  readonly livenessTimeoutMs: number;
  readonly inboundLimits: InboundLimits;
}

/** What else follows an agent's connection: the agents table and the live stream. */
export interface AgentObserver {
  connected(agentId: string, parentId: string, dialect: Dialect, at: Date): void;
  disconnected(agentId: string, at: Date): void;
}

/**
 * The two agent endpoints of SPEC §7.1 on the service's port: the §7.2 handshake (capacity as HTTP 503 before the
 * upgrade, then parameters, token, parent and duplicate, refused with one ERROR and a close), the §7.6 frame
 * checks per connection, delivery of the model's CLUSTERINFO, PRICE_UPDATE, ERROR and 4410 closes, and the §7.7
 * liveness sweep (ping every interval, 4408 after the timeout).
 */
export class AgentEndpoints {
  /** Accepted agents by id. */
  private readonly connections = new Map<string, AgentConnection>();
  /** Every socket this endpoint holds open, refused ones included until they close (§7.2 check 1). */
  private readonly sockets = new Set<WebSocket>();
  /** The point bid behind the bid being applied, for its Kafka record (§8.1 `pricePoints`). */
  private pointsInFlight: { agentId: string; bidNumber: number; points: readonly PricePoint[] } | null = null;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: ClusterHost,
    private readonly settings: AgentEndpointSettings,
    /** The cluster's market basis (every matcher of a cluster shares it), null while not connected. */
    private readonly marketBasis: () => MarketBasis | null,
    private readonly observer: AgentObserver,
    private readonly metrics: AuctioneerMetrics,
    private readonly logger: Logger,
  ) {}

  /** Registers both dialects' paths and starts the liveness sweep. */
  listen(service: Service): void {
    for (const dialect of Object.keys(AGENT_ENDPOINTS) as Dialect[]) {
      service.websocket(AGENT_ENDPOINTS[dialect], (socket, request) => this.accept(socket, request), {
        maxPayloadBytes: this.settings.maxFrameBytes,
        shutdownClose: SHUTTING_DOWN,
        verify: () =>
          this.sockets.size >= this.settings.maxConnections
            ? { status: 503, detail: 'The connection limit of this auctioneer is reached' }
            : undefined,
      });
    }
    this.sweep = setInterval(() => this.checkLiveness(), this.settings.pingIntervalMs);
    this.sweep.unref();
  }

  stop(): void {
    if (this.sweep) clearInterval(this.sweep);
    this.sweep = null;
  }

  /** How an accepted agent is connected, for the REST API and the live stream. */
  connectionOf(agentId: string): { dialect: Dialect; connectedAt: number; lastHeard: number } | undefined {
    const connection = this.connections.get(agentId);
    return connection
      ? { dialect: connection.dialect, connectedAt: connection.connectedAt, lastHeard: connection.lastHeard }
      : undefined;
  }

  get connectedCount(): number {
    return this.connections.size;
  }

  /** The price points of the bid now being applied, if it came as one (read by the recorder). */
  readonly pricePointsOf = (agentId: string, bidNumber: number): readonly PricePoint[] | undefined => {
    const inFlight = this.pointsInFlight;
    return inFlight && inFlight.agentId === agentId && inFlight.bidNumber === bidNumber ? inFlight.points : undefined;
  };

  /** Delivers the model's effects for remote agents (an effect listener). */
  readonly deliver = (effects: readonly Effect[]): void => {
    // A round prices every agent alike but for its bid number: the frame is encoded once per price.
    let frames: { price: number; of: (bidNumber: number) => string } | null = null;
    const priced = process.hrtime.bigint();
    let prices = 0;
    for (const effect of effects) {
      switch (effect.type) {
        case 'clusterInfo':
          if (effect.remote)
            this.connections.get(effect.agentId)?.sendClusterInfo(effect.clusterId, effect.marketBasis);
          break;
        case 'price': {
          if (!effect.remote) break;
          const connection = this.connections.get(effect.agentId);
          if (!connection) break;
          if (frames === null || !Object.is(frames.price, effect.price)) {
            const marketBasis = this.marketBasis();
            if (!marketBasis) break;
            frames = { price: effect.price, of: priceUpdateFrames(marketBasis, effect.price) };
          }
          connection.sendPrice(frames.of(effect.bidNumber));
          prices++;
          break;
        }
        case 'disconnect': {
          const connection = this.connections.get(effect.agentId);
          if (!connection) break;
          // The model has already forgotten the agent: the id is free for a new connection at once.
          this.forget(connection, effect.t);
          connection.close({ code: effect.code, reason: effect.reason });
          break;
        }
        case 'error':
          if (effect.level === 'error' && effect.agentId !== null) {
            this.connections.get(effect.agentId)?.sendError(effect.code, effect.message, effect.bidNumber, effect.t);
          }
          break;
        default:
          break;
      }
    }
    if (prices > 0) this.metrics.roundDuration.observe(Number(process.hrtime.bigint() - priced) / 1e9);
  };

  private accept(socket: WebSocket, request: IncomingMessage): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    const outcome = this.host.read((model) =>
      checkHandshake(
        { url: request.url ?? '/', authorization: request.headers.authorization ?? null },
        {
          // This socket is already counted; check 1 ran before the upgrade.
          connectionCount: 0,
          maxConnections: this.settings.maxConnections,
          auth: this.settings.agentAuth,
          v21ParentId: this.settings.v21ParentId,
          isMatcher: (id) => model.isMatcher(id),
          isTaken: (id) => model.isTaken(id),
        },
      ),
    );
    if (outcome.kind !== 'accept') {
      const refusal =
        outcome.kind === 'refuse'
          ? outcome
          : { code: 'INTERNAL_ERROR' as const, close: 1011, message: 'Not a PowerMatcher endpoint' };
      const frames = refusalFrames(refusal);
      this.logger.info({ code: refusal.code, close: refusal.close }, 'agent connection refused');
      socket.send(frames.error);
      closeSocket(socket, frames.close);
      return;
    }
    const now = this.host.now();
    const connection = new AgentConnection(
      socket,
      outcome.agentId,
      outcome.parentId,
      outcome.dialect,
      now,
      this.settings.inboundLimits,
      (closing) => this.release(closing),
    );
    this.connections.set(connection.agentId, connection);
    socket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
    socket.on('pong', () => (connection.lastHeard = this.host.now()));
    socket.once('close', () => this.release(connection));
    this.metrics.agentsConnected.set(this.connections.size);
    this.observer.connected(connection.agentId, connection.parentId, connection.dialect, new Date(now));
    // Checks 4 and 5 passed just now, in this same turn: the model accepts (CLUSTERINFO now or when the parent connects).
    this.host.apply((model) => model.connectAgent(connection.agentId, connection.parentId));
  }

  /**
   * Ends the session of a connection that closes (either side) unless it already ended: the bid leaves the
   * cluster and it is re-priced (§6.2 item 4). A server-side close may come from inside an effect delivery (a
   * send buffer overflow), so the model input waits until that delivery is over.
   */
  private release(connection: AgentConnection): void {
    if (this.connections.get(connection.agentId) !== connection) return;
    this.forget(connection, this.host.now());
    queueMicrotask(() => {
      try {
        this.host.apply((model) => model.disconnectAgent(connection.agentId));
      } catch (error) {
        this.logger.error({ err: error, agentId: connection.agentId }, 'disconnect failed');
      }
    });
  }

  private forget(connection: AgentConnection, at: number): void {
    this.connections.delete(connection.agentId);
    this.metrics.agentsConnected.set(this.connections.size);
    this.observer.disconnected(connection.agentId, new Date(at));
  }

  private receive(connection: AgentConnection, data: RawData, isBinary: boolean): void {
    const now = this.host.now();
    connection.lastHeard = now;
    if (connection.closing) return;
    const frame = isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString('utf8');
    const checked = connection.checkFrame(frame, now);
    if ('rejected' in checked) {
      this.metrics.bids.inc({ outcome: checked.rejected });
      return;
    }
    const bid = checked.accepted;
    this.pointsInFlight = bid.pricePoints
      ? { agentId: connection.agentId, bidNumber: bid.bidNumber, points: bid.pricePoints }
      : null;
    try {
      const effects = this.host.apply((model) => model.receiveBid(connection.agentId, bid));
      const rejected = effects.some((e) => e.type === 'error' && e.agentId === connection.agentId);
      this.metrics.bids.inc({ outcome: rejected ? 'rejected' : 'accepted' });
    } catch (error) {
      this.logger.error({ err: error, agentId: connection.agentId }, 'bid failed');
      connection.sendError('INTERNAL_ERROR', 'Internal error', bid.bidNumber, now);
    } finally {
      this.pointsInFlight = null;
    }
  }

  /**
   * §7.7: a ping to every connection; one silent for the liveness timeout is closed 4408 and its bid removed.
   * Pings go out in slices, one per turn of the event loop: a ping is a socket write, and ten thousand in one turn
   * would hold back a round due meanwhile by as long.
   */
  private checkLiveness(): void {
    const connections = [...this.connections.values()];
    const slice = (from: number): void => {
      if (this.sweep === null) return;
      const now = this.host.now();
      const to = Math.min(connections.length, from + LIVENESS_SLICE);
      for (let i = from; i < to; i++) {
        const connection = connections[i]!;
        if (connection.closing || this.connections.get(connection.agentId) !== connection) continue;
        if (now - connection.lastHeard >= this.settings.livenessTimeoutMs) {
          this.logger.info({ agentId: connection.agentId }, 'agent silent: heartbeat timeout');
          connection.close(HEARTBEAT_TIMEOUT);
        } else if (connection.socket.readyState === connection.socket.OPEN) {
          connection.socket.ping();
        }
      }
      if (to < connections.length) setImmediate(slice, to);
    };
    slice(0);
  }
}
