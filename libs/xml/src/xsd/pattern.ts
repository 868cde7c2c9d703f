/**
 * XML Schema regular expressions (XSD 1.0 Part 2, appendix F) translated to JavaScript regular
 * expressions. XSD patterns are implicitly anchored, treat `^` and `$` as ordinary characters and give
 * `.`, `\s`, `\d`, `\w`, `\i`, `\c` their own meanings, so none can be passed to RegExp as is.
 *
 * The `u` flag suffices unless a character class holds a complement (`[\S]`, `[\w]`) or a subtraction,
 * which need the `v` flag. In `v` mode literals are written as one-character classes: V8 in Node 20
 * mismatches a negated class followed by a plain literal inside a repeated group (`^(?:[^x]+y)+$`).
 */

import { XsdPatternError } from '../errors';

/** XSD 1.0 name-start characters (\i), as ranges. */
const NAME_START =
  ':A-Z_a-z\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2FF}\\u{370}-\\u{37D}\\u{37F}-\\u{1FFF}\\u{200C}-\\u{200D}\\u{2070}-\\u{218F}\\u{2C00}-\\u{2FEF}\\u{3001}-\\u{D7FF}\\u{F900}-\\u{FDCF}\\u{FDF0}-\\u{FFFD}\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = `${NAME_START}\\u{2D}.0-9\\u{B7}\\u{300}-\\u{36F}\\u{203F}-\\u{2040}`;

/** Multi-character escapes: the class members they stand for, and whether they are the complement. */
const MULTI_CHAR_ESCAPES: Record<string, { readonly members: string; readonly negated: boolean }> = {
  s: { members: '\\u{20}\\u{9}\\u{A}\\u{D}', negated: false },
  S: { members: '\\u{20}\\u{9}\\u{A}\\u{D}', negated: true },
  d: { members: '\\p{Nd}', negated: false },
  D: { members: '\\P{Nd}', negated: false },
  w: { members: '\\p{P}\\p{Z}\\p{C}', negated: true },
  W: { members: '\\p{P}\\p{Z}\\p{C}', negated: false },
  i: { members: NAME_START, negated: false },
  I: { members: NAME_START, negated: true },
  c: { members: NAME_CHAR, negated: false },
  C: { members: NAME_CHAR, negated: true },
};

const SINGLE_CHAR_ESCAPES: Record<string, number> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '\\': 0x5c,
  '|': 0x7c,
  '.': 0x2e,
  '?': 0x3f,
  '*': 0x2a,
  '+': 0x2b,
  '(': 0x28,
  ')': 0x29,
  '{': 0x7b,
  '}': 0x7d,
  '-': 0x2d,
  '[': 0x5b,
  ']': 0x5d,
  '^': 0x5e,
};

/** General categories XSD names; JavaScript knows the same abbreviations. */
const CATEGORIES = new Set([
  'L',
  'Lu',
  'Ll',
  'Lt',
  'Lm',
  'Lo',
  'M',
  'Mn',
  'Mc',
  'Me',
  'N',
  'Nd',
  'Nl',
  'No',
  'P',
  'Pc',
  'Pd',
  'Ps',
  'Pe',
  'Pi',
  'Pf',
  'Po',
  'Z',
  'Zs',
  'Zl',
  'Zp',
  'S',
  'Sm',
  'Sc',
  'Sk',
  'So',
  'C',
  'Cc',
  'Cf',
  'Co',
  'Cn',
]);

function hex(cp: number): string {
  return `\\u{${cp.toString(16).toUpperCase()}}`;
}

/** Thrown internally when a `u`-mode translation meets something only `v` mode can express. */
class NeedsSetNotation extends Error {}

type Mode = 'u' | 'v';

class PatternTranslator {
  private pos = 0;
  private readonly chars: number[];

  constructor(
    private readonly pattern: string,
    private readonly mode: Mode,
  ) {
    this.chars = Array.from(pattern, (ch) => ch.codePointAt(0) ?? 0);
  }

  translate(): string {
    const out = this.regExp();
    if (this.pos < this.chars.length) this.fail(`unexpected '${String.fromCodePoint(this.chars[this.pos] ?? 0)}'`);
    return out;
  }

  private fail(reason: string): never {
    throw new XsdPatternError(`pattern '${this.pattern}': ${reason} at ${this.pos}`);
  }

  private peek(): number | undefined {
    return this.chars[this.pos];
  }

  /** A literal character outside classes. */
  private literal(cp: number): string {
    const ch = String.fromCodePoint(cp);
    const plain = /[A-Za-z0-9]/.test(ch) ? ch : hex(cp);
    return this.mode === 'v' ? `[${plain}]` : plain;
  }

  private regExp(): string {
    let out = this.branch();
    while (this.peek() === 0x7c) {
      this.pos++;
      out += '|' + this.branch();
    }
    return out;
  }

  private branch(): string {
    let out = '';
    for (let c = this.peek(); c !== undefined && c !== 0x7c && c !== 0x29; c = this.peek()) out += this.piece();
    return out;
  }

