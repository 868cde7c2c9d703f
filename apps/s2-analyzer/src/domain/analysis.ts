import {
  type Conversation,
  type ConversationOptions,
  type ConversationState,
  createConversation,
  type Finding,
  type PendingReceptionStatus,
} from '@flexgrid/protocol-s2';
import type { MeasuredValues, MeterReadingRow, MeterSamples } from './meter-readings';
import type { ObservedFrame, RelaySession, SessionOrigin } from './relay-session';

/*
 * The analysis of every session, off the forwarding path (RULES §7 P9): frames queue per session and are analysed
 * in turns of a few milliseconds between I/O events, sessions taking turns, so neither a long session nor a burst
 * delays forwarding or another session. A session whose queue passes its bound stops reading from its sockets
 * (backpressure on that pair only) until the queue is half empty. An exception in one session's analysis is
 * logged and yields no finding; it touches nothing else.
 */

export interface SessionInfo {
  id: string;
  rmId: string;
  cemId: string;
  origin: SessionOrigin | 'import';
  /** Epoch ms. */
  startedAt: number;
}

export interface AnalyzedFrame {
  session: SessionInfo;
  frame: ObservedFrame;
  /** The frame's `message_type` when it is a JSON object with a string one. */
  messageType: string | null;
  findings: Finding[];
  /** meter.readings from this frame when it is an applied PowerMeasurement. */
  readings: MeterReadingRow[];
}

export interface SessionEnd {
  session: SessionInfo;
  /** Epoch ms. */
  endedAt: number;
  reason: string;
  /** The findings the end raised (S2-RS-MISSING, §7 P7). */
  findings: Finding[];
  state: ConversationState;
}

/** Where analysed sessions go: storage, the live stream. */
export interface AnalysisSink {
  started(session: SessionInfo): void;
  analyzed(frame: AnalyzedFrame): void;
  ended(end: SessionEnd): void;
  /** A pending ReceptionStatus became overdue (§7 P7): an event, not a finding. */
  overdue(session: SessionInfo, pending: PendingReceptionStatus): void;
}

export interface AnalysisOptions {
  conversation: ConversationOptions;
  /** Frames queued per session before its sockets stop being read. */
  queueFrames: number;
  /** How long one turn of analysis may run before I/O gets its turn, in ms. */
  turnMs?: number;
}

export interface AnalysisLog {
  error(fields: object, message: string): void;
}

