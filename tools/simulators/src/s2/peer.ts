import { randomUUID } from 'node:crypto';
import {
  type Conversation,
  createConversation,
  type Finding,
  NIL_UUID,
  type S2Message,
  type Side,
} from '@flexgrid/protocol-s2';
import { type RawData, WebSocket } from 'ws';

/*
 * What the simulated RM and CEM share: one websocket, one S2 message per text frame, and a ReceptionStatus for
 * every message received, chosen the way a correct peer chooses it. The peer keeps its own view of the
 * conversation with the S2 lib (both directions pushed in order), so the status follows the rules: INVALID_DATA
 * with the nil UUID for a frame without a usable id, INVALID_MESSAGE for a schema failure, INVALID_CONTENT for
 * a state or reference error, OK otherwise.
 *
 * Mistakes: a peer can be told to make protocol mistakes, each one once (or over and over), one per tick, so an
 * analyzer has something to find.
 */

export const MISTAKES = [
  'non-uuid-id',
  'string-number',
  'not-json',
  'missing-reception-status',
  'duplicate-id',
  'unannounced-measurement',
  'unknown-reference',
] as const;
export type Mistake = (typeof MISTAKES)[number];

/** The rule each mistake breaks, for the help text and the tests. */
export const MISTAKE_RULES: Record<Mistake, string> = {
  'non-uuid-id': 'S2-UUID',
  'string-number': 'S2-SCHEMA',
  'not-json': 'S2-JSON',
  'missing-reception-status': 'S2-RS-MISSING',
  'duplicate-id': 'S2-ID-DUPLICATE',
  'unannounced-measurement': 'S2-SEM-MEASUREMENT',
  'unknown-reference': 'S2-SEM-REF',
};

export const PROTOCOL_VERSION = '0.0.2-beta';

export interface PeerOptions {
  mistakes?: readonly Mistake[];
  /** Start the mistake list again once it is done. */
  repeatMistakes?: boolean;
  /** One line per notable event. */
  log?: (line: string) => void;
}

const STATUS_FOR: Array<[(finding: Finding) => boolean, string]> = [
  [(f) => f.level === 'schema', 'INVALID_MESSAGE'],
  [(f) => f.severity === 'error' && f.rule !== 'S2-RS-MISSING', 'INVALID_CONTENT'],
];

export abstract class S2Peer {
  protected readonly view: Conversation = createConversation();
  private readonly started = performance.now();
  private readonly mistakes: Mistake[];
  private lastMessageId: string | undefined;
  private skipNextAnswer = false;
  sent = 0;
  received = 0;
  /** Mistakes made so far, in order. */
  readonly made: Mistake[] = [];
  /** Resolves once the socket is closed, by either side. */
  readonly closed: Promise<void>;

  constructor(
    readonly side: Side,
    protected readonly socket: WebSocket,
    protected readonly options: PeerOptions,
  ) {
    this.mistakes = [...(options.mistakes ?? [])];
    socket.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    this.closed =
      socket.readyState === WebSocket.CLOSED
        ? Promise.resolve()
        : new Promise((resolve) => socket.once('close', () => resolve()));
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Set by `settle`: no new messages, answers only. */
  protected quiet = false;

  /**
   * Stops sending new messages and waits until every message of the session, both ways, has its answer (as far
   * as this peer saw), so that closing now leaves nothing unanswered; gives up after `timeoutMs`.
   */
  async settle(timeoutMs = 2000): Promise<void> {
    this.quiet = true;
    const deadline = Date.now() + timeoutMs;
    while (this.open && Date.now() < deadline && this.view.state().pendingReceptionStatus.length > 0)
      await new Promise((resolve) => setTimeout(resolve, 10));
  }

  close(code = 1000): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.close(code);
  }

  /** What this peer does with a message it received (already answered). */
  protected abstract handle(message: S2Message): void;

  protected log(line: string): void {
    this.options.log?.(`${this.side}: ${line}`);
  }

