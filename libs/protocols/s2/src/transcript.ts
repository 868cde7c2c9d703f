import { type Direction, senderOf } from './catalog';
import { type ConversationOptions, createConversation } from './conversation';
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

/** The non-blank lines of JSONL text, parsed, with their line numbers (§9: BOM, `\r\n`, blank lines). */
function parseLines(text: string): Array<{ number: number; value: unknown }> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines: Array<{ number: number; value: unknown }> = [];
  body.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    try {
      lines.push({ number: i + 1, value: JSON.parse(line) });
    } catch (error) {
      throw new TranscriptImportError(i + 1, `not a JSON object (${(error as Error).message})`);
    }
  });
  return lines;
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

/**
 * Reads a transcript, JSONL text or an array of parsed lines, into frames in seq order.
 * @throws TranscriptImportError naming the line that makes the transcript unusable.
 */
export function importTranscript(input: string | readonly unknown[]): Frame[] {
  const lines = typeof input === 'string' ? parseLines(input) : input.map((value, i) => ({ number: i + 1, value }));
  let previousT = 0;
  return lines.map(({ number, value }, i) => {
    const position = i + 1;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new TranscriptImportError(number, 'not a JSON object');
    const line = value as Readonly<Record<string, unknown>>;
    if (has(line, 'seq') && line['seq'] !== position) {
      throw new TranscriptImportError(number, `seq ${quote(line['seq'])} differs from the line's position ${position}`);
    }
    const t = line['t'];
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0)
      throw new TranscriptImportError(number, `t ${quote(t)} is not an integer ≥ 0`);
    if (t < previousT)
      throw new TranscriptImportError(number, `t ${t} is smaller than the previous line's t ${previousT}`);
    previousT = t;
    if (has(line, 'encoding') && line['encoding'] !== 'base64') {
      throw new TranscriptImportError(number, `encoding ${quote(line['encoding'])} is not 'base64'`);
    }
    return frameOf(line, t);
  });
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
 * Analyses a whole transcript as one session that ends after its last line (§7 P7).
 * @throws TranscriptImportError when the transcript cannot be imported (§9).
 */
export function analyzeTranscript(
  input: string | readonly unknown[],
  options?: ConversationOptions,
): TranscriptAnalysis {
  const frames = importTranscript(input);
  const conversation = createConversation(options);
  for (const frame of frames) conversation.push(frame);
  conversation.end();
  const state = conversation.state();
  return {
    findings: conversation.findings(),
    verdict: state.summary.verdict,
    schemaValid: state.summary.schemaValid,
    state,
  };
}
