/** API-1: the operator API (bearer tokens, JSON, problem+json): thin handlers over the domain and the store. */
import {
  eventStatus,
  type EventVersion,
  formatDateTime,
  formatDuration,
  normalizeFingerprint,
  operatorIdProblem,
  parseDuration,
} from '@flexgrid/protocol-openadr';
import { bearerTokenOf, type Service, tokenMatcher } from '@flexgrid/platform-service';
import type { NextFunction, Request, Response } from 'express';
import { VtnError } from '../errors';
import type { VtnContext } from '../domain/context';
import { cancelEvent, createEvent, modifyEvent, rematchVen } from '../domain/events';
import { cancelRegistrationByVtn, requestReregistration } from '../domain/registration';
import { cancelReportRequest, requestReport } from '../domain/reports';
import type { EventVenRow, OptResponseRow, OptRow, QueueItem, StoredEvent, VenRecord } from '../store/store';

const iso = (instant: number | null | undefined): string | null => (instant == null ? null : formatDateTime(instant));

const unauthorized = () => VtnError.http(401, 'Unauthorized', 'a valid bearer token is required');

/** SEC-8: the operator API's bearer token, compared in constant time against every configured one. */
export function bearer(tokens: readonly string[]) {
  const matches = tokenMatcher(tokens);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (matches(bearerTokenOf(req))) return next();
    res.set('WWW-Authenticate', 'Bearer');
    next(unauthorized());
  };
}

export function eventJson(version: EventVersion, now: number) {
  const seconds = (value: number | undefined) => (value === undefined ? undefined : formatDuration(value));
  return {
    eventId: version.eventId,
    modificationNumber: version.modificationNumber,
    modificationDateTime: iso(version.modificationDateTime),
    ...(version.modificationReason !== undefined && { modificationReason: version.modificationReason }),
    createdDateTime: iso(version.createdDateTime),
    marketContext: version.marketContext,
    priority: version.priority,
    testEvent: version.testEvent,
    ...(version.vtnComment !== undefined && { vtnComment: version.vtnComment }),
    responseRequired: version.responseRequired,
    start: iso(version.start),
    rampUp: seconds(version.rampUp),
    notification: seconds(version.notification),
    recovery: seconds(version.recovery),
    startAfter: seconds(version.startAfter),
    signals: version.signals.map((s) => ({
      id: s.id,
      name: s.name,
      type: s.type,
      ...(s.units && { units: s.units }),
      intervals: s.intervals.map((i) => ({ duration: formatDuration(i.duration), value: i.value })),
    })),
    targets: version.targets,
    cancelled: version.cancelled,
    status: eventStatus(version, now),
  };
}

/** EV-18, OPT-1, OPT-4: the VEN's opt for an event: its newest answer, or a newer active EiOpt. */
function optOf(responses: readonly OptResponseRow[], opts: readonly OptRow[]) {
  const best = [...responses].sort(
    (a, b) => b.modificationNumber - a.modificationNumber || b.receivedAt - a.receivedAt,
  )[0];
  const eiOpt = opts.filter((o) => o.state === 'active').sort((a, b) => b.receivedAt - a.receivedAt)[0];
  if (eiOpt && (!best || eiOpt.receivedAt > best.receivedAt))
    return {
      opt: eiOpt.optType,
      optModificationNumber: eiOpt.modificationNumber,
      stale: false,
      responseCode: '200',
      respondedAt: iso(eiOpt.receivedAt),
      source: 'eiOpt' as const,
    };
  if (!best)
    return {
      opt: null,
      optModificationNumber: null,
      stale: false,
      responseCode: null,
      respondedAt: null,
      source: null,
    };
  return {
    opt: best.optType,
    optModificationNumber: best.modificationNumber,
    stale: best.stale,
    responseCode: best.responseCode,
    respondedAt: iso(best.receivedAt),
    source: 'createdEvent' as const,
  };
}

/**
 * API-2: where the current version stands for one VEN. `queued` until the VEN polls it, `delivered` until its
 * oadrCreatedEvent for this modificationNumber (only expected with responseRequired=always, §6), then `acked`;
 * `withdrawn` when the VEN no longer matches the targets.
 */
function deliveryOf(version: EventVersion, row: EventVenRow, responses: readonly OptResponseRow[]) {
  if (!row.matched) return 'withdrawn' as const;
  if (row.deliveredModificationNumber !== version.modificationNumber) return 'queued' as const;
  const answered = responses.some(
    (r) => r.venId === row.venId && r.modificationNumber === version.modificationNumber && r.responseCode === '200',
  );
  return answered || row.cancellationAcked ? ('acked' as const) : ('delivered' as const);
}

