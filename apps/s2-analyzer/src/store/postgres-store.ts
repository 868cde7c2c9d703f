import { inTransaction } from '@flexgrid/platform-db';
import type { ConversationState, Finding, Level, RuleId, Severity } from '@flexgrid/protocol-s2';
import type pg from 'pg';
import type { SessionInfo } from '../domain/analysis';
import type { MeterReadingRow, MeterSample } from '../domain/meter-readings';
import type {
  AnalyzerStore,
  FrameFilter,
  SessionFilter,
  SessionPage,
  SessionProgress,
  SessionSummary,
  SessionToPublish,
  StoredBatch,
  StoredEnd,
  StoredFrame,
} from './analyzer-store';

/*
 * The analyzer's store on PostgreSQL (migrations/0001_sessions.sql). A batch is a handful of multi-row statements
 * (unnest of arrays) in one transaction, whatever its size, and every insert is idempotent (natural keys, on
 * conflict do nothing), so a batch retried after a lost connection stores nothing twice.
 */

/** PostgreSQL text cannot hold U+0000; a finding's detail may quote one from the wire. */
function storable(text: string): string;
function storable(text: string | null | undefined): string | null;
function storable(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\\u0000') : text;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

interface SessionRow {
  session_id: string;
  rm_id: string;
  cem_id: string;
  origin: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  frames: number;
  errors: number;
  warnings: number;
  verdict: 'valid' | 'invalid';
  schema_valid: boolean;
  frames_lost: number;
}

function summaryOf(row: SessionRow): SessionSummary {
  return {
    id: row.session_id,
    rmId: row.rm_id,
    cemId: row.cem_id,
    origin: row.origin,
    startedAt: row.started_at.toISOString(),
    endedAt: iso(row.ended_at),
    endReason: row.end_reason,
    frames: row.frames,
    errors: row.errors,
    warnings: row.warnings,
    verdict: row.verdict,
    schemaValid: row.schema_valid,
    framesLost: row.frames_lost,
  };
}

interface FindingRow {
  seq: number;
  rule: string;
  level: string;
  severity: string;
  detail: string;
  path: string | null;
}

function findingOf(row: FindingRow): Finding {
  const finding = {
    seq: row.seq,
    rule: row.rule as RuleId,
    level: row.level as Level,
    severity: row.severity as Severity,
    detail: row.detail,
  };
  return row.path === null ? finding : { ...finding, path: row.path };
}

interface FrameRow {
  session_id: string;
  seq: number;
  t: string;
  direction: 'rm->cem' | 'cem->rm';
  received_at: Date;
  payload: Buffer;
  is_binary: boolean;
  message_type: string | null;
  findings: FindingRow[] | null;
}

function frameOf(row: FrameRow): StoredFrame {
  return {
    sessionId: row.session_id,
    seq: row.seq,
    t: Number(row.t),
    direction: row.direction,
    receivedAt: row.received_at.getTime(),
    payload: row.payload,
    binary: row.is_binary,
    messageType: row.message_type,
    findings: (row.findings ?? []).map(findingOf),
  };
}

const FRAME_COLUMNS = `f.session_id, f.seq, f.t, f.direction, f.received_at, f.payload, f.is_binary, f.message_type,
  case when f.finding_count > 0 then (
    select json_agg(json_build_object('seq', x.seq, 'rule', x.rule, 'level', x.level, 'severity', x.severity,
      'detail', x.detail, 'path', x.path) order by x.rule)
    from findings x where x.session_id = f.session_id and x.seq = f.seq) end as findings`;

function insertFindings(client: pg.PoolClient, rows: ReadonlyArray<{ sessionId: string; finding: Finding }>) {
  if (rows.length === 0) return Promise.resolve();
  return client.query(
    `insert into findings (session_id, seq, rule, level, severity, detail, path)
     select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
     on conflict do nothing`,
    [
      rows.map((row) => row.sessionId),
      rows.map((row) => row.finding.seq),
      rows.map((row) => row.finding.rule),
      rows.map((row) => row.finding.level),
      rows.map((row) => row.finding.severity),
      rows.map((row) => storable(row.finding.detail)),
      rows.map((row) => storable(row.finding.path)),
    ],
  );
}

export class PostgresAnalyzerStore implements AnalyzerStore {
  constructor(private readonly pool: pg.Pool) {}

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  save(batch: StoredBatch): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      const { sessions, frames, readings, samples, progress, ends } = batch;
      if (sessions.length > 0)
        await client.query(
          `insert into sessions (session_id, rm_id, cem_id, origin, started_at)
           select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
           on conflict do nothing`,
          [
            sessions.map((s) => s.id),
            sessions.map((s) => storable(s.rmId)),
            sessions.map((s) => storable(s.cemId)),
            sessions.map((s) => s.origin),
            sessions.map((s) => new Date(s.startedAt).toISOString()),
          ],
        );
      if (frames.length > 0) {
        // The payloads go as one binary parameter cut by offsets: a bytea[] parameter would be hex text, escaped
        // element by element, which costs more than the rest of the write.
        const offsets: number[] = [];
        let offset = 0;
        for (const frame of frames) {
          offsets.push(offset);
          offset += frame.payload.length;
        }
        await client.query(
          `insert into frames (session_id, seq, t, direction, received_at, payload, is_binary, message_type, finding_count)
           select u.session_id, u.seq, u.t, u.direction, to_timestamp(u.received_ms / 1000.0),
             substring($6::bytea from u.payload_offset + 1 for u.payload_length), u.is_binary, u.message_type, u.finding_count
           from unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], $5::bigint[], $7::int[], $8::int[],
             $9::boolean[], $10::text[], $11::int[])
             as u(session_id, seq, t, direction, received_ms, payload_offset, payload_length, is_binary, message_type,
               finding_count)
           on conflict do nothing`,
          [
            frames.map((f) => f.sessionId),
            frames.map((f) => f.seq),
            frames.map((f) => f.t),
            frames.map((f) => f.direction),
            frames.map((f) => f.receivedAt),
            Buffer.concat(frames.map((f) => f.payload)),
            offsets,
            frames.map((f) => f.payload.length),
            frames.map((f) => f.binary),
            frames.map((f) => storable(f.messageType)),
            frames.map((f) => f.findings.length),
          ],
        );
      }
      await insertFindings(client, [
        ...frames.flatMap((f) => f.findings.map((finding) => ({ sessionId: f.sessionId, finding }))),
        ...ends.flatMap((end) => end.findings.map((finding) => ({ sessionId: end.sessionId, finding }))),
      ]);
      if (readings.length > 0)
        await client.query(
          `insert into meter_readings (meter_id, start_time, end_time, power_w, energy_wh, session_id, seq)
           select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::uuid[], $7::int[])
           on conflict do nothing`,
          [
            readings.map((r) => storable(r.meterId)),
            readings.map((r) => r.startTime),
            readings.map((r) => r.endTime),
            readings.map((r) => r.powerW),
            readings.map((r) => r.energyWh),
            readings.map((r) => r.sessionId),
            readings.map((r) => r.seq),
          ],
        );
      if (samples.length > 0)
        await client.query(
          `insert into meter_samples (meter_id, sampled_at, power_w)
           select * from unnest($1::text[], $2::bigint[], $3::float8[])
           on conflict (meter_id) do update set sampled_at = excluded.sampled_at, power_w = excluded.power_w`,
          [samples.map((s) => storable(s.meterId)), samples.map((s) => s.sampledAt), samples.map((s) => s.powerW)],
        );
      // One row per session: an update joined to two rows of one session applies either one, unpredictably.
      const bySession = new Map<string, SessionProgress & { end?: StoredEnd }>();
      for (const each of progress) bySession.set(each.sessionId, each);
      for (const end of ends) {
        const snapshot = bySession.get(end.sessionId);
        bySession.set(end.sessionId, {
          sessionId: end.sessionId,
          storedSeq: snapshot?.storedSeq ?? 0,
          framesLost: snapshot?.framesLost ?? 0,
          state: end.state,
          end,
        });
      }
      const states = [...bySession.values()];
      if (states.length > 0)
        await client.query(
          `update sessions s set
             frames = (u.state->'summary'->>'frames')::int,
             errors = (u.state->'summary'->'counts'->>'error')::int,
             warnings = (u.state->'summary'->'counts'->>'warning')::int,
             verdict = u.state->'summary'->>'verdict',
             schema_valid = (u.state->'summary'->>'schemaValid')::boolean,
             state = u.state,
             stored_seq = greatest(s.stored_seq, u.stored_seq),
             frames_lost = greatest(s.frames_lost, u.frames_lost),
             ended_at = coalesce(u.ended_at, s.ended_at),
             end_reason = coalesce(u.end_reason, s.end_reason)
           from unnest($1::uuid[], $2::json[], $3::int[], $4::int[], $5::timestamptz[], $6::text[])
             as u(session_id, state, stored_seq, frames_lost, ended_at, end_reason)
           where s.session_id = u.session_id`,
          [
            states.map((s) => s.sessionId),
            states.map((s) => JSON.stringify(s.state)),
            states.map((s) => s.storedSeq),
            states.map((s) => s.framesLost),
            states.map((s) => (s.end ? new Date(s.end.endedAt).toISOString() : null)),
            states.map((s) => (s.end ? storable(s.end.reason) : null)),
          ],
        );
    });
  }

  async listSessions(filter: SessionFilter): Promise<SessionPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.rmId !== undefined) where.push(`rm_id = ${param(filter.rmId)}`);
    if (filter.cemId !== undefined) where.push(`cem_id = ${param(filter.cemId)}`);
    if (filter.from !== undefined) where.push(`started_at >= ${param(new Date(filter.from).toISOString())}`);
    if (filter.to !== undefined) where.push(`started_at < ${param(new Date(filter.to).toISOString())}`);
    if (filter.hasErrors !== undefined) where.push(filter.hasErrors ? 'errors > 0' : 'errors = 0');
    if (filter.cursor) {
      const [startedAt, id] = filter.cursor.split('|');
      where.push(`(started_at, session_id) < (${param(startedAt)}::timestamptz, ${param(id)}::uuid)`);
    }
    const { rows } = await this.pool.query<SessionRow>(
      `select session_id, rm_id, cem_id, origin, started_at, ended_at, end_reason, frames, errors, warnings, verdict,
         schema_valid, frames_lost
       from sessions ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
       order by started_at desc, session_id desc limit ${param(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      sessions: page.map(summaryOf),
      next: rows.length > filter.limit && last ? `${last.started_at.toISOString()}|${last.session_id}` : null,
    };
  }

  async session(id: string): Promise<(SessionSummary & { state: ConversationState | null }) | undefined> {
    const { rows } = await this.pool.query<SessionRow & { state: ConversationState | null }>(
      `select session_id, rm_id, cem_id, origin, started_at, ended_at, end_reason, frames, errors, warnings, verdict,
         schema_valid, frames_lost, state
       from sessions where session_id = $1`,
      [id],
    );
    const row = rows[0];
    return row ? { ...summaryOf(row), state: row.state } : undefined;
  }

  async frames(sessionId: string, filter: FrameFilter): Promise<StoredFrame[]> {
    const params: unknown[] = [sessionId, filter.afterSeq];
    const where = ['f.session_id = $1', 'f.seq > $2'];
    if (filter.messageType !== undefined) {
      params.push(filter.messageType);
      where.push(`f.message_type = $${params.length}`);
    }
    if (filter.direction !== undefined) {
      params.push(filter.direction);
      where.push(`f.direction = $${params.length}`);
    }
    if (filter.hasFinding !== undefined) where.push(filter.hasFinding ? 'f.finding_count > 0' : 'f.finding_count = 0');
    params.push(filter.limit);
    const { rows } = await this.pool.query<FrameRow>(
      `select ${FRAME_COLUMNS} from frames f where ${where.join(' and ')} order by f.seq limit $${params.length}`,
      params,
    );
    return rows.map(frameOf);
  }

  async findings(sessionId: string): Promise<Finding[]> {
    const { rows } = await this.pool.query<FindingRow>(
      'select seq, rule, level, severity, detail, path from findings where session_id = $1 order by seq, rule',
      [sessionId],
    );
    return rows.map(findingOf);
  }

  async unpublished(sessions: number, frames: number): Promise<SessionToPublish[]> {
    const { rows: pending } = await this.pool.query<{
      session_id: string;
      rm_id: string;
      cem_id: string;
      published_seq: number;
      stored_seq: number;
      ended_at: Date | null;
      end_reason: string | null;
      state: ConversationState | null;
      frames_lost: number;
    }>(
      `select session_id, rm_id, cem_id, published_seq, stored_seq, ended_at, end_reason, frames_lost,
         case when ended_at is not null and stored_seq - published_seq <= $2 then state end as state
       from sessions
       where origin <> 'import' and (published_seq < stored_seq or (ended_at is not null and not end_published))
       order by started_at limit $1`,
      [sessions, frames],
    );
    if (pending.length === 0) return [];
    const ids = pending.map((p) => p.session_id);
    const { rows: frameRows } = await this.pool.query<FrameRow>(
      `select ${FRAME_COLUMNS}
       from unnest($1::uuid[], $2::int[]) as w(session_id, after)
       join lateral (select * from frames where session_id = w.session_id and seq > w.after order by seq limit $3) f
         on true
       order by f.session_id, f.seq`,
      [ids, pending.map((p) => p.published_seq), frames],
    );
    const { rows: readingRows } = await this.pool.query<{
      meter_id: string;
      start_time: string;
      end_time: string;
      power_w: string;
      energy_wh: string;
      session_id: string;
      seq: number;
    }>(
      `select r.* from unnest($1::uuid[], $2::int[], $3::int[]) as w(session_id, after, upto)
       join meter_readings r on r.session_id = w.session_id and r.seq > w.after and r.seq <= w.upto
       order by r.session_id, r.seq`,
      [ids, pending.map((p) => p.published_seq), pending.map((p) => p.published_seq + frames)],
    );
    const { rows: endFindings } = await this.pool.query<FindingRow & { session_id: string }>(
      `select session_id, seq, rule, level, severity, detail, path from findings
       where session_id = any($1::uuid[]) and rule = 'S2-RS-MISSING' order by session_id, seq`,
      [pending.filter((p) => p.state !== null).map((p) => p.session_id)],
    );
    return pending.map((p) => {
      const sessionFrames = frameRows.filter((row) => row.session_id === p.session_id).map(frameOf);
      const lastSeq = sessionFrames[sessionFrames.length - 1]?.seq ?? p.published_seq;
      const complete = lastSeq >= p.stored_seq;
      const end: StoredEnd | undefined =
        p.ended_at && p.state && complete
          ? {
              sessionId: p.session_id,
              endedAt: p.ended_at.getTime(),
              reason: p.end_reason ?? '',
              findings: endFindings.filter((row) => row.session_id === p.session_id).map(findingOf),
              state: p.state,
            }
          : undefined;
      const readings: MeterReadingRow[] = readingRows
        .filter((row) => row.session_id === p.session_id && row.seq <= lastSeq)
        .map((row) => ({
          meterId: row.meter_id,
          startTime: Number(row.start_time),
          endTime: Number(row.end_time),
          powerW: Number(row.power_w),
          energyWh: Number(row.energy_wh),
          sessionId: row.session_id,
          seq: row.seq,
        }));
      return {
        session: { id: p.session_id, rmId: p.rm_id, cemId: p.cem_id },
        frames: sessionFrames,
        readings,
        end,
        publishedSeq: lastSeq,
        framesLost: p.frames_lost,
      };
    });
  }

  async markPublished(done: ReadonlyArray<{ sessionId: string; publishedSeq: number; ended: boolean }>): Promise<void> {
    if (done.length === 0) return;
    await this.pool.query(
      `update sessions s set published_seq = greatest(s.published_seq, u.published_seq),
         end_published = s.end_published or u.ended
       from unnest($1::uuid[], $2::int[], $3::boolean[]) as u(session_id, published_seq, ended)
       where s.session_id = u.session_id`,
      [done.map((d) => d.sessionId), done.map((d) => d.publishedSeq), done.map((d) => d.ended)],
    );
  }

  async unfinished(): Promise<SessionInfo[]> {
    const { rows } = await this.pool.query<{
      session_id: string;
      rm_id: string;
      cem_id: string;
      origin: 'relay' | 'dial' | 'import';
      started_at: Date;
    }>(`select session_id, rm_id, cem_id, origin, started_at from sessions where ended_at is null order by started_at`);
    return rows.map((row) => ({
      id: row.session_id,
      rmId: row.rm_id,
      cemId: row.cem_id,
      origin: row.origin,
      startedAt: row.started_at.getTime(),
    }));
  }

  async samples(): Promise<MeterSample[]> {
    const { rows } = await this.pool.query<{ meter_id: string; sampled_at: string; power_w: number }>(
      'select meter_id, sampled_at, power_w from meter_samples',
    );
    return rows.map((row) => ({ meterId: row.meter_id, sampledAt: Number(row.sampled_at), powerW: row.power_w }));
  }
}
