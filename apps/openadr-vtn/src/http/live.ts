/**
 * API-2: the operator page's live stream (server-sent events). On connect it sends a `snapshot` (VENs and the
 * events of the last day onwards, as the operator API shows them), then a `ven` or `event` message for each
 * one that changed, and `event-removed` for one that left the window. Changes are found by reading PostgreSQL
 * once a second while a page is open, so a page on any replica sees what every replica did (the sweeper's
 * offline flips, a VEN's opt on another instance) without a channel between replicas.
 *
 * EventSource cannot send an Authorization header, and a bearer token in the URL would end up in access logs,
 * so the page first trades its token for a cookie (`POST /api/v1/live/session`): the cookie carries an expiry
 * and an HMAC of it keyed by the token, scoped to the stream's path, HttpOnly and SameSite=Strict. Every
 * replica can check it against the configured tokens, and removing a token revokes its cookies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventStream, Service } from '@flexgrid/platform-service';
import type { Request, Response } from 'express';
import type { VtnContext } from '../domain/context';
import { bearer, operatorEventView, venJson } from './api';

export const liveStreamPath = '/api/v1/live';
const sessionCookie = 'oadr_operator';
/** How long a page's cookie stays valid; the page renews it long before (every ten minutes). */
const sessionSeconds = 3600;
/** Events shown: those not ended more than a day ago. */
const windowMs = 86_400_000;
const maxEvents = 500;

type Snapshot = { vens: Map<string, string>; events: Map<string, string> };

function sign(token: string, expires: number): string {
  return createHmac('sha256', token).update(`live:${expires}`).digest('base64url');
}

function cookieValue(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === sessionCookie) return part.slice(at + 1).trim();
  }
  return undefined;
}

function validSession(value: string | undefined, tokens: readonly string[], now: number): boolean {
  const m = /^(\d{1,15})\.([\w-]{43})$/.exec(value ?? '');
  if (!m) return false;
  const expires = Number(m[1]);
  if (expires <= now) return false;
  const given = Buffer.from(m[2] as string);
  let ok = false;
  for (const token of tokens) if (timingSafeEqual(Buffer.from(sign(token, expires)), given)) ok = true;
  return ok;
}

/** One reader per process, running only while at least one page listens. */
class LiveFeed {
  private readonly streams = new Set<EventStream>();
  private last: Snapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<Snapshot> | undefined;

  constructor(
    private readonly context: VtnContext,
    private readonly intervalMs: number,
  ) {}

  async add(stream: EventStream): Promise<void> {
    this.streams.add(stream);
    stream.onClose(() => {
      this.streams.delete(stream);
      if (this.streams.size === 0) this.pause();
    });
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    const snapshot = await this.read();
    this.last ??= snapshot;
    stream.send(
      `{"vens":[${[...snapshot.vens.values()].join(',')}],"events":[${[...snapshot.events.values()].join(',')}]}`,
      { event: 'snapshot' },
    );
  }

  pause(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  /** Reads the current state; concurrent callers share one read. */
  private read(): Promise<Snapshot> {
    this.reading ??= this.readNow().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readNow(): Promise<Snapshot> {
    const { store } = this.context;
    const now = this.context.now();
    const [vens, status, events] = await Promise.all([
      store.vens(),
      store.reportStatus(),
      store.events({ from: now - windowMs, limit: maxEvents }),
    ]);
    const statusOf = new Map<string, Record<string, unknown>>();
    for (const s of status) {
      const values = statusOf.get(s.venId) ?? {};
      values[s.rId] = s.value;
      statusOf.set(s.venId, values);
    }
    const views = await Promise.all(events.map((e) => operatorEventView(this.context, e, false)));
    return {
      vens: new Map(vens.map((v) => [v.venId, JSON.stringify(venJson(v, statusOf.get(v.venId)))])),
      events: new Map(views.map((e) => [e.eventId, JSON.stringify(e)])),
    };
  }

  private async tick(): Promise<void> {
    if (this.reading) return;
    let next: Snapshot;
    try {
      next = await this.read();
    } catch (error) {
      // PostgreSQL away: the page keeps what it has; the next tick tries again.
      this.context.logger.warn({ err: error }, 'live stream: reading the state failed');
      return;
    }
    const previous = this.last;
    this.last = next;
    if (!previous) return;
    const broadcast = (event: string, data: string) => {
      for (const stream of this.streams) stream.send(data, { event });
    };
    for (const [id, json] of next.vens) if (previous.vens.get(id) !== json) broadcast('ven', json);
    for (const [id, json] of next.events) if (previous.events.get(id) !== json) broadcast('event', json);
    for (const id of previous.events.keys())
      if (!next.events.has(id)) broadcast('event-removed', JSON.stringify({ eventId: id }));
  }
}

/**
 * Mounts the stream and its session before the operator API's bearer check (the stream authenticates by the
 * cookie); returns a stop function for shutdown.
 */
export function mountLiveStream(
  service: Service,
  context: VtnContext,
  tokens: readonly string[],
  intervalMs = 1000,
): () => void {
  const feed = new LiveFeed(context, intervalMs);

  service.app.post(`${liveStreamPath}/session`, bearer(tokens), (req: Request, res: Response) => {
    const header = req.headers.authorization ?? '';
    const expires = context.now() + sessionSeconds * 1000;
    res.cookie(sessionCookie, `${expires}.${sign(header.slice(7), expires)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: liveStreamPath,
      maxAge: sessionSeconds * 1000,
    });
    res.status(204).end();
  });

  service.app.get(liveStreamPath, (req: Request, res: Response, next) => {
    if (!validSession(cookieValue(req), tokens, context.now())) {
      // Also accepts the bearer header (a non-browser client).
      bearer(tokens)(req, res, next);
      return;
    }
    next();
  });
  service.app.get(liveStreamPath, (req: Request, res: Response) => {
    const stream = service.eventStream(req, res);
    feed.add(stream).catch((error: unknown) => {
      context.logger.warn({ err: error }, 'live stream: the snapshot failed');
      stream.close();
    });
  });
  return () => feed.pause();
}
