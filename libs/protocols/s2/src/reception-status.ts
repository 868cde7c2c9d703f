import { AnsweredIds } from './answered-ids';
import { NIL_UUID, otherSide, type Side } from './catalog';
import type { ControlTypeSwitch } from './control-type';
import { quote, type RuleId } from './finding';
import { jsonEqual } from './json-equal';
import type { S2Message } from './messages';

/*
 * ReceptionStatus bookkeeping (RULES.md §2.5, §5.3, §7 P2, P3, P5, P7): every tracked message waits for
 * exactly one answer from the other side, in any order and at any time; unanswered ones become S2-RS-MISSING
 * at session end.
 */

/** Reports a finding on the frame being processed. */
export type Report = (rule: RuleId, detail: string, path?: string) => void;

/** A tracked message that is unanswered or was answered TEMPORARY_ERROR (§5.1 `sent[side]` record). */
export class SentMessage {
  /** The answer's `status` once answered (null also for an answer without a string status). */
  status: string | null = null;
  answered = false;
  /** Set while this is an applied, unanswered SelectControlType that a refusal could still undo (§5.3 step 6). */
  controlTypeSwitch: ControlTypeSwitch | undefined = undefined;

  constructor(
    readonly side: Side,
    readonly messageId: string,
    public seq: number,
    public t: number,
    /** The `message_type` if it is a string, else ''. */
    public type: string,
    public schemaInvalid: boolean,
    /** The message itself, for the retry comparison of §7 P5. */
    public body: S2Message,
  ) {}

  /** §7 P5: a retry makes this the record of the resent message: new seq and t, unanswered, no switch. */
  rearm(seq: number, t: number, type: string, schemaInvalid: boolean, body: S2Message): void {
    this.seq = seq;
    this.t = t;
    this.type = type;
    this.schemaInvalid = schemaInvalid;
    this.body = body;
    this.status = null;
    this.answered = false;
    this.controlTypeSwitch = undefined;
  }
}

/**
 * A message answered for good (any status but TEMPORARY_ERROR) is kept only as its seq, in the packed
 * register of answered ids: that is all that S2-ID-DUPLICATE and S2-RS-DUPLICATE still need (§10).
 */
type Sent = SentMessage | number;

/** An unanswered tracked message as the state shows it (§8 `pendingReceptionStatus`). */
export interface PendingReceptionStatus {
  seq: number;
  side: Side;
  messageId: string;
  messageType: string;
  t: number;
  overdue: boolean;
}

export class ReceptionLedger {
  /** Tracked messages not yet answered for good, with their bodies (§7 P5). */
  private readonly open: Record<Side, Map<string, SentMessage>> = { RM: new Map(), CEM: new Map() };
  private readonly answered: Record<Side, AnsweredIds> = { RM: new AnsweredIds(), CEM: new AnsweredIds() };
  /** Per side and id: uses rejected by S2-ID-DUPLICATE, each allowing one more answer (§5.3 step 4, `spare`). */
  private readonly spares: Record<Side, Map<string, number>> = { RM: new Map(), CEM: new Map() };
  /** Unanswered tracked messages; insertion order is seq order because a message is (re)armed at its own seq. */
  private readonly unanswered = new Set<SentMessage>();

  constructor(private readonly rsTimeoutMs: number) {}

