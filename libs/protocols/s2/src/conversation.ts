import {
  type ControlType,
  familyOf,
  FORECAST_TYPES,
  isUsableId,
  maySend,
  type MessageType,
  RECEPTION_STATUS_VALUES,
  type Side,
} from './catalog';
import type { ControlTypeChange } from './control-type';
import type { ConversationState, HandshakeView, Phase } from './conversation-state';
import { type AppliedMessage, type ControlFamily, createFamily, type SemanticProblem } from './families';
import { compareFindings, type Finding, type FindingCounts, finding, quote } from './finding';
import { type Frame, readFrame } from './frame';
import { InstructionRegistry } from './instructions';
import { checkMessageSchema, compileMessageSchemas } from './message-schema';
import {
  type HandshakeMessage,
  type HandshakeResponseMessage,
  type PowerMeasurementMessage,
  read,
  type ResourceManagerDetailsMessage,
  type S2Message,
  type SelectControlTypeMessage,
  type SessionRequestMessage,
} from './messages';
import { ReceptionLedger, type Report, type SentMessage } from './reception-status';
import { findNonUuidIds } from './strict-uuid';

/*
 * The conversation state machine of RULES.md §5-§7, fed frame by frame. It never throws on frame content:
 * it reads members only from messages that passed their schema (§4.1).
 */

export interface ConversationOptions {
  /** Emit S2-UUID warnings (§4.4). Default true. */
  strictUuid?: boolean;
  /** Emit S2-SEM-* findings (§6); the registries are kept either way. Default true. */
  semantic?: boolean;
  /** S2-RS-LATE threshold and `overdue` marker, in ms (§2.5). Default 5000, as s2-python. */
  rsTimeoutMs?: number;
  /**
   * Keep every finding for `findings()`. Default true. A caller that takes the findings of each `push` and `end`
   * as they come (the analyzer stores them) turns it off, so that a long session with a finding per frame does
   * not grow by them; the state's summary counts them either way.
   */
  keepFindings?: boolean;
}

export interface Conversation {
  /** Analyses the next frame; its seq is one more than the previous frame's. Returns the frame's findings. */
  push(frame: Frame): Finding[];
  /** Ends the session (§7 P7): returns the S2-RS-MISSING findings. Later calls change nothing and return []. */
  end(): Finding[];
  /** The readable state (§8); `now` (ms since session start) defaults to the last frame's `t`. */
  state(now?: number): ConversationState;
  /** Every finding so far, sorted by seq, then rule (§3.4); none with `keepFindings` false. */
  findings(): Finding[];
  /**
   * The latest applied PowerMeasurement (§8 `lastPowerMeasurement`) without building the whole state: what a
   * caller publishing measurements checks after each push (only applied messages may be used downstream, §8).
   */
  lastPowerMeasurement(): { seq: number; t: number; message: S2Message } | null;
}

export function createConversation(options: ConversationOptions = {}): Conversation {
  return new S2Conversation(options);
}

interface ResourceManagerDetails {
  seq: number;
  message: S2Message;
  availableControlTypes: readonly ControlType[];
  measured: ReadonlySet<string>;
}

class S2Conversation implements Conversation {
  private readonly strictUuid: boolean;
  private readonly semantic: boolean;
  private frames = 0;
  private lastT = 0;
  private ended = false;
  private readonly all: Finding[] = [];
  private readonly keepFindings: boolean;
  private readonly counts: FindingCounts = { error: 0, warning: 0, schema: 0, state: 0, semantic: 0, strict: 0 };
  private readonly ledger: ReceptionLedger;

  private readonly handshakes: Record<Side, HandshakeView | null> = { RM: null, CEM: null };
  private response: { seq: number; selectedProtocolVersion: string } | null = null;
  private details: ResourceManagerDetails | null = null;
  private active: ControlType = 'NO_SELECTION';
  private family: ControlFamily | null = null;
  private readonly history: ControlTypeChange[] = [];
  /** The most recently applied SelectControlType (§5.3 step 6). */
  private lastSelection: SentMessage | null = null;
  private terminated: { seq: number; side: Side; request: 'RECONNECT' | 'TERMINATE' } | null = null;
  /** Seq of the first PERMANENT_ERROR answer, and whether S2-RS-AFTER-PERMANENT was given. */
  private permanentAt: number | null = null;
  private permanentWarned = false;
  private readonly instructions = new InstructionRegistry();
  private readonly forecasts = new Map<string, AppliedMessage>();
  private latestMeasurement: { seq: number; t: number; message: S2Message } | null = null;