  private now(): number {
    return Math.floor(performance.now() - this.started);
  }

  private get outgoing(): 'rm->cem' | 'cem->rm' {
    return this.side === 'RM' ? 'rm->cem' : 'cem->rm';
  }

  private get incoming(): 'rm->cem' | 'cem->rm' {
    return this.side === 'RM' ? 'cem->rm' : 'rm->cem';
  }

  /** Sends a message (with a fresh UUID unless it has an id) as one text frame. */
  protected send(message: S2Message): void {
    if (!this.open) return;
    const withId =
      message['message_type'] === 'ReceptionStatus' || message['message_id'] !== undefined
        ? message
        : { ...message, message_id: randomUUID() };
    if (withId['message_type'] !== 'ReceptionStatus') this.lastMessageId = withId['message_id'] as string;
    this.sendText(JSON.stringify(withId));
  }

  protected sendText(text: string): void {
    if (!this.open) return;
    this.view.push({ t: this.now(), direction: this.outgoing, text });
    this.socket.send(text);
    this.sent += 1;
  }

  /** The next mistake to make, if any is left; the caller makes it instead of its normal message. */
  protected nextMistake(allowed: readonly Mistake[]): Mistake | undefined {
    const index = this.mistakes.findIndex((mistake) => allowed.includes(mistake));
    if (index < 0) return undefined;
    const [mistake] = this.mistakes.splice(index, 1) as [Mistake];
    if (this.options.repeatMistakes) this.mistakes.push(mistake);
    this.made.push(mistake);
    this.log(`makes a mistake on purpose: ${mistake} (${MISTAKE_RULES[mistake]})`);
    return mistake;
  }

  /** Mistakes any message can carry: returns true when it sent the message its own (wrong) way. */
  protected sendWithMistake(message: S2Message, extra: readonly Mistake[] = []): void {
    const mistake = this.nextMistake(['non-uuid-id', 'not-json', 'duplicate-id', 'missing-reception-status', ...extra]);
    switch (mistake) {
      case 'non-uuid-id':
        return this.send({ ...message, message_id: `sim-${this.sent + 1}` });
      case 'not-json':
        return this.sendText(JSON.stringify({ ...message, message_id: randomUUID() }).slice(0, 40));
      case 'duplicate-id':
        return this.send({ ...message, message_id: this.lastMessageId ?? randomUUID() });
      case 'missing-reception-status':
        this.skipNextAnswer = true;
        return this.send(message);
      default:
        return this.send(message);
    }
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.received += 1;
    const t = this.now();
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
    const findings = isBinary
      ? this.view.push({ t, direction: this.incoming, binary: bytes })
      : this.view.push({ t, direction: this.incoming, text: bytes.toString('utf8') });
    let message: S2Message | undefined;
    try {
      const value: unknown = isBinary ? undefined : JSON.parse(bytes.toString('utf8'));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) message = value as S2Message;
    } catch {
      message = undefined;
    }
    if (!message || findings.some((f) => f.rule === 'S2-JSON')) {
      this.send({ message_type: 'ReceptionStatus', subject_message_id: NIL_UUID, status: 'INVALID_DATA' });
      return;
    }
    if (message['message_type'] === 'ReceptionStatus') return;
    const id = message['message_id'];
    if (typeof id !== 'string' || findings.some((f) => f.rule === 'S2-ID-DUPLICATE')) {
      if (typeof id !== 'string')
        this.send({ message_type: 'ReceptionStatus', subject_message_id: NIL_UUID, status: 'INVALID_DATA' });
      return;
    }
    const status = STATUS_FOR.find(([matches]) => findings.some(matches))?.[1] ?? 'OK';
    if (this.skipNextAnswer) this.skipNextAnswer = false;
    else this.send({ message_type: 'ReceptionStatus', subject_message_id: id, status });
    if (status === 'OK') this.handle(message);
    else this.log(`answered ${message['message_type']} with ${status}: ${findings.map((f) => f.rule).join(', ')}`);
  }
}