/** The `message_type` of a frame's text, when it is a JSON object with a string one. */
export function messageTypeOf(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const type = (value as Record<string, unknown>)['message_type'];
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

class SessionAnalysis {
  readonly conversation: Conversation;
  readonly queue: ObservedFrame[] = [];
  queued = false;
  endedAt: number | undefined;
  endReason = '';
  throttled = false;
  /** `t` of the last frame analysed. */
  lastT = 0;
  /** Seqs announced as overdue and still unanswered. */
  overdue = new Set<number>();

  constructor(
    readonly info: SessionInfo,
    readonly relay: RelaySession | undefined,
    options: ConversationOptions,
  ) {
    // Each push's findings go to storage and the live stream; kept here too, a session with a finding per frame
    // would grow by every one of them for as long as it lasts.
    this.conversation = createConversation({ ...options, keepFindings: false });
  }
}

export class AnalysisPipeline {
  private readonly sessions = new Map<string, SessionAnalysis>();
  /** Sessions with queued frames, in turn order. */
  private readonly turns: SessionAnalysis[] = [];
  private scheduled = false;
  private readonly turnMs: number;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly options: AnalysisOptions,
    private readonly meters: MeterSamples,
    private readonly sink: AnalysisSink,
    private readonly log: AnalysisLog,
  ) {
    this.turnMs = options.turnMs ?? 5;
  }

  started(relay: RelaySession): void {
    const info: SessionInfo = {
      id: relay.id,
      rmId: relay.rmId,
      cemId: relay.cemId,
      origin: relay.origin,
      startedAt: relay.startedAt,
    };
    this.sessions.set(relay.id, new SessionAnalysis(info, relay, this.options.conversation));
    this.sink.started(info);
  }

  frame(relay: RelaySession, frame: ObservedFrame): void {
    const analysis = this.sessions.get(relay.id);
    if (!analysis) return;
    analysis.queue.push(frame);
    if (analysis.queue.length > this.options.queueFrames && !analysis.throttled) {
      analysis.throttled = true;
      relay.hold('RM', 'analysis is behind');
      relay.hold('CEM', 'analysis is behind');
    }
    this.enqueue(analysis);
  }

  ended(relay: RelaySession): void {
    const analysis = this.sessions.get(relay.id);
    if (!analysis) return;
    analysis.endedAt = Date.now();
    analysis.endReason = relay.endReason ?? 'ended';
    this.enqueue(analysis);
  }

  /** The state of a session being analysed (`now` in ms since its start defaults to its last frame). */
  state(sessionId: string, now?: number): ConversationState | undefined {
    return this.sessions.get(sessionId)?.conversation.state(now);
  }

  /** Live sessions' states as of now, for storage snapshots. */
  liveState(sessionId: string): ConversationState | undefined {
    const analysis = this.sessions.get(sessionId);
    return analysis?.conversation.state(analysis.relay?.now());
  }

  /** Announces pending ReceptionStatus that became overdue (call about once a second). */
  checkOverdue(): void {
    for (const analysis of this.sessions.values()) {
      if (analysis.endedAt !== undefined || !analysis.relay) continue;
      // While frames wait for analysis, their answers may be among them: judge only up to what was analysed.
      const now = analysis.queue.length > 0 ? analysis.lastT : analysis.relay.now();
      const overdue = new Set<number>();
      for (const pending of analysis.conversation.state(now).pendingReceptionStatus) {
        if (!pending.overdue) continue;
        overdue.add(pending.seq);
        if (!analysis.overdue.has(pending.seq)) this.sink.overdue(analysis.info, pending);
      }
      // Answered ones drop out, so a long session does not collect every seq that was ever late.
      analysis.overdue = overdue;
    }
  }

  /** Resolves once every queued frame and end is analysed (shutdown, tests). */
  idle(): Promise<void> {
    if (this.turns.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(analysis: SessionAnalysis): void {
    if (!analysis.queued) {
      analysis.queued = true;
      this.turns.push(analysis);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const until = performance.now() + this.turnMs;
    while (this.turns.length > 0 && performance.now() < until) {
      const analysis = this.turns.shift() as SessionAnalysis;
      // A slice per session per round, so one busy session cannot starve the others.
      for (let n = 0; n < 64 && analysis.queue.length > 0; n++)
        this.analyse(analysis, analysis.queue.shift() as ObservedFrame);
      if (analysis.throttled && analysis.queue.length <= this.options.queueFrames / 2) {
        analysis.throttled = false;
        analysis.relay?.release('RM', 'analysis is behind');
        analysis.relay?.release('CEM', 'analysis is behind');
      }
      if (analysis.queue.length > 0) this.turns.push(analysis);
      else {
        analysis.queued = false;
        if (analysis.endedAt !== undefined) this.finish(analysis);
      }
    }
    if (this.turns.length > 0) {
      this.scheduled = true;
      setImmediate(this.run);
    } else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  private analyse(analysis: SessionAnalysis, frame: ObservedFrame): void {
    const { info, conversation } = analysis;
    let findings: Finding[] = [];
    let messageType: string | null = null;
    let readings: MeterReadingRow[] = [];
    analysis.lastT = frame.t;
    try {
      const { t, direction } = frame;
      if (frame.binary) findings = conversation.push({ t, direction, binary: frame.payload });
      else {
        const text = frame.payload.toString('utf8');
        findings = conversation.push({ t, direction, text });
        messageType = messageTypeOf(text);
      }
      const measurement = messageType === 'PowerMeasurement' ? conversation.lastPowerMeasurement() : null;
      if (measurement && measurement.seq === frame.seq) {
        const values = measurement.message as unknown as MeasuredValues;
        readings = this.meters.take(info.cemId, info.rmId, info.id, frame.seq, values);
      }
    } catch (error) {
      this.log.error({ err: error, sessionId: info.id, seq: frame.seq }, 'analysis of a frame failed');
    }
    this.sink.analyzed({ session: info, frame, messageType, findings, readings });
  }

  private finish(analysis: SessionAnalysis): void {
    this.sessions.delete(analysis.info.id);
    let findings: Finding[] = [];
    try {
      findings = analysis.conversation.end();
    } catch (error) {
      this.log.error({ err: error, sessionId: analysis.info.id }, 'ending the analysis of a session failed');
    }
    this.sink.ended({
      session: analysis.info,
      endedAt: analysis.endedAt ?? Date.now(),
      reason: analysis.endReason,
      findings,
      state: analysis.conversation.state(),
    });
  }
}