  constructor(options: ConversationOptions) {
    const rsTimeoutMs = options.rsTimeoutMs ?? 5000;
    if (!Number.isFinite(rsTimeoutMs) || rsTimeoutMs < 0)
      throw new RangeError(`rsTimeoutMs must be a number ≥ 0, got ${rsTimeoutMs}`);
    this.strictUuid = options.strictUuid ?? true;
    this.semantic = options.semantic ?? true;
    this.keepFindings = options.keepFindings ?? true;
    this.ledger = new ReceptionLedger(rsTimeoutMs);
    compileMessageSchemas();
  }

  push(frame: Frame): Finding[] {
    if (this.ended) throw new Error('push after end(): the S2 session is over');
    const t = frame.t;
    if (!Number.isSafeInteger(t) || t < this.lastT) {
      throw new RangeError(`frame t must be an integer ≥ ${this.lastT} (ms since session start), got ${String(t)}`);
    }
    const seq = ++this.frames;
    this.lastT = t;
    const found: Finding[] = [];
    this.intake(frame, seq, t, (rule, detail, path) => found.push(finding(seq, rule, detail, path)));
    if (found.length > 1) found.sort(compareFindings);
    for (const each of found) this.record(each);
    return found;
  }

  end(): Finding[] {
    if (this.ended) return [];
    this.ended = true;
    const missing = this.ledger
      .closeUnanswered()
      .map((sent) =>
        finding(
          sent.seq,
          'S2-RS-MISSING',
          `${sent.type || 'message'} ${quote(sent.messageId)} got no ReceptionStatus`,
          '/message_id',
        ),
      );
    for (const each of missing) this.record(each);
    this.all.sort(compareFindings);
    return missing;
  }

  findings(): Finding[] {
    return [...this.all];
  }

  lastPowerMeasurement(): { seq: number; t: number; message: S2Message } | null {
    return this.latestMeasurement;
  }

  state(now: number = this.lastT): ConversationState {
    const family = this.family?.view();
    const { instructions, openInstructions } = this.instructions.view();
    return {
      phase: this.phase(),
      handshake: { rm: this.handshakes.RM, cem: this.handshakes.CEM, response: this.response },
      selectedProtocolVersion: this.response?.selectedProtocolVersion ?? null,
      resourceManagerDetails: this.details && { seq: this.details.seq, message: this.details.message },
      activeControlType: this.active,
      controlTypeHistory: this.history.map((change) => ({ ...change })),
      systemDescription: family?.systemDescription ?? null,
      powerProfiles: family?.powerProfiles ?? {},
      powerConstraints: family?.powerConstraints ?? {},
      energyConstraints: family?.energyConstraints ?? {},
      statuses: family?.statuses ?? {},
      forecasts: Object.fromEntries(this.forecasts),
      lastPowerMeasurement: this.latestMeasurement,
      instructions,
      openInstructions,
      pendingReceptionStatus: this.ledger.pending(now),
      terminated: this.terminated,
      summary: {
        frames: this.frames,
        verdict: this.counts.error === 0 ? 'valid' : 'invalid',
        schemaValid: this.counts.schema === 0,
        counts: { ...this.counts },
      },
    };
  }

  private record(each: Finding): void {
    if (this.keepFindings) this.all.push(each);
    this.counts[each.severity] += 1;
    this.counts[each.level] += 1;
  }

  private phase(): Phase {
    if (this.ended) return 'ended';
    if (this.terminated) return 'terminated';
    if (!this.response) return 'handshake';
    return this.family ? 'controlled' : 'connected';
  }

