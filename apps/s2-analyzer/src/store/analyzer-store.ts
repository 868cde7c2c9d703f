import type { ConversationState, Finding } from '@flexgrid/protocol-s2';
import type { SessionInfo } from '../domain/analysis';
import type { MeterReadingRow, MeterSample } from '../domain/meter-readings';
import type { FrameOfSession, SessionIds } from '../records';

/*
 * What the analyzer keeps (sessions, frames, findings, state snapshots, meter readings and samples) behind one
 * interface; `postgres-store.ts` implements it on PostgreSQL.
 */

export interface StoredFrame extends FrameOfSession {
  sessionId: string;
  messageType: string | null;
  findings: Finding[];
}

/** Where a session stands after a batch: its latest state snapshot and the last seq stored. */
export interface SessionProgress {
  sessionId: string;
  storedSeq: number;
  /** Frames of the session so far that could not be kept (the store behind past its buffer): a total, not a delta. */
  framesLost: number;
  state: ConversationState;
}

export interface StoredEnd {
  sessionId: string;
  /** Epoch ms. */
  endedAt: number;
  reason: string;
  findings: Finding[];
  state: ConversationState;
}

/** What one write stores, in one transaction. */
export interface StoredBatch {
  sessions: SessionInfo[];
  frames: StoredFrame[];
  readings: MeterReadingRow[];
  samples: MeterSample[];
  progress: SessionProgress[];
  ends: StoredEnd[];
}

export interface SessionFilter {
  rmId?: string;
  cemId?: string;
  /** Sessions started at or after, epoch ms. */
  from?: number;
  /** Sessions started before, epoch ms. */
  to?: number;
  hasErrors?: boolean;
  limit: number;
  /** The `next` cursor of the previous page. */
  cursor?: string;
}

export interface SessionSummary {
  id: string;
  rmId: string;
  cemId: string;
  origin: string;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  frames: number;
  errors: number;
  warnings: number;
  verdict: 'valid' | 'invalid';
  schemaValid: boolean;
  framesLost: number;
}

export interface SessionPage {
  sessions: SessionSummary[];
  next: string | null;
}

export interface FrameFilter {
  messageType?: string;
  direction?: 'rm->cem' | 'cem->rm';
  hasFinding?: boolean;
  /** Frames after this seq. */
  afterSeq: number;
  limit: number;
}

/** Unpublished work of one session: frames after its published seq, their readings, and its end once all are out. */
export interface SessionToPublish {
  session: SessionIds;
  frames: StoredFrame[];
  readings: MeterReadingRow[];
  /** Set when the session ended and every stored frame is in `frames` or already published. */
  end: StoredEnd | undefined;
  /** The published seq once this work is out. */
  publishedSeq: number;
  /** Frames of the session that were not stored (and so are not published): the end's record says how many. */
  framesLost: number;
}

export interface AnalyzerStore {
  save(batch: StoredBatch): Promise<void>;
  listSessions(filter: SessionFilter): Promise<SessionPage>;
  session(id: string): Promise<(SessionSummary & { state: ConversationState | null }) | undefined>;
  frames(sessionId: string, filter: FrameFilter): Promise<StoredFrame[]>;
  findings(sessionId: string): Promise<Finding[]>;
  /** Up to `sessions` sessions with unpublished frames or an unpublished end, up to `frames` frames each. */
  unpublished(sessions: number, frames: number): Promise<SessionToPublish[]>;
  markPublished(done: ReadonlyArray<{ sessionId: string; publishedSeq: number; ended: boolean }>): Promise<void>;
  /** Sessions without an end: those a crash or kill interrupted. */
  unfinished(): Promise<SessionInfo[]>;
  samples(): Promise<MeterSample[]>;
  ping(): Promise<void>;
}