  /**
   * The message-id step of §5.2 for a message with a usable id. Returns its tracking record, or undefined when
   * the side already used the id and this is not a retry (S2-ID-DUPLICATE: neither tracked nor applied).
   */
  track(
    side: Side,
    messageId: string,
    seq: number,
    t: number,
    message: S2Message,
    schemaInvalid: boolean,
    report: Report,
  ): SentMessage | undefined {
    const type = typeof message['message_type'] === 'string' ? (message['message_type'] as string) : '';
    const earlier = this.lookUp(side, messageId);
    if (earlier === undefined) {
      const record = new SentMessage(side, messageId, seq, t, type, schemaInvalid, message);
      this.open[side].set(messageId, record);
      this.unanswered.add(record);
      return record;
    }
    if (typeof earlier !== 'number' && earlier.status === 'TEMPORARY_ERROR' && jsonEqual(earlier.body, message)) {
      // §7 P5 retry: the same message again after TEMPORARY_ERROR is re-armed, not a duplicate.
      earlier.rearm(seq, t, type, schemaInvalid, message);
      this.unanswered.add(earlier);
      return earlier;
    }
    this.spares[side].set(messageId, (this.spares[side].get(messageId) ?? 0) + 1);
    const firstSeq = typeof earlier === 'number' ? earlier : earlier.seq;
    report(
      'S2-ID-DUPLICATE',
      `message_id ${quote(messageId)} was already used by the ${side} at seq ${firstSeq}`,
      '/message_id',
    );
    return undefined;
  }

  /**
   * Steps 2 to 5 of §5.3 for a ReceptionStatus sent by `side` (schema-valid or not). Returns the record it
   * answered, or undefined when it answered nothing new.
   */
  answer(side: Side, receptionStatus: S2Message, seq: number, t: number, report: Report): SentMessage | undefined {
    const subject = receptionStatus['subject_message_id'];
    if (typeof subject !== 'string') return undefined;
    const status = receptionStatus['status'];
    const subjectSide = otherSide(side);
    const record = this.lookUp(subjectSide, subject);
    if (record === undefined) {
      if (subject !== NIL_UUID || status !== 'INVALID_DATA') {
        report(
          'S2-RS-UNKNOWN',
          `ReceptionStatus for ${quote(subject)}, which the ${subjectSide} has not sent`,
          '/subject_message_id',
        );
      }
      return undefined;
    }
    if (typeof record === 'number' || record.answered) {
      const spares = this.spares[subjectSide];
      const spare = spares.get(subject) ?? 0;
      if (spare > 1) spares.set(subject, spare - 1);
      else if (spare === 1) spares.delete(subject);
      else
        report(
          'S2-RS-DUPLICATE',
          `second ReceptionStatus for ${quote(subject)}, which was already answered`,
          '/subject_message_id',
        );
      return undefined;
    }
    record.answered = true;
    record.status = typeof status === 'string' ? status : null;
    this.unanswered.delete(record);
    if (record.status !== 'TEMPORARY_ERROR') {
      this.open[subjectSide].delete(subject);
      this.answered[subjectSide].add(subject, record.seq);
    }
    const delay = t - record.t;
    if (delay > this.rsTimeoutMs) {
      report(
        'S2-RS-LATE',
        `ReceptionStatus for ${quote(subject)} came ${delay} ms after it (limit ${this.rsTimeoutMs} ms)`,
        '/subject_message_id',
      );
    }
    if (record.schemaInvalid && status === 'OK') {
      report(
        'S2-RS-ACCEPTED-INVALID',
        `status 'OK' for ${quote(subject)}, which failed its schema at seq ${record.seq}`,
        '/status',
      );
    }
    return record;
  }

  private lookUp(side: Side, messageId: string): Sent | undefined {
    return this.open[side].get(messageId) ?? this.answered[side].get(messageId);
  }

  /** Unanswered tracked messages in seq order; `overdue` once `now − t > rsTimeoutMs` (§7 P7). */
  pending(now: number): PendingReceptionStatus[] {
    return [...this.unanswered].map((record) => ({
      seq: record.seq,
      side: record.side,
      messageId: record.messageId,
      messageType: record.type,
      t: record.t,
      overdue: now - record.t > this.rsTimeoutMs,
    }));
  }

  /** Session end (§7 P7): every tracked message still unanswered, which then no longer counts as pending. */
  closeUnanswered(): SentMessage[] {
    const missing = [...this.unanswered];
    this.unanswered.clear();
    return missing;
  }
}
