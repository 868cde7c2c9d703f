import { type Direction, senderOf } from './catalog';
import { type Conversation, type ConversationOptions, createConversation } from './conversation';
import type { ConversationState } from './conversation-state';
import { type Finding, quote, type Verdict } from './finding';
import { type Frame, unknownDirection } from './frame';

/*
 * The transcript format of RULES.md §9 (JSON Lines, one frame per line): import, export and offline analysis.
 * A line that cannot be placed in the session (not an object, wrong `seq`, bad `t`, unknown `encoding`)
 * fails the whole import; every other defect becomes a finding on its frame.
 */

/** One transcript line; `direction` is whatever the line holds, `message` or `raw` the frame. */
export interface TranscriptLine {
  seq: number;
  t: number;
  direction: unknown;
  message?: unknown;
  raw?: unknown;
  encoding?: 'base64';
}

/** A transcript that cannot be imported; `line` is the 1-based line number (array position for arrays). */
export class TranscriptImportError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`transcript line ${line}: ${reason}`);
    this.name = 'TranscriptImportError';
  }
}

function has(line: object, member: string): boolean {
  return Object.prototype.hasOwnProperty.call(line, member);
}

/** The frame a line carries; a line without one becomes an unreadable frame that keeps the line (S2-JSON). */
function frameOf(line: Readonly<Record<string, unknown>>, t: number): Frame {
  const direction = line['direction'];
  if (senderOf(direction) === undefined) return { t, unreadable: unknownDirection(direction), line };
  const sent = { t, direction: direction as Direction };
  if (has(line, 'raw')) {
    const raw = line['raw'];
    if (typeof raw !== 'string') return { t, unreadable: `raw must be a string, not ${quote(raw)}`, line };
    return line['encoding'] === 'base64'
      ? { ...sent, binary: new Uint8Array(Buffer.from(raw, 'base64')) }
      : { ...sent, text: raw };
  }
  if (has(line, 'message')) return { ...sent, message: line['message'] };
  return { t, unreadable: 'the transcript line has neither message nor raw', line };
}

/** What a line that holds no frame at all is: the plain answer to "is this a transcript?". */
function notAFrame(line: Readonly<Record<string, unknown>>): string | undefined {
  if (has(line, 't') || has(line, 'direction')) return undefined;
  const members = Object.keys(line)
    .slice(0, 5)
    .map((member) => quote(member));
  return `not a transcript frame: a JSON object without 't' and 'direction' (it has ${members.length > 0 ? members.join(', ') : 'no members'}); a transcript line is {"seq", "t", "direction", "message" | "raw"}`;
}

/**
 * Reads a transcript one line at a time (§9), so that a transcript of any length is imported in flat memory:
 * `text(line)` for each line of JSONL text, in order (blank lines included, they only count as line numbers),
 * or `value(parsed)` for each element of an array of line objects. Each returns the line's frame.
 */
export class TranscriptReader {
  private lineNumber = 0;
  private position = 0;
  private previousT = 0;

  /**
   * One line of JSONL text without its `\n` (a trailing `\r` is dropped, and a BOM on the first line).
   * Returns undefined for a blank line.
   * @throws TranscriptImportError naming the line.
   */
  text(text: string): Frame | undefined {
    this.lineNumber += 1;
    let line = this.lineNumber === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new TranscriptImportError(this.lineNumber, `not a JSON object (${(error as Error).message})`);
    }
    return this.frame(value, this.lineNumber);
  }

  /** One parsed line, the next element of an array transcript (its line number is its 1-based position). */
  value(value: unknown): Frame {
    this.lineNumber += 1;
    return this.frame(value, this.lineNumber);
  }

  private frame(value: unknown, number: number): Frame {
    const position = ++this.position;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new TranscriptImportError(number, 'not a JSON object');
    const line = value as Readonly<Record<string, unknown>>;
    const stray = notAFrame(line);
    if (stray) throw new TranscriptImportError(number, stray);
    if (has(line, 'seq') && line['seq'] !== position) {
      throw new TranscriptImportError(number, `seq ${quote(line['seq'])} differs from the line's position ${position}`);
    }
    if (!has(line, 't')) throw new TranscriptImportError(number, "no 't' (integer ms since session start)");
    const t = line['t'];
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0)
      throw new TranscriptImportError(number, `t ${quote(t)} is not an integer ≥ 0`);
    if (t < this.previousT)
      throw new TranscriptImportError(number, `t ${t} is smaller than the previous line's t ${this.previousT}`);
    this.previousT = t;
    if (has(line, 'encoding') && line['encoding'] !== 'base64') {
      throw new TranscriptImportError(number, `encoding ${quote(line['encoding'])} is not 'base64'`);
    }
    return frameOf(line, t);
  }
}

