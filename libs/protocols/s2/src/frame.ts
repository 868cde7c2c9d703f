import { type Direction, senderOf, type Side } from './catalog';
import { quote } from './finding';
import type { S2Message } from './messages';

/*
 * Frames as the analyzer receives them (RULES.md §1) and S2-JSON (§4.2): what is not one JSON object in a
 * text frame from a known direction is not an S2 message.
 */

/** A websocket text frame; `t` is integer ms from session start (§1). */
export interface TextFrame {
  t: number;
  direction: Direction;
  text: string;
}

/** A websocket binary frame. S2 has none, so it always gets S2-JSON. */
export interface BinaryFrame {
  t: number;
  direction: Direction;
  binary: Uint8Array;
}

/** A frame whose text has already been parsed (a transcript line's `message`, §9): any JSON value. */
export interface MessageFrame {
  t: number;
  direction: Direction;
  message: unknown;
}

/**
 * A transcript line that holds no analysable frame (§4.2): no `message` or `raw`, a `raw` that is not a string,
 * or an unknown `direction`. It keeps the line's members so that export writes the same defect back.
 */
export interface UnreadableFrame {
  t: number;
  unreadable: string;
  line: Readonly<Record<string, unknown>>;
}

export type Frame = TextFrame | BinaryFrame | MessageFrame | UnreadableFrame;

/** What a frame holds: one JSON object from a known side, or why it is not an S2 message (S2-JSON). */
export type FrameContent = { side: Side; message: S2Message } | { notS2: string };

function jsonKind(value: unknown): string {
  if (value === null) return 'JSON null';
  if (Array.isArray(value)) return 'a JSON array';
  return `a JSON ${typeof value}`;
}

/** The S2-JSON detail for a direction other than the two of §1. */
export function unknownDirection(direction: unknown): string {
  if (direction === undefined) return "the transcript line has no 'direction' ('rm->cem' or 'cem->rm')";
  return `direction ${quote(direction)} is neither 'rm->cem' nor 'cem->rm'`;
}

/** S2-JSON (§4.2): the frame's JSON object and its sender, or why it is not an S2 message. */
export function readFrame(frame: Frame): FrameContent {
  if ('unreadable' in frame) return { notS2: frame.unreadable };
  const side = senderOf(frame.direction);
  if (side === undefined) return { notS2: unknownDirection(frame.direction) };
  if ('binary' in frame) return { notS2: 'binary frame: S2 messages are JSON text frames' };
  let value: unknown;
  if ('text' in frame) {
    if (typeof frame.text !== 'string') return { notS2: 'frame text is not a string' };
    try {
      value = JSON.parse(frame.text);
    } catch (error) {
      return { notS2: `frame is not JSON: ${(error as Error).message}` };
    }
  } else {
    value = frame.message;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { notS2: `frame is ${jsonKind(value)}, not a JSON object` };
  }
  return { side, message: value as S2Message };
}
