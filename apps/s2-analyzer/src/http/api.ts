import type { ConversationOptions } from '@flexgrid/protocol-s2';
import { transcriptLine } from '@flexgrid/protocol-s2';
import type { Express, Request, Response } from 'express';
import type { AnalysisPipeline } from '../domain/analysis';
import type { Dialer } from '../domain/dialer';
import type { PairRegistry } from '../domain/pairs';
import { ruleGuide } from '../domain/rule-guide';
import { analyzeBody, importedSession } from '../domain/transcripts';
import { AnalyzerError } from '../errors';
import { frameLine } from '../records';
import type { AnalyzerStore, SessionSummary, StoredFrame } from '../store/analyzer-store';
import { pairId } from '../ws/endpoints';

/*
 * The JSON API (README.md "API"): thin handlers that read parameters, call the store, the live analysis or the
 * dialer, and shape the answer. Every error goes through the app's one error mapper (problem+json).
 */

export interface ApiDependencies {
  store: AnalyzerStore;
  pipeline: AnalysisPipeline;
  registry: PairRegistry;
  dialer: Dialer;
  conversation: ConversationOptions;
  maxTranscriptBytes: number;
  /** Called after an import stored a session. */
  onImported(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function single(request: Request, name: string): string | undefined {
  const value = request.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AnalyzerError('bad-request', `query parameter '${name}' must be given once`);
  return value;
}

function booleanParam(request: Request, name: string): boolean | undefined {
  const value = single(request, name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new AnalyzerError('bad-request', `query parameter '${name}' must be true or false, not '${value}'`);
}

function integerParam(request: Request, name: string, min: number, max: number): number | undefined {
  const value = single(request, name);
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max)
    throw new AnalyzerError('bad-request', `query parameter '${name}' must be an integer from ${min} to ${max}`);
  return number;
}

/** An RFC 3339 date-time or epoch milliseconds. */
function timeParam(request: Request, name: string): number | undefined {
  const value = single(request, name);
  if (value === undefined) return undefined;
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time))
    throw new AnalyzerError('bad-request', `query parameter '${name}' must be a date-time or epoch milliseconds`);
  return time;
}

function directionParam(request: Request): 'rm->cem' | 'cem->rm' | undefined {
  const value = single(request, 'direction');
  if (value === undefined || value === 'rm->cem' || value === 'cem->rm') return value;
  throw new AnalyzerError('bad-request', `query parameter 'direction' must be rm->cem or cem->rm`);
}

function pairParam(request: Request, name: string): string | undefined {
  const value = single(request, name);
  if (value === undefined) return undefined;
  const id = pairId(encodeURIComponent(value));
  if (id === undefined) throw new AnalyzerError('bad-request', `query parameter '${name}' is not a pair id`);
  return id;
}

/** Analysis options from the query, over the service's own. */
function optionsOf(request: Request, defaults: ConversationOptions): ConversationOptions {
  return {
    strictUuid: booleanParam(request, 'strictUuid') ?? defaults.strictUuid,
    semantic: booleanParam(request, 'semantic') ?? defaults.semantic,
    rsTimeoutMs: integerParam(request, 'rsTimeoutMs', 0, 86_400_000) ?? defaults.rsTimeoutMs,
  };
}

/** A transcript body: JSON Lines streamed (any text type), or a JSON array of line objects. */
function transcriptBody(request: Request): AsyncIterable<Buffer> | readonly unknown[] {
  if (request.is('application/json')) {
    if (!Array.isArray(request.body))
      throw new AnalyzerError('bad-request', 'a JSON body must be an array of transcript lines; JSON Lines go as text');
    return request.body as unknown[];
  }
  return request;
}

function frameView(frame: StoredFrame) {
  return {
    ...frameLine(frame),
    receivedAt: new Date(frame.receivedAt).toISOString(),
    messageType: frame.messageType,
    findings: frame.findings,
  };
}