function venJson(ven: VenRecord, status?: Record<string, unknown>) {
  return {
    venId: ven.venId,
    venName: ven.venName,
    registrationId: ven.registrationId,
    registration: ven.registration,
    online: ven.online,
    lastSeen: iso(ven.lastSeen),
    onlineSince: iso(ven.onlineSince),
    offlineSince: iso(ven.offlineSince),
    pollFreqSeconds: ven.advertisedPollSeconds ?? ven.pollFreqSeconds,
    fingerprint: ven.fingerprint,
    groups: ven.groups,
    partyId: ven.partyId,
    resources: [...new Set([...ven.resources, ...ven.reportResources])],
    reportOnly: ven.reportOnly,
    xmlSignature: ven.xmlSignature,
    removed: ven.removed,
    status: status ?? {},
  };
}

function itemJson(item: QueueItem) {
  return {
    id: item.id,
    kind: item.kind,
    state: item.state,
    attempts: item.attempts,
    requestId: item.requestId,
    reportRequestIds: item.reportRequestIds,
    lastDeliveredAt: iso(item.lastDeliveredAt),
    createdAt: iso(item.createdAt),
  };
}

function seconds(value: unknown, pointer: string): number {
  if (typeof value !== 'string') throw VtnError.unprocessable([{ pointer, message: 'an ISO 8601 duration' }]);
  try {
    return parseDuration(value).seconds;
  } catch {
    throw VtnError.unprocessable([{ pointer, message: 'an ISO 8601 duration' }]);
  }
}

function ifMatch(req: Request): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw VtnError.http(412, 'Precondition failed', 'If-Match must be "<modificationNumber>"');
  return Number(m[1]);
}

