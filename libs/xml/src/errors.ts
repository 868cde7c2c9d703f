/**
 * The errors the lib throws. Input a reader refuses is an XmlReadError with one of these codes, UPPER_SNAKE like
 * every flexgrid lib's codes; the others report what a writer or the schema compiler cannot take.
 */
export type XmlErrorCode =
  | 'ENCODING'
  | 'DOCTYPE'
  | 'NOT_WELL_FORMED'
  | 'NAMESPACE'
  | 'DEPTH_LIMIT'
  | 'ELEMENT_LIMIT'
  | 'TEXT_LIMIT'
  | 'COMMENT_LIMIT';

/** Input that is not a namespace-well-formed XML 1.0 document within the caps, or not decodable. */
export class XmlReadError extends Error {
  override readonly name = 'XmlReadError';
  constructor(
    readonly code: XmlErrorCode,
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${reason}`);
  }
}

/** Text a writer was asked to emit that XML 1.0 does not allow. */
export class XmlWriteError extends Error {
  override readonly name = 'XmlWriteError';
}

/** A schema set the compiler does not understand, or that is wrong. */
export class XsdCompileError extends Error {
  override readonly name = 'XsdCompileError';
}

/** A content model that cannot be made a deterministic automaton (ambiguous, or too many states). */
export class ContentModelError extends Error {
  override readonly name = 'ContentModelError';
}

/** An XSD regular expression that is malformed or uses what the translation does not support. */
export class XsdPatternError extends Error {
  override readonly name = 'XsdPatternError';
}
