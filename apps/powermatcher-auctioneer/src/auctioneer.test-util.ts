import { once } from 'node:events';
import { loadConfig, type LogLevel } from '@flexgrid/platform-service';
import { type AppEnvironment, startTestApp, type TestApp } from '@flexgrid/testing';
import { WebSocket } from 'ws';
import { type RunningAuctioneer, startPowerMatcherAuctioneer } from './app';
import { auctioneerEnv, auctioneerSettings } from './config';

/** SPEC §7.3's example basis: 3 steps on 0 … 10, cluster `demo`. */
export const EXAMPLE_BASIS =
  '{"commodity":"electricity","currency":"EUR","priceSteps":3,"minimumPrice":0.0,"maximumPrice":10.0}';
export const OPERATOR_TOKEN = 'operator-token-for-the-tests';

/** Test defaults: the §7.3 basis, rounds without cooling-off, no objective agent unless a test turns it on. */
export const TEST_ENV: Record<string, string> = {
  PM_CLUSTER_ID: 'demo',
  PM_PRICE_STEPS: '3',
  PM_MIN_PRICE: '0',
  PM_MAX_PRICE: '10',
  PM_MIN_TIME_BETWEEN_PRICE_UPDATES_MS: '0',
  PM_OBJECTIVE_ENABLED: 'false',
  PM_OPERATOR_TOKEN: OPERATOR_TOKEN,
};

export interface AuctioneerUnderTest {
  readonly app: TestApp;
  /** `ws://host:port` of the app. */
  readonly wsUrl: string;
  /** Stops the app as SIGTERM would and starts it again on the same port, database and topics. */
  restart(): Promise<void>;
}

/** The auctioneer in-process through startTestApp, on the given PM_* variables over TEST_ENV. */
export async function startAuctioneer(
  env: Record<string, string> = {},
  options: { clock?: () => number } = {},
): Promise<AuctioneerUnderTest> {
  let current: RunningAuctioneer | null = null;
  let environment: AppEnvironment | null = null;
  const settings = auctioneerSettings(loadConfig(auctioneerEnv, { ...TEST_ENV, ...env }));
  const launch = (on: AppEnvironment, port: number) =>
    startPowerMatcherAuctioneer({
      settings,
      ...on,
      host: '127.0.0.1',
      port,
      clock: options.clock,
      logLevel: (process.env['PM_TEST_LOG_LEVEL'] as LogLevel | undefined) ?? 'fatal',
    });
  const app = await startTestApp({
    name: 'pm',
    start: async (on) => {
      environment = on;
      current = await launch(on, 0);
      return { url: current.url, stop: () => current?.stop() ?? Promise.resolve() };
    },
  });
  return {
    app,
    wsUrl: app.url.replace(/^http/, 'ws'),
    restart: async () => {
      if (!current || !environment) throw new Error('not started');
      const port = current.port;
      await current.stop();
      current = await launch(environment, port);
    },
  };
}

/** A websocket peer that records every message and the close, for asserting on the wire. */
export class RawAgent {
  /** Every agent still open, so a test that failed half-way leaves no bid behind for the next. */
  private static readonly open = new Set<RawAgent>();
  readonly messages: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiting: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push((data as Buffer).toString('utf8'));
      for (const wake of this.waiting.splice(0)) wake();
    });
    this.closed = once(socket, 'close').then(([code, reason]) => ({
      code: code as number,
      reason: (reason as Buffer).toString('utf8'),
    }));
    socket.on('error', () => undefined);
    RawAgent.open.add(this);
    void this.closed.then(() => RawAgent.open.delete(this));
  }

  /** Closes every agent still open and waits for the closes (an afterEach). */
  static async closeAll(): Promise<void> {
    const open = [...RawAgent.open];
    for (const agent of open) agent.close();
    await Promise.all(open.map((agent) => agent.closed));
  }

  /** Opens a connection; `autoPong: false` makes a peer that stops answering pings. */
  static async connect(
    url: string,
    options: { headers?: Record<string, string>; autoPong?: boolean } = {},
  ): Promise<RawAgent> {
    const socket = new WebSocket(url, { headers: options.headers, autoPong: options.autoPong ?? true });
    const agent = new RawAgent(socket);
    await once(socket, 'open');
    return agent;
  }

  send(frame: string | Buffer, binary = false): void {
    this.socket.send(frame, { binary });
  }

  /** The `n`-th message (0-based), once it has arrived. */
  async message(n: number, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length <= n) {
      if (Date.now() > deadline) throw new Error(`message ${n} never came; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages[n]!;
  }

  /** The next message after the ones seen so far. */
  next(): Promise<string> {
    return this.message(this.messages.length);
  }

  /** The first message of this payload type from index `from` on, parsed. */
  async find(payloadType: string, from = 0, timeoutMs = 10_000): Promise<{ payloadType: string; payload: any }> {
    const deadline = Date.now() + timeoutMs;
    for (let i = from; ; i++) {
      const text = await this.message(i, Math.max(1, deadline - Date.now()));
      const message = JSON.parse(text) as { payloadType: string; payload: any };
      if (message.payloadType === payloadType) return message;
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** A BID frame on the test basis. */
export function bidFrame(bidNumber: number, demand: readonly number[]): string {
  const values = demand.map((d) => (Number.isInteger(d) ? `${d}.0` : String(d))).join(',');
  return `{"payloadType":"BID","payload":{"marketBasis":${EXAMPLE_BASIS},"demand":[${values}],"bidNumber":${bidNumber}}}`;
}

/** The 1.9 endpoint URL of an agent under `parent`. */
export function endpoint19(wsUrl: string, agentId: string, parent = 'auctioneer'): string {
  return `${wsUrl}/powermatcher/websockets/agentendpoint?agentId=${agentId}&desiredConnectionId=${parent}`;
}

export function endpoint21(wsUrl: string, agentId: string): string {
  return `${wsUrl}/powermatcher/websocket?agentId=${agentId}`;
}

/** Waits until `check` holds (polling), for state that settles asynchronously (rows, records). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