export function mountOperatorApi(service: Service, context: VtnContext, tokens: readonly string[]): void {
  const { app } = service;
  const { store } = context;
  const matches = tokenMatcher(tokens);
  // The live stream authenticates itself: EventSource cannot send headers (RFC 6750 §2.3 access_token).
  app.get('/api/v1/stream', (req, res) => {
    if (!matches(bearerTokenOf(req, { allowQuery: true }))) {
      res.set('WWW-Authenticate', 'Bearer');
      throw unauthorized();
    }
    const stream = service.eventStream(req, res);
    const send = () =>
      currentSnapshot()
        .then((data) => stream.send(data, { event: 'snapshot' }))
        .catch((error: unknown) => context.logger.warn({ err: error }, 'live snapshot failed'));
    void send();
    const timer = setInterval(send, 2000);
    stream.onClose(() => clearInterval(timer));
  });
  const auth = bearer(tokens);
  app.use('/api/v1', auth);

  async function eventView(stored: StoredEvent, withVersions: boolean) {
    const now = context.now();
    const [rows, responses, opts] = await Promise.all([
      store.eventVens(stored.version.eventId),
      store.optResponsesOfEvent(stored.version.eventId),
      store.opts(undefined, stored.version.eventId),
    ]);
    return {
      ...eventJson(stored.version, now),
      vens: rows.map((row) => ({
        venId: row.venId,
        matched: row.matched,
        deliveredModificationNumber: row.deliveredModificationNumber,
        deliveredAt: iso(row.deliveredAt),
        delivery: deliveryOf(stored.version, row, responses),
        ...optOf(
          responses.filter((r) => r.venId === row.venId),
          opts.filter((o) => o.venId === row.venId),
        ),
      })),
      ...(withVersions && {
        versions: (await store.eventVersions(stored.version.eventId)).map((v) => eventJson(v, now)),
      }),
    };
  }

  app.post('/api/v1/events', async (req, res) => {
    const result = await createEvent(context, req.body as Record<string, unknown>);
    res.status(result.status).json({ ...(await eventView(result.event, false)), warnings: result.warnings });
  });

  app.get('/api/v1/events', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = Math.min(500, Math.max(1, Number(q.limit ?? 100) || 100));
    const time = (value: string | undefined, name: string) => {
      if (value === undefined) return undefined;
      const t = Date.parse(value);
      if (Number.isNaN(t)) throw VtnError.unprocessable([{ pointer: `/${name}`, message: 'an RFC 3339 date-time' }]);
      return t;
    };
    const from = time(q.from, 'from');
    const to = time(q.to, 'to');
    const page = await store.events({
      limit: limit + 1,
      ...(q.venId !== undefined && { venId: q.venId }),
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
      ...(q.cursor !== undefined && { after: q.cursor }),
    });
    const now = context.now();
    const shown = page
      .slice(0, limit)
      .filter((e) => q.status === undefined || eventStatus(e.version, now) === q.status);
    res.json({
      items: await Promise.all(shown.map((e) => eventView(e, false))),
      nextCursor: page.length > limit ? (page[limit - 1]?.version.eventId ?? null) : null,
    });
  });

  app.get('/api/v1/events/:id', async (req, res) => {
    const stored = await store.event(req.params.id);
    if (!stored) throw VtnError.http(404, 'Not found', `no event ${req.params.id}`);
    res.json(await eventView(stored, req.query.versions === 'true'));
  });

  app.patch('/api/v1/events/:id', async (req, res) => {
    const result = await modifyEvent(context, req.params.id, req.body as Record<string, unknown>, ifMatch(req));
    res.status(200).json({ ...(await eventView(result.event, false)), warnings: result.warnings });
  });

  app.delete('/api/v1/events/:id', async (req, res) => {
    const result = await cancelEvent(context, req.params.id, ifMatch(req));
    res.status(200).json(await eventView(result.event, false));
  });

  app.get('/api/v1/vens', async (_req, res) => {
    const [vens, status] = await Promise.all([store.vens(), store.reportStatus()]);
    res.json(
      vens.map((ven) =>
        venJson(ven, Object.fromEntries(status.filter((s) => s.venId === ven.venId).map((s) => [s.rId, s.value]))),
      ),
    );
  });

  app.get('/api/v1/vens/:venId', async (req, res) => {
    const ven = await store.ven(req.params.venId);
    if (!ven) throw VtnError.http(404, 'Not found', `no VEN ${req.params.venId}`);
    const status = await store.reportStatus(ven.venId);
    res.json(venJson(ven, Object.fromEntries(status.map((s) => [s.rId, s.value]))));
  });

  app.put('/api/v1/vens/:venId', async (req, res) => {
    const venId = req.params.venId;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: { pointer: string; message: string }[] = [];
    if (!/^[\x21-\x7e]{1,128}$/.test(venId)) errors.push({ pointer: '/venId', message: '1-128 printable characters' });
    let fingerprint: string | null = null;
    if (body.fingerprint !== undefined && body.fingerprint !== null) {
      fingerprint = typeof body.fingerprint === 'string' ? (normalizeFingerprint(body.fingerprint) ?? null) : null;
      if (!fingerprint) errors.push({ pointer: '/fingerprint', message: '10 or 32 bytes of hex (SEC-3)' });
    } else if (context.settings.tls) errors.push({ pointer: '/fingerprint', message: 'required in TLS mode' });
    const list = (key: string): string[] => {
      const value = body[key];
      if (value === undefined) return [];
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || operatorIdProblem(v) !== undefined)) {
        errors.push({ pointer: `/${key}`, message: 'a list of IDs (ID-3)' });
        return [];
      }
      return value as string[];
    };
    const groups = list('groups');
    const resources = list('resources');
    let pollFreqSeconds: number | null = null;
    if (body.pollFreq !== undefined) {
      try {
        pollFreqSeconds = seconds(body.pollFreq, '/pollFreq');
        if (pollFreqSeconds < 1 || pollFreqSeconds > 86_400) throw new Error();
      } catch {
        errors.push({ pointer: '/pollFreq', message: 'PT1S…PT24H' });
      }
    }
    if (body.partyId !== undefined && typeof body.partyId !== 'string')
      errors.push({ pointer: '/partyId', message: 'a string' });
    if (body.venName !== undefined && typeof body.venName !== 'string')
      errors.push({ pointer: '/venName', message: 'a string' });
    if (errors.length > 0) throw VtnError.unprocessable(errors);
    const result = await store.transaction(async (tx) => {
      if (fingerprint) {
        const owner = await tx.venByFingerprint(fingerprint);
        if (owner && owner.venId !== venId)
          throw VtnError.http(409, 'Conflict', `the fingerprint belongs to VEN ${owner.venId}`);
      }
      const provisioned = await tx.provisionVen(venId, {
        venName: (body.venName as string | undefined) ?? null,
        fingerprint,
        groups,
        partyId: (body.partyId as string | undefined) ?? null,
        resources,
        pollFreqSeconds,
      });
      if (await rematchVen(tx, venId, context.now())) await tx.enqueueDistribute(venId);
      return provisioned;
    });
    res.status(result.created ? 201 : 200).json(venJson(result.ven));
  });

  app.delete('/api/v1/vens/:venId', async (req, res) => {
    await cancelRegistrationByVtn(context, req.params.venId, true);
    res.status(200).json(venJson((await store.ven(req.params.venId)) as VenRecord));
  });

  app.delete('/api/v1/vens/:venId/registration', async (req, res) => {
    await cancelRegistrationByVtn(context, req.params.venId, false);
    res.status(200).json(venJson((await store.ven(req.params.venId)) as VenRecord));
  });

  app.post('/api/v1/vens/:venId/reregistration', async (req, res) => {
    await requestReregistration(context, req.params.venId);
    res.status(202).json({ venId: req.params.venId });
  });

  app.get('/api/v1/vens/:venId/reports', async (req, res) => {
    const venId = req.params.venId;
    if (!(await store.ven(venId))) throw VtnError.http(404, 'Not found', `no VEN ${venId}`);
    const [registrations, requests, status] = await Promise.all([
      store.reportRegistrations(venId),
      store.reportRequests(venId),
      store.reportStatus(venId),
    ]);
    res.json({
      registrations: registrations.map((r) => ({ ...r, registeredAt: iso(r.registeredAt) })),
      requests: requests.map((r) => ({ ...r, createdAt: iso(r.createdAt) })),
      status: status.map((s) => ({ rId: s.rId, value: s.value, at: iso(s.at) })),
    });
  });

  app.post('/api/v1/vens/:venId/report-requests', async (req, res) => {
    const id = await requestReport(context, req.params.venId, (req.body ?? {}) as Record<string, unknown>, seconds);
    res.status(202).json({ reportRequestId: id });
  });

  app.delete('/api/v1/vens/:venId/report-requests/:id', async (req, res) => {
    await cancelReportRequest(context, req.params.venId, req.params.id);
    res.status(202).json({ reportRequestId: req.params.id });
  });

  app.get('/api/v1/vens/:venId/queue', async (req, res) => {
    if (!(await store.ven(req.params.venId))) throw VtnError.http(404, 'Not found', `no VEN ${req.params.venId}`);
    res.json((await store.queue(req.params.venId, 100)).map(itemJson));
  });

  /**
   * API-2's live data: `snapshot` messages with the VENs and the events that are not over, every 2 s. It reads PostgreSQL, so every replica shows what all of them did; one snapshot serves all clients.
   */
  let snapshot: { at: number; data: Promise<string> } | undefined;
  const currentSnapshot = (): Promise<string> => {
    const now = context.now();
    if (!snapshot || now - snapshot.at >= 1000) {
      const data = (async () => {
        const [vens, status, events] = await Promise.all([
          store.vens(),
          store.reportStatus(),
          store.events({ limit: 200, from: now - 3_600_000 }),
        ]);
        return JSON.stringify({
          at: iso(now),
          vens: vens.map((ven) =>
            venJson(ven, Object.fromEntries(status.filter((s) => s.venId === ven.venId).map((s) => [s.rId, s.value]))),
          ),
          events: await Promise.all(events.map((e) => eventView(e, false))),
        });
      })();
      data.catch(() => (snapshot = undefined));
      snapshot = { at: now, data };
    }
    return snapshot.data;
  };

  // The same snapshots over a websocket, the token being the first message.
  service.websocket('/api/v1/stream/ws', (socket) => {
    let timer: NodeJS.Timeout | undefined;
    const send = () =>
      currentSnapshot()
        .then((data) => socket.readyState === socket.OPEN && socket.send(`{"type":"snapshot","data":${data}}`))
        .catch((error: unknown) => context.logger.warn({ err: error }, 'live snapshot failed'));
    const refuse = setTimeout(() => socket.close(1008, 'authenticate first'), 5000);
    socket.once('message', (message) => {
      clearTimeout(refuse);
      if (!matches(String(message).replace(/^Bearer /, '')))
        return socket.close(1008, 'a valid bearer token is required');
      void send();
      timer = setInterval(send, 2000);
    });
    socket.once('close', () => {
      clearTimeout(refuse);
      clearInterval(timer);
    });
  });

  app.get('/api/v1/vens/:venId/opts', async (req, res) => {
    if (!(await store.ven(req.params.venId))) throw VtnError.http(404, 'Not found', `no VEN ${req.params.venId}`);
    res.json((await store.opts(req.params.venId)).map((o) => ({ ...o, receivedAt: iso(o.receivedAt) })));
  });
}
