/*
 * A small driver for conversation tests: frames are written in order with a clock that advances 10 ms per
 * frame unless a test says otherwise, then analysed in one go.
 */
import type { ControlType, Side } from './catalog';
import { type ConversationOptions, createConversation } from './conversation';
import type { ConversationState } from './conversation-state';
import type { Finding } from './finding';
import type { Frame } from './frame';
import {
  handshake,
  handshakeResponse,
  type Message,
  receptionStatus,
  resourceManagerDetails,
  selectControlType,
} from './messages.test-util';

const STEP_MS = 10;

/** A frame of any kind whose `t` the script may fill in. */
type Untimed<F> = F extends unknown ? Omit<F, 't'> & { t?: number } : never;

export interface ScriptResult {
  /** All findings after end(), sorted. */
  findings: Finding[];
  /** The findings as push() and end() returned them, in that order. */
  live: Finding[];
  state: ConversationState;
}

export class Script {
  readonly frames: Frame[] = [];
  private clock = 0;

  /** The seq the next frame will get. */
  get nextSeq(): number {
    return this.frames.length + 1;
  }

  private at(t?: number): number {
    this.clock = t ?? (this.frames.length === 0 ? 0 : this.clock + STEP_MS);
    return this.clock;
  }

  send(side: Side, message: unknown, t?: number): this {
    this.frames.push({ t: this.at(t), direction: side === 'RM' ? 'rm->cem' : 'cem->rm', message });
    return this;
  }

  rm(message: unknown, t?: number): this {
    return this.send('RM', message, t);
  }

  cem(message: unknown, t?: number): this {
    return this.send('CEM', message, t);
  }

  frame(frame: Untimed<Frame>): this {
    this.frames.push({ ...frame, t: this.at(frame.t) } as Frame);
    return this;
  }

  /** `by` answers `message` with a ReceptionStatus. */
  answer(by: Side, message: Message, status = 'OK', t?: number): this {
    return this.send(by, receptionStatus(message['message_id'] as string, status), t);
  }

  /** The RM sends `message` and the CEM answers OK. */
  rmOk(message: Message): this {
    return this.rm(message).answer('CEM', message);
  }

  /** The CEM sends `message` and the RM answers OK. */
  cemOk(message: Message): this {
    return this.cem(message).answer('RM', message);
  }

  run(options?: ConversationOptions): ScriptResult {
    const conversation = createConversation(options);
    const live = this.frames.flatMap((frame) => conversation.push(frame));
    live.push(...conversation.end());
    return { findings: conversation.findings(), live, state: conversation.state() };
  }
}

export function script(): Script {
  return new Script();
}

/** Handshake both ways (the RM first, as s2-python does), HandshakeResponse and ResourceManagerDetails, each answered OK. */
export function connected(controlTypes: ControlType[] = ['NOT_CONTROLABLE'], measures?: string[]): Script {
  return script()
    .rmOk(handshake('RM'))
    .cemOk(handshake('CEM'))
    .cemOk(handshakeResponse())
    .rmOk(resourceManagerDetails(controlTypes, measures));
}

/** `connected`, then the CEM selects `controlType` and the RM accepts. */
export function controlled(
  controlType: ControlType,
  available: ControlType[] = [controlType],
  measures?: string[],
): Script {
  return connected(available, measures).cemOk(selectControlType(controlType));
}

/** A finding without its free-text detail, for exact comparisons. */
export function withoutDetail({ seq, rule, level, severity, path }: Finding): Omit<Finding, 'detail'> {
  return path === undefined ? { seq, rule, level, severity } : { seq, rule, level, severity, path };
}