  /** §5.2, up to the gates. */
  private intake(frame: Frame, seq: number, t: number, report: Report): void {
    const content = readFrame(frame);
    if ('notS2' in content) {
      report('S2-JSON', content.notS2);
      return;
    }
    const { side, message } = content;
    const checked = checkMessageSchema(message);
    const violation = typeof checked === 'string' ? undefined : checked;
    if (violation) report('S2-SCHEMA', violation.detail, violation.path);
    else if (this.strictUuid) {
      const nonUuid = findNonUuidIds(message);
      if (nonUuid) report('S2-UUID', nonUuid.detail, nonUuid.path);
    }
    const type = message['message_type'];
    if (type === 'ReceptionStatus') {
      this.receptionStatus(side, message, seq, t, report);
      return;
    }
    if (this.permanentAt !== null && !this.permanentWarned) {
      this.permanentWarned = true;
      const what = typeof type === 'string' ? type : 'a message without a string message_type';
      report(
        'S2-RS-AFTER-PERMANENT',
        `${what} after the PERMANENT_ERROR answer at seq ${this.permanentAt}: the session should have been disconnected`,
        '/message_type',
      );
    }
    // Every schema-valid message but ReceptionStatus has a usable message_id, so what has none stops here.
    const messageId = message['message_id'];
    if (!isUsableId(messageId)) return;
    const sent = this.ledger.track(side, messageId, seq, t, message, violation !== undefined, report);
    if (sent === undefined || typeof checked !== 'string') return;
    this.gates(side, checked, message, seq, t, sent, report);
  }

  /** §5.3: bookkeeping for every ReceptionStatus, valid or not, in any phase. */
  private receptionStatus(side: Side, message: S2Message, seq: number, t: number, report: Report): void {
    const status = message['status'];
    if (status === 'PERMANENT_ERROR' && this.permanentAt === null) this.permanentAt = seq;
    const answered = this.ledger.answer(side, message, seq, t, report);
    // Only the most recently applied SelectControlType carries a switch (selectControlType drops the earlier
    // one's), so a refusal of an earlier switch finds nothing to undo here (§5.3 step 6).
    const controlTypeSwitch = answered?.controlTypeSwitch;
    if (!answered || !controlTypeSwitch) return;
    // Answered: whatever the status, this switch can no longer be undone, so its saved registries can go.
    answered.controlTypeSwitch = undefined;
    const refused = typeof status === 'string' && RECEPTION_STATUS_VALUES.has(status) && status !== 'OK';
    if (refused) {
      this.active = controlTypeSwitch.previous;
      this.family = controlTypeSwitch.previousFamily;
      controlTypeSwitch.change.undoneAtSeq = seq;
    }
  }

  /** §5.2 gates, first hit wins, then the message is applied. */
  private gates(
    side: Side,
    type: MessageType,
    message: S2Message,
    seq: number,
    t: number,
    sent: SentMessage,
    report: Report,
  ): void {
    if (this.terminated) {
      const { side: by, request, seq: at } = this.terminated;
      report('S2-AFTER-TERMINATE', `${type} after the ${by}'s SessionRequest ${request} at seq ${at}`, '/message_type');
      return;
    }
    if (!maySend(side, type)) {
      report('S2-DIRECTION', `the ${side} may not send ${type}`, '/message_type');
      return;
    }
    if (!this.handshakes[side] && type !== 'Handshake') {
      report('S2-HS-FIRST', `${type} before the ${side} sent its Handshake`, '/message_type');
      return;
    }
    switch (type) {
      case 'Handshake':
        return this.handshake(side, message, seq, report);
      case 'HandshakeResponse':
        return this.handshakeResponse(message, seq, report);
      case 'SessionRequest':
        this.terminated = { seq, side, request: read<SessionRequestMessage>(message).request };
        return;
    }
    if (!this.response) {
      report('S2-HS-INCOMPLETE', `${type} before the HandshakeResponse`, '/message_type');
      return;
    }
    switch (type) {
      case 'ResourceManagerDetails': {
        const details = read<ResourceManagerDetailsMessage>(message);
        this.details = {
          seq,
          message,
          availableControlTypes: details.available_control_types,
          measured: new Set(details.provides_power_measurement_types),
        };
        return;
      }
      case 'SelectControlType':
        return this.selectControlType(message, seq, sent, report);
      case 'PowerMeasurement':
        this.latestMeasurement = { seq, t, message };
        return this.checkMeasurement(message, report);
      case 'PowerForecast':
        this.forecasts.set(type, { seq, messageType: type, message });
        return;
      default:
        return this.control(type, message, seq, report);
    }
  }