/** Each line of `text`, split at `\n` without holding all of them at once. */
function* linesOf(text: string): Generator<string> {
  let from = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
    yield text.slice(from, at);
    from = at + 1;
  }
  yield text.slice(from);
}

/** The frames of a transcript, JSONL text or an array of parsed lines, one at a time. */
function* framesOf(input: string | readonly unknown[]): Generator<Frame> {
  const reader = new TranscriptReader();
  if (typeof input === 'string') {
    for (const line of linesOf(input)) {
      const frame = reader.text(line);
      if (frame) yield frame;
    }
  } else for (const value of input) yield reader.value(value);
}

/**
 * Reads a transcript, JSONL text or an array of parsed lines, into frames in seq order.
 * @throws TranscriptImportError naming the line that makes the transcript unusable.
 */
export function importTranscript(input: string | readonly unknown[]): Frame[] {
  return [...framesOf(input)];
}

export interface ExportOptions {
  /** `always`: every frame as `raw`, byte-exact (§9 `raw=always`); `auto` (default): `message` when the text is JSON. */
  raw?: 'auto' | 'always';
}

/** Refuses numbers JSON cannot write (`1e999` parses to Infinity, which would be written as null). */
function finiteOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('not a finite number');
  return value;
}

/** The JSON value of a text frame if writing it as `message` loses nothing, else undefined. */
function losslessMessage(text: string): { value: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    JSON.stringify(value, finiteOnly);
    return { value };
  } catch {
    return undefined;
  }
}

/** A frame as the transcript line with the given seq (members in the order of §9). */
export function transcriptLine(seq: number, frame: Frame, options: ExportOptions = {}): TranscriptLine {
  if ('unreadable' in frame) {
    const { line } = frame;
    const carried = has(line, 'raw') ? { raw: line['raw'] } : has(line, 'message') ? { message: line['message'] } : {};
    return {
      seq,
      t: frame.t,
      direction: line['direction'],
      ...carried,
      ...(has(line, 'encoding') ? { encoding: line['encoding'] as 'base64' } : {}),
    };
  }
  const { t, direction } = frame;
  if ('binary' in frame)
    return { seq, t, direction, raw: Buffer.from(frame.binary).toString('base64'), encoding: 'base64' };
  if ('message' in frame)
    return options.raw === 'always'
      ? { seq, t, direction, raw: JSON.stringify(frame.message) }
      : { seq, t, direction, message: frame.message };
  const message = options.raw === 'always' ? undefined : losslessMessage(frame.text);
  return message ? { seq, t, direction, message: message.value } : { seq, t, direction, raw: frame.text };
}

/** Frames (in seq order) as JSONL text, one line per frame, each ending in a newline. */
export function exportTranscript(frames: readonly Frame[], options: ExportOptions = {}): string {
  return frames.map((frame, i) => `${JSON.stringify(transcriptLine(i + 1, frame, options))}\n`).join('');
}

export interface TranscriptAnalysis {
  findings: Finding[];
  verdict: Verdict;
  schemaValid: boolean;
  /** The state after the session ended. */
  state: ConversationState;
}

/**
 * A transcript analysed as it is read (§9, §7 P7): `text(line)` or `value(parsed)` per line, then `finish()`.
 * Holds one conversation, never the transcript, so a file of any size is analysed in flat memory.
 */
export class TranscriptAnalyzer {
  private readonly reader = new TranscriptReader();
  private readonly conversation: Conversation;

  constructor(options?: ConversationOptions) {
    this.conversation = createConversation(options);
  }

  /** @throws TranscriptImportError naming the line. */
  text(line: string): void {
    const frame = this.reader.text(line);
    if (frame) this.conversation.push(frame);
  }

  /** @throws TranscriptImportError naming the line. */
  value(line: unknown): void {
    this.conversation.push(this.reader.value(line));
  }

  /** Ends the session after the last line read. */
  finish(): TranscriptAnalysis {
    this.conversation.end();
    const state = this.conversation.state();
    return {
      findings: this.conversation.findings(),
      verdict: state.summary.verdict,
      schemaValid: state.summary.schemaValid,
      state,
    };
  }
}

/**
 * Analyses a whole transcript as one session that ends after its last line (§7 P7). A transcript without a
 * frame (empty, or blank lines only) gives `state.summary.frames` 0: valid, but nothing was checked.
 * @throws TranscriptImportError when the transcript cannot be imported (§9).
 */
export function analyzeTranscript(
  input: string | readonly unknown[],
  options?: ConversationOptions,
): TranscriptAnalysis {
  const analyzer = new TranscriptAnalyzer(options);
  if (typeof input === 'string') for (const line of linesOf(input)) analyzer.text(line);
  else for (const line of input) analyzer.value(line);
  return analyzer.finish();
}
