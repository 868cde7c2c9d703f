import {
  checkDemand,
  decodeMessage,
  encodeMessage,
  type ErrorPayload,
  type MarketBasis,
  marketBasisEquals,
  nextBidNumber,
  type PricePoint,
  pointBidDemand,
} from '@flexgrid/protocol-powermatcher';
import { WebSocket } from 'ws';

/** What a device sends (SPEC §7.3): a demand array, a flat demand (the same W at every step) or price points. */
export type BidContent =
  { readonly demand: readonly number[] } | { readonly flat: number } | { readonly pricePoints: readonly PricePoint[] };

export interface ClusterInfo {
  readonly clusterId: string;
  readonly marketBasis: MarketBasis;
}

/** A PRICE_UPDATE: the price and the number of this agent's bid it answers. */
export interface PriceUpdate {
  readonly price: number;
  readonly bidNumber: number;
  readonly marketBasis: MarketBasis;
}

/** Where the client says what happened; `console` works, the default is silent. */
export interface ClientLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface PowerMatcherAgentOptions {
  /**
   * The endpoint with its query (SPEC §7.1): `ws://host:8080/powermatcher/websockets/agentendpoint?agentId=pv-1&
   * desiredConnectionId=auctioneer` (1.9) or `ws://host:8080/powermatcher/websocket?agentId=pv-1` (v2.1).
   */
  readonly url: string;
  /** A bearer token, sent as `Authorization: Bearer` (§7.2, PM-WS-3). */
  readonly token?: string;
  /** The cluster's market basis arrived (on every (re)connect): re-bid here when the basis matters. */
  readonly onClusterInfo?: (info: ClusterInfo) => void;
  readonly onPrice?: (update: PriceUpdate) => void;
  /** An ERROR from the server (§7.6): a rejected bid, or why the connection was refused. */
  readonly onError?: (error: ErrorPayload) => void;
  readonly onConnectionChange?: (connected: boolean, close?: { code: number; reason: string }) => void;
  /** Reconnect backoff: full jitter over an exponential ceiling, from `initialDelayMs` up to `maxDelayMs`. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** A server that sends nothing (no ping, no message) for this long is taken as gone: reconnect. Default 60 s. */
  readonly serverSilenceMs?: number;
  /**
   * An opening handshake not answered within this is abandoned and retried with the backoff. Default 10 s: a
   * server whose accept queue overflowed may take the TCP connection and never see the upgrade request.
   */
  readonly handshakeTimeoutMs?: number;
  readonly logger?: ClientLogger;
}

const silent: ClientLogger = { info: () => undefined, warn: () => undefined };

interface SentBid {
  readonly content: BidContent;
  readonly bidNumber: number;
}

/**
 * A PowerMatcher agent over websockets, for device makers (SPEC §7): connects, reconnects with backoff, sends
 * bids (array, flat or price points, checked with the protocol lib before they leave) and hands prices to a
 * callback. After a reconnect it re-sends its last bid under the same number once CLUSTERINFO has arrived, so a
 * restarted auctioneer or a parent that came back prices it again. Unknown message types are ignored (§7.5).
 */
export class PowerMatcherAgent {
  private socket: WebSocket | null = null;
  private info: ClusterInfo | null = null;
  private counter = 0;
  private last: SentBid | null = null;
  private attempts = 0;
  private retry: NodeJS.Timeout | null = null;
  private silence: NodeJS.Timeout | null = null;
  private lastHeard = 0;
  private stopped = true;
  /** Whether a bid went out in the current session (so CLUSTERINFO's callback bidding anew suppresses the re-send). */
  private bidInSession = false;
  private readonly logger: ClientLogger;

  constructor(private readonly options: PowerMatcherAgentOptions) {
    this.logger = options.logger ?? silent;
  }

  /** The cluster this agent is in, or null while it has no session. */
  get clusterInfo(): ClusterInfo | null {
    return this.info;
  }

  get connected(): boolean {
    return this.info !== null && this.socket?.readyState === WebSocket.OPEN;
  }

  /** The last bid handed to `bid`, and its number. */
  get lastBid(): { content: BidContent; bidNumber: number } | null {
    return this.last;
  }

  start(): this {
    if (!this.stopped) return this;
    this.stopped = false;
    this.open();
    return this;
  }

  /**
   * Sends a bid now if the agent has a session, else when it gets one; returns its number (the next of this
   * agent's own counter, or the one given). Throws the protocol's error (`PowerMatcherError`) for a bid the
   * cluster's basis refuses; before the first CLUSTERINFO only the server can check it.
   */
  bid(content: BidContent, bidNumber?: number): number {
    if (this.info) this.demandOf(content, this.info.marketBasis);
    const number = bidNumber ?? (this.counter = nextBidNumber(this.counter));
    this.last = { content, bidNumber: number };
    if (this.connected) this.send(this.last);
    return number;
  }

