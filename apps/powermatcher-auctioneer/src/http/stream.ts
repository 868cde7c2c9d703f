import type { Effect } from '@flexgrid/protocol-powermatcher';
import type { Request, Response } from 'express';
import type { AgentView } from './views';

const AGENT_FLUSH_MS = 1_000;
/** Agent events per flush: beyond it the page re-reads `/api/agents` (it is told by `agentsChanged`). */
const MAX_AGENT_EVENTS = 200;
const KEEPALIVE_MS = 15_000;

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
  private readonly clients = new Set<Response>();
  private readonly touched = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly keepalive: NodeJS.Timeout;
  private lastPrice: PriceEvent | null = null;
  private readonly lastAggregate = new Map<string, AggregateEvent>();

  constructor(
    private readonly agentView: (agentId: string) => AgentView | null,
    private readonly agentCount: (matcherId: string) => number,
    private readonly auctioneerId: string | null,
  ) {
    this.keepalive = setInterval(() => this.broadcast(': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get price(): PriceEvent | null {
    return this.lastPrice;
  }

  readonly handler = (req: Request, res: Response): void => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    if (this.lastPrice) res.write(event('price', this.lastPrice));
    const aggregate = this.auctioneerId === null ? undefined : this.lastAggregate.get(this.auctioneerId);
    for (const snapshot of aggregate ? [aggregate] : this.lastAggregate.values())
      res.write(event('aggregate', snapshot));
    this.clients.add(res);
    req.once('close', () => this.clients.delete(res));
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
          this.broadcast(event('price', this.lastPrice));
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
          this.broadcast(event('aggregate', snapshot));
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

  close(): void {
    clearInterval(this.keepalive);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private flushAgents(): void {
    this.flushTimer = null;
    const ids = [...this.touched];
    this.touched.clear();
    for (const agentId of ids.slice(0, MAX_AGENT_EVENTS)) {
      this.broadcast(event('agent', this.agentView(agentId) ?? { agentId, connected: false }));
    }
    if (ids.length > MAX_AGENT_EVENTS) this.broadcast(event('agentsChanged', { count: ids.length }));
  }

  private broadcast(text: string): void {
    for (const client of this.clients) client.write(text);
  }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
