import {
  type ConversationOptions,
  createConversation,
  type Frame,
  TranscriptAnalyzer,
  type TranscriptAnalysis,
  TranscriptLines,
  TranscriptLineTooLong,
  TranscriptReader,
} from '@flexgrid/protocol-s2';
import { randomUUID } from 'node:crypto';
import { AnalyzerError } from '../errors';
import type { StoredBatch, StoredFrame } from '../store/analyzer-store';
import type { SessionInfo } from './analysis';
import { messageTypeOf } from './analysis';

/*
 * Transcripts in (RULES §9): analysed as they are read (`POST /api/analyze`, nothing forwarded), or turned into a
 * stored session (`POST /api/sessions/import`). Bodies are read chunk by chunk and line by line, up to a size
 * limit, so a big transcript costs one line and one conversation in memory for analysis.
 */

async function* linesOf(body: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string> {
  const lines = new TranscriptLines();
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > maxBytes)
        throw new AnalyzerError('bad-request', `the transcript is larger than the limit of ${maxBytes} bytes`);
      yield* lines.push(chunk);
    }
    yield* lines.end();
  } catch (error) {
    if (error instanceof TranscriptLineTooLong) throw new AnalyzerError('bad-request', error.message);
    throw error;
  }
}

/** The whole analysis of a JSONL body, or of an array of line objects. @throws TranscriptImportError */
export async function analyzeBody(
  body: AsyncIterable<Buffer | string> | readonly unknown[],
  options: ConversationOptions,
  maxBytes: number,
): Promise<TranscriptAnalysis> {
  const analyzer = new TranscriptAnalyzer(options);
  if (Array.isArray(body)) for (const line of body) analyzer.value(line);
  else for await (const line of linesOf(body as AsyncIterable<Buffer>, maxBytes)) analyzer.text(line);
  return analyzer.finish();
}

/** The exact bytes a frame had on the wire; a parsed `message` is written as compact JSON. */
function payloadOf(frame: Frame): { payload: Buffer; binary: boolean } | undefined {
  if ('unreadable' in frame) return undefined;
  if ('binary' in frame) return { payload: Buffer.from(frame.binary), binary: true };
  if ('text' in frame) return { payload: Buffer.from(frame.text, 'utf8'), binary: false };
  return { payload: Buffer.from(JSON.stringify(frame.message), 'utf8'), binary: false };
}

/**
 * A transcript as a stored session: every frame, its findings, the end's findings and the final state. A line
 * without a frame (no direction, no message or raw) cannot be stored as one and is refused with its number.
 * @throws TranscriptImportError, AnalyzerError
 */
export async function importedSession(
  body: AsyncIterable<Buffer | string> | readonly unknown[],
  pair: { rmId: string; cemId: string },
  options: ConversationOptions,
  maxBytes: number,
): Promise<{ session: SessionInfo; batch: StoredBatch }> {
  const session: SessionInfo = { id: randomUUID(), ...pair, origin: 'import', startedAt: Date.now() };
  const reader = new TranscriptReader();
  const conversation = createConversation(options);
  const frames: StoredFrame[] = [];
  let line = 0;
  const take = (frame: Frame | undefined) => {
    line += 1;
    if (!frame) return;
    const bytes = payloadOf(frame);
    if (!bytes || 'unreadable' in frame)
      throw new AnalyzerError(
        'bad-request',
        `transcript line ${line}: ${'unreadable' in frame ? frame.unreadable : 'no frame'}; a stored session needs a frame with a direction on every line (POST /api/analyze takes it as it is)`,
        { line },
      );
    const findings = conversation.push(frame);
    const text = bytes.binary ? null : bytes.payload.toString('utf8');
    frames.push({
      sessionId: session.id,
      seq: frames.length + 1,
      t: frame.t,
      direction: frame.direction,
      receivedAt: session.startedAt + frame.t,
      ...bytes,
      messageType: text === null ? null : messageTypeOf(text),
      findings,
    });
  };
  if (Array.isArray(body)) for (const value of body) take(reader.value(value));
  else for await (const text of linesOf(body as AsyncIterable<Buffer>, maxBytes)) take(reader.text(text));
  const endFindings = conversation.end();
  const state = conversation.state();
  const last = frames[frames.length - 1];
  return {
    session,
    batch: {
      sessions: [session],
      frames,
      readings: [],
      samples: [],
      progress: [{ sessionId: session.id, storedSeq: last?.seq ?? 0, framesLost: 0, state }],
      ends: [
        {
          sessionId: session.id,
          endedAt: session.startedAt + (last?.t ?? 0),
          reason: 'imported transcript',
          findings: endFindings,
          state,
        },
      ],
    },
  };
}
