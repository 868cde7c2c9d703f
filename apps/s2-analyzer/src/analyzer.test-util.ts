import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '@flexgrid/testing';
import { type ClientOptions, type RawData, WebSocket } from 'ws';
import { type RunningS2Analyzer, type S2AnalyzerOptions, startS2Analyzer } from './app';

/*
 * Test helpers: the analyzer under startTestApp (fresh database and topic prefix), RM/CEM clients on the drop-in
 * URLs, and transcript replay through the man in the middle.
 */

export const SESSIONS_DIR = join(__dirname, '../fixtures/sessions');

/** The corpus: a valid session per control type, one session per rule id that breaks it, wire oddities. */
export function corpus(prefix = ''): Array<{ name: string; file: string; text: string }> {
  return readdirSync(SESSIONS_DIR)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.jsonl'))
    .sort()
    .map((name) => ({
      name: name.replace(/\.jsonl$/, ''),
      file: join(SESSIONS_DIR, name),
      text: readFileSync(join(SESSIONS_DIR, name), 'utf8'),
    }));
}

export interface AnalyzerUnderTest {
  app: TestApp;
  analyzer: RunningS2Analyzer;
  wsUrl: string;
}

export async function startAnalyzer(options: Partial<S2AnalyzerOptions> = {}): Promise<AnalyzerUnderTest> {
  let analyzer: RunningS2Analyzer | undefined;
  const app = await startTestApp({
    name: 's2',
    start: async (environment) => {
      analyzer = await startS2Analyzer({ ...environment, logLevel: 'fatal', ...options });
      return analyzer;
    },
  });
  return { app, analyzer: analyzer as RunningS2Analyzer, wsUrl: app.url.replace(/^http/, 'ws') };
}

export const rmPath = (rmId: string, cemId: string) => `/backend/rm/${rmId}/cem/${cemId}/ws`;
export const cemPath = (cemId: string, rmId: string) => `/backend/cem/${cemId}/rm/${rmId}/ws`;

export interface Received {
  data: Buffer;
  binary: boolean;
}

/** A client socket that keeps every message it receives, in order, and can wait for the next ones. */
export class Peer {
  readonly received: Received[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData, binary: boolean) => {
      this.received.push({ data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), binary });
      this.waiters = this.waiters.filter((waiter) => {
        if (this.received.length < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  static async open(url: string, options: ClientOptions = {}): Promise<Peer> {
    const socket = new WebSocket(url, options);
    const peer = new Peer(socket);
    await once(socket, 'open');
    return peer;
  }

  /** Resolves once `count` messages in all have arrived. */
  until(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  close(): Promise<unknown> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = once(this.socket, 'close');
    this.socket.close();
    return closed;
  }
}

export async function openPair(wsUrl: string, rmId: string, cemId: string): Promise<{ rm: Peer; cem: Peer }> {
  const rm = await Peer.open(`${wsUrl}${rmPath(rmId, cemId)}`);
  const cem = await Peer.open(`${wsUrl}${cemPath(cemId, rmId)}`);
  return { rm, cem };
}

/** The bytes and kind of a transcript line's frame, as a device would send it. */
export function wireFrame(line: Record<string, unknown>): { data: Buffer; binary: boolean } {
  if (typeof line['raw'] === 'string')
    return line['encoding'] === 'base64'
      ? { data: Buffer.from(line['raw'], 'base64'), binary: true }
      : { data: Buffer.from(line['raw'], 'utf8'), binary: false };
  return { data: Buffer.from(JSON.stringify(line['message']), 'utf8'), binary: false };
}

/**
 * Replays a transcript through the pair one frame at a time (each delivered before the next is sent, so the
 * analyzer sees the transcript's order) and returns what was sent and what the other side received.
 */
export async function replay(
  pair: { rm: Peer; cem: Peer },
  text: string,
): Promise<{ sent: Received[]; delivered: Received[] }> {
  const sent: Received[] = [];
  const delivered: Received[] = [];
  for (const raw of text.split('\n').filter((line) => line.trim() !== '')) {
    const line = JSON.parse(raw) as Record<string, unknown>;
    const { data, binary } = wireFrame(line);
    const [from, to] = line['direction'] === 'rm->cem' ? [pair.rm, pair.cem] : [pair.cem, pair.rm];
    const before = to.received.length;
    from.socket.send(data, { binary });
    await to.until(before + 1);
    sent.push({ data, binary });
    delivered.push(to.received[before] as Received);
  }
  return { sent, delivered };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no result within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