export function registerApi(app: Express, deps: ApiDependencies): void {
  const { store, pipeline, registry, dialer } = deps;

  /** A session id from the path; an id that cannot exist is simply not found. */
  const sessionIdOf = (request: Request): string => {
    const id = String(request.params['id']);
    if (!UUID.test(id)) throw new AnalyzerError('not-found', `no session ${id}`);
    return id.toLowerCase();
  };

  /** A stored summary with what the live analysis knows beyond the last stored batch. */
  const withLive = (summary: SessionSummary): SessionSummary & { live: boolean } => {
    const state = registry.get(summary.id) ? pipeline.state(summary.id) : undefined;
    if (!state) return { ...summary, live: false };
    const { frames, verdict, schemaValid, counts } = state.summary;
    return { ...summary, frames, verdict, schemaValid, errors: counts.error, warnings: counts.warning, live: true };
  };

  app.get('/api/sessions', async (request: Request, response: Response) => {
    const page = await store.listSessions({
      rmId: pairParam(request, 'rm'),
      cemId: pairParam(request, 'cem'),
      from: timeParam(request, 'from'),
      to: timeParam(request, 'to'),
      hasErrors: booleanParam(request, 'hasErrors'),
      limit: integerParam(request, 'limit', 1, 500) ?? 50,
      cursor: single(request, 'cursor'),
    });
    response.json({ sessions: page.sessions.map(withLive), next: page.next });
  });

  app.get('/api/sessions/:id', async (request: Request, response: Response) => {
    const id = sessionIdOf(request);
    const stored = await store.session(id);
    const relay = registry.get(id);
    const liveState = relay ? pipeline.state(id, relay.now()) : undefined;
    if (!stored && !liveState) throw new AnalyzerError('not-found', `no session ${id}`);
    if (!stored && relay && liveState) {
      const { summary } = liveState;
      response.json({
        id,
        rmId: relay.rmId,
        cemId: relay.cemId,
        origin: relay.origin,
        startedAt: new Date(relay.startedAt).toISOString(),
        endedAt: null,
        endReason: null,
        frames: summary.frames,
        errors: summary.counts.error,
        warnings: summary.counts.warning,
        verdict: summary.verdict,
        schemaValid: summary.schemaValid,
        framesLost: 0,
        live: true,
        state: liveState,
      });
      return;
    }
    if (!stored) throw new AnalyzerError('not-found', `no session ${id}`);
    const { state, ...summary } = stored;
    response.json({ ...withLive(summary), state: liveState ?? state });
  });

  app.get('/api/sessions/:id/frames', async (request: Request, response: Response) => {
    const id = sessionIdOf(request);
    const limit = integerParam(request, 'limit', 1, 1000) ?? 200;
    const frames = await store.frames(id, {
      messageType: single(request, 'type'),
      direction: directionParam(request),
      hasFinding: booleanParam(request, 'hasFinding'),
      afterSeq: integerParam(request, 'after', 0, 2 ** 31 - 1) ?? 0,
      limit,
    });
    if (frames.length === 0 && !(await store.session(id)) && !registry.get(id))
      throw new AnalyzerError('not-found', `no session ${id}`);
    const last = frames[frames.length - 1];
    response.json({ frames: frames.map(frameView), next: frames.length === limit && last ? String(last.seq) : null });
  });

  app.get('/api/sessions/:id/findings', async (request: Request, response: Response) => {
    const id = sessionIdOf(request);
    // A live session's findings as far as they are stored (S2_STORE_FLUSH_MS behind at most, with the database up).
    const findings = await store.findings(id);
    if (findings.length === 0 && !registry.get(id) && !(await store.session(id)))
      throw new AnalyzerError('not-found', `no session ${id}`);
    response.json({ findings });
  });

  app.get('/api/sessions/:id/export.jsonl', async (request: Request, response: Response) => {
    const id = sessionIdOf(request);
    const raw = single(request, 'raw');
    if (raw !== undefined && raw !== 'always' && raw !== 'auto')
      throw new AnalyzerError('bad-request', `query parameter 'raw' must be always or auto`);
    if (!(await store.session(id))) throw new AnalyzerError('not-found', `no stored session ${id}`);
    response.type('application/x-ndjson');
    response.setHeader('content-disposition', `attachment; filename="s2-session-${id}.jsonl"`);
    // Paged from the store and written as it comes: an export of any length in flat memory.
    for (let after = 0; ;) {
      const frames = await store.frames(id, { afterSeq: after, limit: 2000 });
      if (frames.length === 0) break;
      const text = frames
        .map((frame) => {
          const { t, direction, seq } = frame;
          const line = frame.binary
            ? transcriptLine(seq, { t, direction, binary: frame.payload }, { raw: 'always' })
            : transcriptLine(seq, { t, direction, text: frame.payload.toString('utf8') }, { raw: raw ?? 'auto' });
          return `${JSON.stringify(line)}\n`;
        })
        .join('');
      if (!response.write(text)) await new Promise((resolve) => response.once('drain', resolve));
      after = (frames[frames.length - 1] as StoredFrame).seq;
    }
    response.end();
  });

  app.post('/api/analyze', async (request: Request, response: Response) => {
    const options = optionsOf(request, deps.conversation);
    const result = await analyzeBody(transcriptBody(request), options, deps.maxTranscriptBytes);
    const { findings, verdict, schemaValid, state } = result;
    response.json({ verdict, schemaValid, frames: state.summary.frames, findings, state });
  });

  app.post('/api/sessions/import', async (request: Request, response: Response) => {
    const rmId = pairParam(request, 'rmId') ?? 'imported-rm';
    const cemId = pairParam(request, 'cemId') ?? 'imported-cem';
    const options = optionsOf(request, deps.conversation);
    const { session, batch } = await importedSession(
      transcriptBody(request),
      { rmId, cemId },
      options,
      deps.maxTranscriptBytes,
    );
    await store.save(batch);
    deps.onImported();
    const stored = await store.session(session.id);
    response.status(201).location(`/api/sessions/${session.id}`).json(stored);
  });

  app.get('/api/rules', (_request: Request, response: Response) => {
    response.json({ rules: ruleGuide() });
  });

  app.get('/api/connections', (_request: Request, response: Response) => {
    response.json({ connections: dialer.list() });
  });

  app.post('/api/connections', (request: Request, response: Response) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') throw new AnalyzerError('bad-request', 'a JSON object is required');
    const { side, url, rmId, cemId, token, ca } = body;
    if (side !== 'RM' && side !== 'CEM') throw new AnalyzerError('bad-request', "side must be 'RM' or 'CEM'");
    if (typeof url !== 'string' || !URL.canParse(url) || !['ws:', 'wss:'].includes(new URL(url).protocol))
      throw new AnalyzerError('bad-request', 'url must be a ws:// or wss:// URL');
    const ids = [rmId, cemId].map((id) => (typeof id === 'string' ? pairId(encodeURIComponent(id)) : undefined));
    if (ids[0] === undefined || ids[1] === undefined)
      throw new AnalyzerError('bad-request', 'rmId and cemId must be 1 to 256 printable characters');
    if (token !== undefined && (typeof token !== 'string' || token.length === 0))
      throw new AnalyzerError('bad-request', 'token must be a non-empty string');
    if (ca !== undefined && typeof ca !== 'string') throw new AnalyzerError('bad-request', 'ca must be PEM text');
    const view = dialer.add({ side, url, rmId: ids[0], cemId: ids[1], token, ca });
    response.status(201).location(`/api/connections/${view.id}`).json(view);
  });

  app.get('/api/connections/:id', (request: Request, response: Response) => {
    const view = dialer.get(String(request.params['id']));
    if (!view) throw new AnalyzerError('not-found', `no connection ${String(request.params['id'])}`);
    response.json(view);
  });

  app.delete('/api/connections/:id', (request: Request, response: Response) => {
    if (!dialer.remove(String(request.params['id'])))
      throw new AnalyzerError('not-found', `no connection ${String(request.params['id'])}`);
    response.status(204).end();
  });
}
