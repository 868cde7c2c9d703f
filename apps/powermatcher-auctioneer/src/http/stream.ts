import type { EventStream } from '@flexgrid/platform-service';
import type { Effect } from '@flexgrid/protocol-powermatcher';
import type { Request, Response } from 'express';
import type { AgentView } from './views';

const AGENT_FLUSH_MS = 1_000;
/** Agent events per flush: beyond it the page re-reads `/api/agents` (it is told by `agentsChanged`). */
const MAX_AGENT_EVENTS = 200;

export interface PriceEvent {
  readonly round: number;
  readonly price: number;
  readonly priceIndex: number;
  readonly at: string;
}

export interface AggregateEvent {
  readonly matcherId: string;
  readonly run: number;
  readonly demand: readonly number[];
  readonly agentCount: number;
  readonly at: string;
}

/**
 * `GET /api/stream` (SPEC §8.3): server-sent events `price` (every round), `aggregate` (every matcher run) and
 * `agent` (an agent connected, bid, got a price or left; coalesced per second). A new client first gets the last
 * price and the auctioneer's current aggregate.
 */
export class LiveStream {
  private readonly clients = new Set<EventStream>();
  private readonly touched = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private lastPrice: PriceEvent | null = null;
  private readonly lastAggregate = new Map<string, AggregateEvent>();

  constructor(
    private readonly agentView: (agentId: string) => AgentView | null,
    private readonly agentCount: (matcherId: string) => number,
    private readonly auctioneerId: string | null,
    /** The platform's server-sent event stream (heartbeats, ended at shutdown). */
    private readonly open: (req: Request, res: Response) => EventStream,
  ) {}

  get price(): PriceEvent | null {
    return this.lastPrice;
  }

  readonly handler = (req: Request, res: Response): void => {
    const stream = this.open(req, res);
    if (this.lastPrice) stream.send(this.lastPrice, { event: 'price' });
    const aggregate = this.auctioneerId === null ? undefined : this.lastAggregate.get(this.auctioneerId);
    for (const snapshot of aggregate ? [aggregate] : this.lastAggregate.values()) {
      stream.send(snapshot, { event: 'aggregate' });
    }
    this.clients.add(stream);
    stream.onClose(() => this.clients.delete(stream));
  };

  readonly observe = (effects: readonly Effect[]): void => {
    for (const effect of effects) {
      switch (effect.type) {
        case 'round':
          this.lastPrice = {
            round: effect.round,
            price: effect.price,
            priceIndex: effect.priceIndex,
            at: new Date(effect.t).toISOString(),
          };
          this.broadcast('price', this.lastPrice);
          break;
        case 'aggregated': {
          const snapshot: AggregateEvent = {
            matcherId: effect.matcherId,
            run: effect.run,
            demand: effect.demand,
            agentCount: this.agentCount(effect.matcherId),
            at: new Date(effect.t).toISOString(),
          };
          this.lastAggregate.set(effect.matcherId, snapshot);
          this.broadcast('aggregate', snapshot);
          break;
        }
        case 'clusterInfo':
        case 'bidAccepted':
        case 'price':
        case 'disconnect':
          this.touch(effect.agentId);
          break;
        default:
          break;
      }
    }
  };

  /** An agent changed outside the model's effects (its connection closed). */
  touch(agentId: string): void {
    if (this.clients.size === 0) return;
    this.touched.add(agentId);
    this.flushTimer ??= setTimeout(() => this.flushAgents(), AGENT_FLUSH_MS);
  }

  /** What runs below a remote concentrator changed (its report): the page re-reads the tree and the agents. */
  subtreeChanged(concentratorId: string): void {
    this.broadcast('agentsChanged', { concentratorId });
  }

  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const client of [...this.clients]) client.close();
    this.clients.clear();
  }

  private flushAgents(): void {
    this.flushTimer = null;
    const ids = [...this.touched];
    this.touched.clear();
    for (const agentId of ids.slice(0, MAX_AGENT_EVENTS)) {
      this.broadcast('agent', this.agentView(agentId) ?? { agentId, connected: false });
    }
    if (ids.length > MAX_AGENT_EVENTS) this.broadcast('agentsChanged', { count: ids.length });
  }

  private broadcast(event: string, data: unknown): void {
    for (const client of this.clients) client.send(data, { event });
  }
}
