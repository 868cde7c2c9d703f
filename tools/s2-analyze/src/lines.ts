import { StringDecoder } from 'node:string_decoder';

/** Longer lines are refused rather than buffered: no S2 frame comes near it, a file without newlines does. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** A line longer than MAX_LINE_BYTES; `line` is its 1-based number. */
export class LineTooLong extends Error {
  constructor(readonly line: number) {
    super(`transcript line ${line}: longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; is this a JSON Lines transcript?`);
  }
}

/**
 * The lines of a byte stream, split at `\n` only (as the library splits text, so line numbers agree), decoded
 * as UTF-8 across chunk boundaries. Holds one line at a time: a file of any size is read in flat memory.
 */
export async function* linesOf(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  let pendingLength = 0;
  let number = 0;
  const take = (tail: string): string => {
    const line = pending.length === 0 ? tail : pending.join('') + tail;
    pending = [];
    pendingLength = 0;
    number += 1;
    return line;
  };
  const keep = (part: string) => {
    pendingLength += part.length;
    if (pendingLength > MAX_LINE_BYTES) throw new LineTooLong(number + 1);
    pending.push(part);
  };
  const split = function* (text: string): Generator<string> {
    let from = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
      yield take(text.slice(from, at));
      from = at + 1;
    }
    if (from < text.length) keep(text.slice(from));
  };
  for await (const chunk of input) yield* split(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  yield* split(decoder.end());
  yield take('');
}