  /** Closes the connection (1000) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    this.info = null;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const cutOff = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2_000);
      socket.once('close', () => {
        clearTimeout(cutOff);
        resolve();
      });
      socket.close(1000, 'agent stopped');
    });
  }

  private open(): void {
    const headers = this.options.token ? { authorization: `Bearer ${this.options.token}` } : undefined;
    const socket = new WebSocket(this.options.url, {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
    });
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      this.heard();
      if (!isBinary) this.receive((data as Buffer).toString('utf8'));
    });
    socket.on('ping', () => this.heard());
    socket.on('open', () => this.heard());
    socket.on('error', (error) => this.logger.warn({ err: error.message }, 'PowerMatcher connection error'));
    socket.on('close', (code, reason) => this.closed(socket, code, reason.toString('utf8')));
  }

  private receive(text: string): void {
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(text);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'undecodable message ignored');
      return;
    }
    if ('unknown' in message) {
      this.logger.info({ payloadType: message.payloadType }, 'unknown message type ignored');
      return;
    }
    switch (message.payloadType) {
      case 'CLUSTERINFO': {
        this.info = { clusterId: message.payload.clusterId, marketBasis: message.payload.marketBasis };
        this.attempts = 0;
        this.bidInSession = false;
        this.options.onConnectionChange?.(true);
        this.options.onClusterInfo?.(this.info);
        // Unless the callback bid anew, the last bid is re-sent for the new session (a basis it fits, §2.1).
        if (!this.bidInSession && this.last && this.connected && this.fits(this.last.content)) this.send(this.last);
        break;
      }
      case 'PRICE_UPDATE': {
        const { priceValue, bidNumber, marketBasis } = message.payload;
        if (priceValue === null) {
          this.logger.warn({ bidNumber }, 'Price cannot be null');
          return;
        }
        if (this.info && !marketBasisEquals(marketBasis, this.info.marketBasis)) {
          this.logger.warn({ bidNumber }, 'price of another market basis ignored');
          return;
        }
        this.options.onPrice?.({ price: priceValue, bidNumber, marketBasis });
        break;
      }
      case 'ERROR':
        this.options.onError?.(message.payload);
        break;
      default:
        this.logger.info({ payloadType: message.payloadType }, 'message not meant for an agent ignored');
    }
  }

  private fits(content: BidContent): boolean {
    try {
      if (this.info) this.demandOf(content, this.info.marketBasis);
      return true;
    } catch {
      return false;
    }
  }

  private demandOf(content: BidContent, basis: MarketBasis): number[] {
    if ('demand' in content) return checkDemand(basis, content.demand);
    if ('flat' in content) return checkDemand(basis, new Array<number>(basis.priceSteps).fill(content.flat));
    return pointBidDemand(basis, content.pricePoints);
  }

  private send(bid: SentBid): void {
    const basis = this.info?.marketBasis;
    if (!basis || !this.socket) return;
    const content = bid.content;
    const frame =
      'pricePoints' in content
        ? encodeMessage({
            payloadType: 'BID',
            payload: { marketBasis: basis, pricePoints: content.pricePoints, bidNumber: bid.bidNumber },
          })
        : encodeMessage({
            payloadType: 'BID',
            payload: { marketBasis: basis, demand: this.demandOf(content, basis), bidNumber: bid.bidNumber },
          });
    this.socket.send(frame);
    this.bidInSession = true;
  }

  /**
   * Notes that the server spoke. One timer per connection watches for silence and moves itself on when it fires
   * early: a timer re-armed on every message costs more than the message when thousands of agents share a process.
   */
  private heard(): void {
    this.lastHeard = Date.now();
    if (!this.silence) this.watchSilence(this.options.serverSilenceMs ?? 60_000);
  }

  private watchSilence(delayMs: number): void {
    this.silence = setTimeout(() => {
      const silenceMs = this.options.serverSilenceMs ?? 60_000;
      const quietMs = Date.now() - this.lastHeard;
      if (quietMs < silenceMs) return this.watchSilence(silenceMs - quietMs);
      this.silence = null;
      this.logger.warn({ silenceMs }, 'server silent: reconnecting');
      this.socket?.terminate();
    }, delayMs);
    this.silence.unref();
  }

  private closed(socket: WebSocket, code: number, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    const hadSession = this.info !== null;
    this.info = null;
    if (this.silence) clearTimeout(this.silence);
    this.silence = null;
    if (hadSession) this.options.onConnectionChange?.(false, { code, reason });
    if (this.stopped) return;
    const initial = this.options.reconnect?.initialDelayMs ?? 500;
    const max = this.options.reconnect?.maxDelayMs ?? 30_000;
    const ceiling = Math.min(max, initial * 2 ** Math.min(this.attempts, 20));
    this.attempts++;
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.logger.info({ code, reason, retryInMs: delay }, 'PowerMatcher connection closed');
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retry) clearTimeout(this.retry);
    if (this.silence) clearTimeout(this.silence);
    this.retry = null;
    this.silence = null;
  }
}