  private piece(): string {
    const atom = this.atom();
    const c = this.peek();
    if (c === 0x3f || c === 0x2a || c === 0x2b) {
      this.pos++;
      return atom + String.fromCodePoint(c);
    }
    if (c === 0x7b) {
      const close = this.chars.indexOf(0x7d, this.pos);
      if (close === -1) this.fail('unterminated quantifier');
      const body = String.fromCodePoint(...this.chars.slice(this.pos + 1, close));
      if (!/^\d+(,\d*)?$/.test(body)) this.fail(`malformed quantifier {${body}}`);
      this.pos = close + 1;
      return `${atom}{${body}}`;
    }
    return atom;
  }

  private atom(): string {
    const c = this.peek();
    if (c === undefined) this.fail('atom expected');
    if (c === 0x28) {
      this.pos++;
      const inner = this.regExp();
      if (this.peek() !== 0x29) this.fail("')' expected");
      this.pos++;
      return `(?:${inner})`;
    }
    if (c === 0x5b) return this.classExpr();
    if (c === 0x2e) {
      this.pos++;
      return '[^\\u{A}\\u{D}]';
    }
    if (c === 0x5c) {
      const escape = this.escape();
      if (typeof escape === 'number') return this.literal(escape);
      return `[${escape.negated ? '^' : ''}${escape.members}]`;
    }
    if (c === 0x3f || c === 0x2a || c === 0x2b || c === 0x7b || c === 0x7d || c === 0x29 || c === 0x5d) {
      this.fail(`'${String.fromCodePoint(c)}' must be escaped`);
    }
    this.pos++;
    return this.literal(c);
  }

  /** An escape at pos ('\'): a code point, or the members of a multi-character / category escape. */
  private escape(): number | { members: string; negated: boolean } {
    this.pos++;
    const c = this.peek();
    if (c === undefined) this.fail('dangling escape');
    this.pos++;
    const ch = String.fromCodePoint(c);
    const single = SINGLE_CHAR_ESCAPES[ch];
    if (single !== undefined) return single;
    const multi = MULTI_CHAR_ESCAPES[ch];
    if (multi !== undefined) return multi;
    if (ch === 'p' || ch === 'P') {
      if (this.peek() !== 0x7b) this.fail('category escape needs {…}');
      const close = this.chars.indexOf(0x7d, this.pos);
      if (close === -1) this.fail('unterminated category escape');
      const name = String.fromCodePoint(...this.chars.slice(this.pos + 1, close));
      this.pos = close + 1;
      if (!CATEGORIES.has(name)) this.fail(`unsupported category or block '${name}'`);
      return { members: `\\${ch}{${name}}`, negated: false };
    }
    return this.fail(`unknown escape '\\${ch}'`);
  }

  /** charClassExpr ::= '[' '^'? (charRange | escape)+ ('-' charClassExpr)? ']' */
  private classExpr(): string {
    this.pos++;
    let negated = false;
    if (this.peek() === 0x5e) {
      negated = true;
      this.pos++;
    }
    let items = '';
    let subtraction: string | undefined;
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('unterminated character class');
      if (c === 0x5d && !first) {
        this.pos++;
        break;
      }
      if (c === 0x2d && this.chars[this.pos + 1] === 0x5b && !first) {
        this.pos++;
        if (this.mode === 'u') throw new NeedsSetNotation();
        subtraction = this.classExpr();
        if (this.peek() !== 0x5d) this.fail("']' expected after a class subtraction");
        this.pos++;
        break;
      }
      items += this.classItem(first);
      first = false;
    }
    const base = `[${negated ? '^' : ''}${items}]`;
    return subtraction ? `[${base}--${subtraction}]` : base;
  }

  /** One range, single character or escape inside a character class. */
  private classItem(first: boolean): string {
    const start = this.classChar(first);
    if (typeof start !== 'number') {
      if (!start.negated) return start.members;
      if (this.mode === 'u') throw new NeedsSetNotation();
      return `[^${start.members}]`;
    }
    if (this.peek() === 0x2d && this.chars[this.pos + 1] !== 0x5d && this.chars[this.pos + 1] !== 0x5b) {
      this.pos++;
      const end = this.classChar(false);
      if (typeof end !== 'number') this.fail('a range cannot end with a multi-character escape');
      if (end < start) this.fail('range out of order');
      return `${hex(start)}-${hex(end)}`;
    }
    return hex(start);
  }

  private classChar(first: boolean): number | { members: string; negated: boolean } {
    const c = this.peek();
    if (c === undefined) this.fail('unterminated character class');
    if (c === 0x5c) return this.escape();
    if (c === 0x5b) this.fail("'[' must be escaped inside a class");
    if (c === 0x2d && !first && this.chars[this.pos + 1] !== 0x5d) this.fail("'-' must be escaped here");
    this.pos++;
    return c;
  }
}

/** A RegExp that matches exactly the values the XSD pattern matches. */
export function compileXsdPattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${new PatternTranslator(pattern, 'u').translate()})$`, 'u');
  } catch (error) {
    if (!(error instanceof NeedsSetNotation)) throw error;
    return new RegExp(`^(?:${new PatternTranslator(pattern, 'v').translate()})$`, 'v');
  }
}
