/*
 * JSON Lines text arriving in chunks (a file, stdin, an HTTP body) cut into lines the way the transcript import
 * counts them (§9): at `\n` only, `\r` left for the reader to drop, UTF-8 decoded across chunk boundaries. It
 * holds one unfinished line at most, so a transcript of any length is read in flat memory.
 */

/** A line longer than the limit; `line` is its 1-based number. */
export class TranscriptLineTooLong extends Error {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {
    super(`transcript line ${line}: longer than ${limit} characters; is this a JSON Lines transcript?`);
    this.name = 'TranscriptLineTooLong';
  }
}

export class TranscriptLines {
  private readonly decoder = new TextDecoder('utf-8');
  private pending: string[] = [];
  private pendingLength = 0;
  private complete = 0;

  /** @param maxLineLength longer lines are refused rather than buffered (no S2 frame comes near the default). */
  constructor(private readonly maxLineLength = 64 * 1024 * 1024) {}

  /** The lines a chunk completes (without their `\n`). @throws TranscriptLineTooLong */
  push(chunk: Uint8Array | string): string[] {
    return this.split(typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
  }

  /** The last line (possibly empty) once the input is over. */
  end(): string[] {
    const lines = this.split(this.decoder.decode());
    lines.push(this.take(''));
    return lines;
  }

  private split(text: string): string[] {
    const lines: string[] = [];
    let from = 0;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', from)) {
      lines.push(this.take(text.slice(from, at)));
      from = at + 1;
    }
    if (from < text.length) {
      const rest = text.slice(from);
      this.pendingLength += rest.length;
      if (this.pendingLength > this.maxLineLength)
        throw new TranscriptLineTooLong(this.complete + 1, this.maxLineLength);
      this.pending.push(rest);
    }
    return lines;
  }

  private take(tail: string): string {
    const line = this.pending.length === 0 ? tail : this.pending.join('') + tail;
    if (line.length > this.maxLineLength) throw new TranscriptLineTooLong(this.complete + 1, this.maxLineLength);
    this.pending = [];
    this.pendingLength = 0;
    this.complete += 1;
    return line;
  }
}