  private handshake(side: Side, message: S2Message, seq: number, report: Report): void {
    const earlier = this.handshakes[side];
    if (earlier) {
      report('S2-HS-REPEAT', `second Handshake from the ${side}, the first was at seq ${earlier.seq}`, '/message_type');
      return;
    }
    const { role, supported_protocol_versions } = read<HandshakeMessage>(message);
    this.handshakes[side] = { seq, role, supportedProtocolVersions: supported_protocol_versions ?? null };
    if (role !== side) report('S2-HS-ROLE', `Handshake role ${quote(role)} sent by the ${side}`, '/role');
    if (side === 'RM' && supported_protocol_versions === undefined) {
      report('S2-HS-VERSIONS', 'the RM Handshake has no supported_protocol_versions', '/supported_protocol_versions');
    }
  }

  private handshakeResponse(message: S2Message, seq: number, report: Report): void {
    if (this.response) {
      report('S2-HS-REPEAT', `second HandshakeResponse, the first was at seq ${this.response.seq}`, '/message_type');
      return;
    }
    if (!this.handshakes.RM) {
      report('S2-HSR-ORDER', 'HandshakeResponse before the RM sent its Handshake', '/message_type');
      return;
    }
    const version = read<HandshakeResponseMessage>(message).selected_protocol_version;
    this.response = { seq, selectedProtocolVersion: version };
    const missing = (['RM', 'CEM'] as const).filter((side) => {
      const supported = this.handshakes[side]?.supportedProtocolVersions;
      return supported && !supported.includes(version);
    });
    if (missing.length > 0) {
      report(
        'S2-HS-VERSION',
        `selected_protocol_version ${quote(version)} is not in the supported_protocol_versions of the ${missing.join(' and the ')}`,
        '/selected_protocol_version',
      );
    }
  }

  private selectControlType(message: S2Message, seq: number, sent: SentMessage, report: Report): void {
    if (!this.details) {
      report('S2-SCT-NO-RMD', 'SelectControlType before any ResourceManagerDetails', '/message_type');
      return;
    }
    const selected = read<SelectControlTypeMessage>(message).control_type;
    if (selected !== 'NO_SELECTION' && !this.details.availableControlTypes.includes(selected)) {
      report(
        'S2-SCT-UNSUPPORTED',
        `control_type ${quote(selected)} is not in available_control_types [${this.details.availableControlTypes.join(', ')}]`,
        '/control_type',
      );
      return;
    }
    const change: ControlTypeChange = { seq, from: this.active, to: selected };
    this.history.push(change);
    // Only the most recent switch can be undone, so an earlier one no longer needs what it saved.
    if (this.lastSelection) this.lastSelection.controlTypeSwitch = undefined;
    sent.controlTypeSwitch = { previous: this.active, previousFamily: this.family, change };
    this.lastSelection = sent;
    if (selected !== this.active) {
      this.active = selected;
      this.family = createFamily(selected);
    }
  }

  private checkMeasurement(message: S2Message, report: Report): void {
    if (!this.details || !this.semantic) return;
    const measured = this.details.measured;
    const unannounced: Array<{ path: string; quantity: string }> = [];
    read<PowerMeasurementMessage>(message).values.forEach(({ commodity_quantity }, i) => {
      if (!measured.has(commodity_quantity))
        unannounced.push({ path: `/values/${i}/commodity_quantity`, quantity: commodity_quantity });
    });
    const first = unannounced[0];
    if (first) {
      const quantities = unannounced.map(({ quantity }) => quote(quantity)).join(', ');
      report(
        'S2-SEM-MEASUREMENT',
        `${quantities} not in provides_power_measurement_types of the ResourceManagerDetails`,
        first.path,
      );
    }
  }

  /** Family messages, RevokeObject and InstructionStatusUpdate: the control-type gate, then §6. */
  private control(type: MessageType, message: S2Message, seq: number, report: Report): void {
    const family = familyOf(type);
    const active = this.family;
    if (active === null || (family !== null && active.family !== family)) {
      const why = family === null ? `no controllable type is active (${this.active})` : `${this.active} is active`;
      report('S2-CT-NOT-ACTIVE', `${type} while ${why}`, '/message_type');
      return;
    }
    let problem: SemanticProblem | undefined;
    if (type === 'RevokeObject') problem = this.instructions.revoke(message, seq);
    else if (type === 'InstructionStatusUpdate') problem = this.instructions.updateStatus(message, seq);
    else {
      problem = active.apply(type, message, seq);
      this.instructions.register(type, message, seq);
      if (FORECAST_TYPES.has(type)) this.forecasts.set(type, { seq, messageType: type, message });
    }
    if (problem && this.semantic) report(problem.rule, problem.detail, problem.path);
  }
}
