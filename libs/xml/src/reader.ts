/**
 * A namespace-aware, non-validating XML 1.0 reader for untrusted input.
 *
 * It builds a small element tree and enforces, while reading, the caps its caller sets (depth, element
 * count, text and comment size). It refuses any document type declaration: only the five predefined
 * entities and character references exist, and nothing is ever expanded beyond a single character, so
 * entity bombs and external entities cannot exist.
 */
import { XmlReadError, type XmlErrorCode } from './errors';
import { isNameChar, isNameStartChar, isNcName, isXmlChar, isXmlSpace, isXmlWhitespaceOnly } from './names';

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface XmlReadLimits {
  /** Deepest allowed element nesting (the root is depth 1). */
  readonly maxDepth: number;
  /** Most elements in one document. */
  readonly maxElements: number;
  /** Largest text node or attribute value, in UTF-8 bytes after reference decoding. */
  readonly maxTextBytes: number;
  /**
   * Largest comment or processing instruction (from after `<!--` or `<?` to before `-->` or `?>`), in UTF-8
   * bytes. The tree leaves both out, so this cap keeps a document from carrying its bulk where the text cap
   * does not look.
   */
  readonly maxCommentBytes: number;
}

/**
 * The in-scope namespace bindings of an element: the declarations of the nearest declaring element, then
 * its parent scope. One link per declaring ancestor (at most the depth cap), so a lookup stays cheap however
 * many prefixes a hostile document declares on one element.
 */
export interface NamespaceScope {
  readonly bindings: ReadonlyMap<string, string>;
  readonly parent: NamespaceScope | undefined;
}

export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  readonly qname: string;
  readonly value: string;
}

export interface XmlElement {
  readonly ns: string;
  readonly local: string;
  readonly qname: string;
  /** Attributes other than namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  readonly children: XmlElement[];
  /** All character data directly inside this element, concatenated. */
  text: string;
  /** Text and child elements in document order; only set for true mixed content (non-whitespace text beside children). */
  mixed: (string | XmlElement)[] | undefined;
  /** Offset of the `<` of the start tag in the source, for line:column in messages. */
  readonly offset: number;
  readonly scope: NamespaceScope | undefined;
}

export interface XmlDocument {
  readonly root: XmlElement;
}

const PREDEFINED_SCOPE: NamespaceScope = { bindings: new Map([['xml', XML_NAMESPACE]]), parent: undefined };

export function lookupNamespace(scope: NamespaceScope | undefined, prefix: string): string | undefined {
  for (let s = scope; s; s = s.parent) {
    const uri = s.bindings.get(prefix);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/** 1-based line and column of a source offset. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

interface Frame {
  readonly element: XmlElement;
  /** Bytes of the text node being read (reset at every child tag). */
  runBytes: number;
  content: (string | XmlElement)[] | undefined;
}

interface RawAttribute {
  qname: string;
  value: string;
  offset: number;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOS = 0x27;
const CR = 0x0d;
const RBRACKET = 0x5d;
const COLON = 0x3a;

/**
 * Reads one XML document. Throws XmlReadError (and nothing else) for any input that is not a
 * namespace-well-formed XML 1.0 document within the limits.
 */
export function readXml(source: string, limits: XmlReadLimits): XmlDocument {
  return new Reader(source, limits).document();
}

class Reader {
  private pos = 0;
  private elementCount = 0;
  private lastClosed: XmlElement | undefined;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly src: string,
    private readonly limits: XmlReadLimits,
  ) {}

  document(): XmlDocument {
    const src = this.src;
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (src.startsWith('<?xml', this.pos) && isXmlSpace(src.charCodeAt(this.pos + 5))) this.xmlDeclaration();
    let root: XmlElement | undefined;
    for (;;) {
      this.skipSpace();
      if (this.pos >= src.length) break;
      if (src.charCodeAt(this.pos) !== LT) {
        this.fail('NOT_WELL_FORMED', root ? 'content after the root element' : 'text before the root element');
      }
      const next = src.charCodeAt(this.pos + 1);
      if (next === BANG) {
        if (src.startsWith('<!--', this.pos)) this.comment();
        else this.refuseDeclaration("'<!' must start a comment outside the root element");
      } else if (next === QUESTION) this.processingInstruction();
      else if (root) this.fail('NOT_WELL_FORMED', 'extra content after the root element');
      else root = this.rootElement();
    }
    if (!root) this.fail('NOT_WELL_FORMED', 'no root element');
    return { root };
  }

  private fail(code: XmlErrorCode, reason: string, at = this.pos): never {
    const { line, column } = positionOf(this.src, Math.min(at, this.src.length));
    throw new XmlReadError(code, reason, line, column);
  }

  private skipSpace(): void {
    const src = this.src;
    while (this.pos < src.length && isXmlSpace(src.charCodeAt(this.pos))) this.pos++;
  }

  private xmlDeclaration(): void {
    const src = this.src;
    this.pos += 5;
    const pseudo = (name: string, required: boolean): string | undefined => {
      const save = this.pos;
      this.skipSpace();
      if (!src.startsWith(name, this.pos) || this.pos === save) {
        if (required) this.fail('NOT_WELL_FORMED', `XML declaration: '${name}' expected`);
        this.pos = save;
        return undefined;
      }
      this.pos += name.length;
      this.skipSpace();
      if (src.charCodeAt(this.pos) !== EQUALS) this.fail('NOT_WELL_FORMED', "XML declaration: '=' expected");
      this.pos++;
      this.skipSpace();
      const quote = src.charCodeAt(this.pos);
      if (quote !== QUOTE && quote !== APOS) this.fail('NOT_WELL_FORMED', 'XML declaration: quoted value expected');
      const end = src.indexOf(String.fromCharCode(quote), this.pos + 1);
      if (end === -1) this.fail('NOT_WELL_FORMED', 'XML declaration: unterminated value');
      const value = src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return value;
    };
    const version = pseudo('version', true) ?? '';
    if (!/^1\.[0-9]+$/.test(version)) this.fail('NOT_WELL_FORMED', `unsupported XML version '${version}'`);
    const encoding = pseudo('encoding', false);
    if (encoding !== undefined && !/^[A-Za-z][A-Za-z0-9._-]*$/.test(encoding)) {
      this.fail('NOT_WELL_FORMED', `malformed encoding name '${encoding}'`);
    }
    const standalone = pseudo('standalone', false);
    if (standalone !== undefined && standalone !== 'yes' && standalone !== 'no') {
      this.fail('NOT_WELL_FORMED', "standalone must be 'yes' or 'no'");
    }
    this.skipSpace();
    if (!src.startsWith('?>', this.pos)) this.fail('NOT_WELL_FORMED', "XML declaration: '?>' expected");
    this.pos += 2;
  }

  private comment(): void {
    const src = this.src;
    const start = this.pos + 4;
    const end = src.indexOf('--', start);
    if (end === -1) this.fail('NOT_WELL_FORMED', 'unterminated comment');
    if (src.charCodeAt(end + 2) !== GT) this.fail('NOT_WELL_FORMED', "'--' is not allowed inside a comment", end);
    this.checkCommentChars(start, end, 'a comment');
    this.pos = end + 3;
  }

  /**
   * Markup at pos that starts with `<!` and is not one of the constructs allowed there. Only markup is looked
   * at, so the same letters inside a comment, a CDATA section or a processing instruction declare nothing.
   */
  private refuseDeclaration(otherwise: string): never {
    if (this.src.startsWith('<!DOCTYPE', this.pos))
      this.fail('DOCTYPE', 'a document type declaration (<!DOCTYPE) is not allowed');
    if (this.src.startsWith('<!ENTITY', this.pos))
      this.fail('DOCTYPE', 'an entity declaration (<!ENTITY) is not allowed');
    return this.fail('NOT_WELL_FORMED', otherwise);
  }

  private processingInstruction(): void {
    const src = this.src;
    const start = this.pos;
    this.pos += 2;
    const target = this.name(false);
    if (target.toLowerCase() === 'xml') {
      this.fail('NOT_WELL_FORMED', 'the XML declaration is only allowed at the very start', start);
    }
    const end = src.indexOf('?>', this.pos);
    if (end === -1) this.fail('NOT_WELL_FORMED', 'unterminated processing instruction');
    if (end !== this.pos && !isXmlSpace(src.charCodeAt(this.pos)))
      this.fail('NOT_WELL_FORMED', 'malformed processing instruction');
    this.checkCommentChars(start + 2, end, 'a processing instruction');
    this.pos = end + 2;
  }

  /** Reads a Name (or an NCName when colons are not allowed) at pos. */
  private name(allowColon: boolean): string {
    const src = this.src;
    const start = this.pos;
    let p = start;
    let cp = src.codePointAt(p) ?? -1;
    if (!isNameStartChar(cp) || (!allowColon && cp === COLON)) this.fail('NOT_WELL_FORMED', 'a name was expected');
    p += cp > 0xffff ? 2 : 1;
    for (;;) {
      const c = src.charCodeAt(p);
      if (c < 0x80) {
        if (!isNameChar(c) || (!allowColon && c === COLON)) break;
        p++;
        continue;
      }
      cp = src.codePointAt(p) ?? 0;
      if (!isNameChar(cp)) break;
      p += cp > 0xffff ? 2 : 1;
    }
    this.pos = p;
    return src.slice(start, p);
  }

  /**
   * The content [from, to) of a comment or processing instruction: within the comment cap, and every code
   * point an XML Char. A UTF-16 code unit is at most as many UTF-8 bytes, so content with more units than the
   * cap is refused unread, and otherwise the scan stops at the cap.
   */
  private checkCommentChars(from: number, to: number, what: string): void {
    const cap = this.limits.maxCommentBytes;
    const refuse = (): never => this.fail('COMMENT_LIMIT', `${what} exceeds ${cap} bytes`, from);
    if (to - from > cap) refuse();
    let bytes = 0;
    for (let i = from; i < to; i++) {
      const c = this.src.charCodeAt(i);
      bytes += c >= 0x20 && c < 0x80 ? 1 : this.charBytes(c, i, to);
      if (bytes > cap) refuse();
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
  }

  private rootElement(): XmlElement {
    const src = this.src;
    this.startTag();
    while (this.stack.length > 0) {
      const lt = src.indexOf('<', this.pos);
      if (lt === -1) {
        this.text(src.length);
        this.fail('NOT_WELL_FORMED', `element '${this.top().element.qname}' is not closed`);
      }
      if (lt > this.pos) this.text(lt);
      const next = src.charCodeAt(lt + 1);
      if (next === SLASH) this.endTag();
      else if (next === BANG) {
        if (src.startsWith('<!--', lt)) this.comment();
        else if (src.startsWith('<![CDATA[', lt)) this.cdata();
        else this.refuseDeclaration("'<!' must start a comment or a CDATA section");
      } else if (next === QUESTION) this.processingInstruction();
      else this.startTag();
    }
    // The root is the last element to close.
    const root = this.lastClosed;
    if (!root) this.fail('NOT_WELL_FORMED', 'no root element');
    return root;
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1];
  }

  /** UTF-8 bytes the text node being read may still take. */
  private textBudget(): number {
    return this.limits.maxTextBytes - this.top().runBytes;
  }

  private refuseTextNode(at: number): never {
    return this.fail('TEXT_LIMIT', `a text node exceeds ${this.limits.maxTextBytes} bytes`, at);
  }

  /** Appends character data, already counted against the text node's budget, to the open element. */
  private appendText(value: string, bytes: number): void {
    const frame = this.top();
    frame.runBytes += bytes;
    frame.element.text += value;
    const content = frame.content;
    if (content) {
      const last = content.length - 1;
      if (typeof content[last] === 'string') content[last] += value;
      else content.push(value);
    }
  }

  /** Character data from pos up to `end` (exclusive) as a text node. */
  private text(end: number): void {
    const start = this.pos;
    const budget = this.textBudget();
    const { value, bytes } = this.characterData(start, end, false, budget);
    if (bytes > budget) this.refuseTextNode(start);
    this.pos = end;
    this.appendText(value, bytes);
  }

  /**
   * Character data in [start, end): references decoded, every character checked and counted in UTF-8 bytes,
   * line ends normalized (XML 1.0 §2.11) and, in an attribute value, each literal whitespace character made
   * a space (§3.3.3; a CR LF pair counts once). It stops as soon as more than `budget` bytes are decoded, for
   * the caller to refuse: an oversized run costs no more than the cap, however long it is.
   */
  private characterData(
    start: number,
    end: number,
    inAttribute: boolean,
    budget: number,
  ): { value: string; bytes: number } {
    const src = this.src;
    let out = '';
    let chunk = start;
    let bytes = 0;
    for (let i = start; i < end && bytes <= budget; i++) {
      const c = src.charCodeAt(i);
      if (c >= 0x20 && c < 0x80) {
        bytes++;
        if (c === AMP) {
          out += src.slice(chunk, i);
          const { value, next } = this.reference(i);
          out += value;
          bytes += utf8Length(value) - 1;
          i = next - 1;
          chunk = next;
        } else if (inAttribute) {
          if (c === LT) this.fail('NOT_WELL_FORMED', "'<' is not allowed in an attribute value", i);
        } else if (
          c === RBRACKET &&
          i + 2 < end &&
          src.charCodeAt(i + 1) === RBRACKET &&
          src.charCodeAt(i + 2) === GT
        ) {
          this.fail('NOT_WELL_FORMED', "']]>' is not allowed in text", i);
        }
        continue;
      }
      if (c === CR || (inAttribute && (c === 0x09 || c === 0x0a))) {
        out += src.slice(chunk, i) + (inAttribute ? ' ' : '\n');
        if (c === CR && i + 1 < end && src.charCodeAt(i + 1) === 0x0a) i++;
        chunk = i + 1;
        bytes++;
        continue;
      }
      bytes += this.charBytes(c, i, end);
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
    return { value: out + src.slice(chunk, end), bytes };
  }

  /** UTF-8 length of the code unit at i, failing on anything that is not an XML Char. */
  private charBytes(c: number, i: number, end: number): number {
    if (c < 0x20) {
      if (c === 0x09 || c === 0x0a || c === 0x0d) return 1;
    } else if (c < 0x800) {
      return c < 0x80 ? 1 : 2;
    } else if (c < 0xd800 || (c >= 0xe000 && c <= 0xfffd)) {
      return 3;
    } else if (c <= 0xdbff) {
      const d = this.src.charCodeAt(i + 1);
      if (i + 1 < end && d >= 0xdc00 && d <= 0xdfff) return 4;
    }
    return this.fail(
      'NOT_WELL_FORMED',
      `character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`,
      i,
    );
  }

  /** An entity or character reference starting at `at` ('&'). Only the predefined entities exist here. */
  private reference(at: number): { value: string; next: number } {
    const src = this.src;
    const semi = src.indexOf(';', at + 1);
    if (semi === -1 || semi - at > 40) this.fail('NOT_WELL_FORMED', "'&' must start a reference ending with ';'", at);
    const body = src.slice(at + 1, semi);
    let value: string | undefined;
    if (body.charCodeAt(0) === 0x23) {
      const hex = body.charCodeAt(1) === 0x78;
      const digits = body.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits))
        this.fail('NOT_WELL_FORMED', `malformed character reference '&${body};'`, at);
      const cp = parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(cp) || (cp >= 0xd800 && cp <= 0xdfff))
        this.fail('NOT_WELL_FORMED', `character reference '&${body};' is not an XML character`, at);
      value = String.fromCodePoint(cp);
    } else {
      switch (body) {
        case 'lt':
          value = '<';
          break;
        case 'gt':
          value = '>';
          break;
        case 'amp':
          value = '&';
          break;
        case 'quot':
          value = '"';
          break;
        case 'apos':
          value = "'";
          break;
        default:
          this.fail(
            'NOT_WELL_FORMED',
            `entity '&${body};' is not defined (only the five predefined entities are allowed)`,
            at,
          );
      }
    }
    return { value, next: semi + 1 };
  }

  private cdata(): void {
    const src = this.src;
    const start = this.pos + 9;
    const end = src.indexOf(']]>', start);
    if (end === -1) this.fail('NOT_WELL_FORMED', 'unterminated CDATA section');
    const budget = this.textBudget();
    let bytes = 0;
    for (let i = start; i < end && bytes <= budget; i++) {
      const c = src.charCodeAt(i);
      bytes += c >= 0x20 && c < 0x80 ? 1 : this.charBytes(c, i, end);
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
    if (bytes > budget) this.refuseTextNode(this.pos);
    this.appendText(src.slice(start, end).replace(/\r\n?/g, '\n'), bytes);
    this.pos = end + 3;
  }

  /** Reads a start tag at pos and opens (or, if empty, also closes) its element. */
  private startTag(): void {
    const src = this.src;
    const start = this.pos;
    this.pos++;
    const qname = this.name(true);
    let raw: RawAttribute[] | undefined;
    let declared: Map<string, string> | undefined;
    let empty = false;
    for (;;) {
      const hadSpace = isXmlSpace(src.charCodeAt(this.pos));
      this.skipSpace();
      const c = src.charCodeAt(this.pos);
      if (c === GT) {
        this.pos++;
        break;
      }
      if (c === SLASH) {
        if (src.charCodeAt(this.pos + 1) !== GT) this.fail('NOT_WELL_FORMED', "'/>' expected");
        this.pos += 2;
        empty = true;
        break;
      }
      if (this.pos >= src.length) this.fail('NOT_WELL_FORMED', `start tag of '${qname}' is not closed`);
      if (!hadSpace) this.fail('NOT_WELL_FORMED', 'whitespace is required between attributes');
      const attrOffset = this.pos;
      const attrName = this.name(true);
      this.skipSpace();
      if (src.charCodeAt(this.pos) !== EQUALS)
        this.fail('NOT_WELL_FORMED', `'=' expected after attribute '${attrName}'`);
      this.pos++;
      this.skipSpace();
      const value = this.attributeValue();
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
        this.declareNamespace(attrName, value, (declared ??= new Map()), attrOffset);
      } else {
        (raw ??= []).push({ qname: attrName, value, offset: attrOffset });
      }
    }
    if (raw && raw.length > 1)
      this.refuseRepeats(
        raw,
        (a) => a.qname,
        (a) => `attribute '${a.qname}' is repeated`,
        'NOT_WELL_FORMED',
      );
    const inherited = this.inheritedScope();
    this.openElement(qname, raw, declared ? { bindings: declared, parent: inherited } : inherited, start);
    if (empty) this.closeElement();
  }

  /** Fails at the first attribute whose key an earlier one has; a set keeps a tag with many attributes linear. */
  private refuseRepeats<T extends { readonly offset: number }>(
    items: readonly T[],
    key: (item: T) => string,
    reason: (item: T) => string,
    code: XmlErrorCode,
  ): void {
    const seen = new Set<string>();
    for (const item of items) {
      const k = key(item);
      if (seen.has(k)) this.fail(code, reason(item), item.offset);
      seen.add(k);
    }
  }

  private declareNamespace(attrName: string, uri: string, declared: Map<string, string>, at: number): void {
    const prefix = attrName.length === 5 ? '' : attrName.slice(6);
    if (prefix !== '') {
      if (!isNcName(prefix)) this.fail('NAMESPACE', `malformed namespace prefix '${prefix}'`, at);
      if (prefix === 'xmlns') this.fail('NAMESPACE', "the prefix 'xmlns' cannot be declared", at);
      if (uri === '') this.fail('NAMESPACE', `namespace prefix '${prefix}' cannot be bound to an empty URI`, at);
    }
    if (prefix === 'xml' ? uri !== XML_NAMESPACE : uri === XML_NAMESPACE) {
      this.fail('NAMESPACE', 'the xml prefix and the XML namespace belong only to each other', at);
    }
    if (uri === XMLNS_NAMESPACE) this.fail('NAMESPACE', 'the xmlns namespace cannot be declared', at);
    if (declared.has(prefix)) this.fail('NOT_WELL_FORMED', `attribute '${attrName}' is repeated`, at);
    declared.set(prefix, uri);
  }

  /** The scope the element being read inherited from its parent (declarations above it are not repeats). */
  private inheritedScope(): NamespaceScope | undefined {
    return this.stack.length > 0 ? this.top().element.scope : PREDEFINED_SCOPE;
  }

  private attributeValue(): string {
    const src = this.src;
    const quote = src.charCodeAt(this.pos);
    if (quote !== QUOTE && quote !== APOS) this.fail('NOT_WELL_FORMED', 'attribute value must be quoted');
    const start = this.pos + 1;
    const end = src.indexOf(quote === QUOTE ? '"' : "'", start);
    if (end === -1) this.fail('NOT_WELL_FORMED', 'unterminated attribute value');
    const { value, bytes } = this.characterData(start, end, true, this.limits.maxTextBytes);
    if (bytes > this.limits.maxTextBytes)
      this.fail('TEXT_LIMIT', `an attribute value exceeds ${this.limits.maxTextBytes} bytes`, start);
    this.pos = end + 1;
    return value;
  }

  /** The namespace of a QName (its local part is what follows the colon, if any). */
  private namespaceOf(
    qname: string,
    colon: number,
    scope: NamespaceScope | undefined,
    isAttribute: boolean,
    at: number,
  ): string {
    if (colon === -1) return isAttribute ? '' : (lookupNamespace(scope, '') ?? '');
    const prefix = qname.slice(0, colon);
    if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
      this.fail('NAMESPACE', `'${qname}' is not a valid qualified name`, at);
    }
    if (prefix === 'xmlns') this.fail('NAMESPACE', `the prefix 'xmlns' cannot be used for '${qname}'`, at);
    const ns = lookupNamespace(scope, prefix);
    if (ns === undefined || ns === '')
      this.fail('NAMESPACE', `namespace prefix '${prefix}' of '${qname}' is not declared`, at);
    return ns;
  }

  private openElement(
    qname: string,
    raw: RawAttribute[] | undefined,
    scope: NamespaceScope | undefined,
    offset: number,
  ): void {
    if (this.stack.length >= this.limits.maxDepth)
      this.fail('DEPTH_LIMIT', `elements are nested deeper than ${this.limits.maxDepth}`, offset);
    if (++this.elementCount > this.limits.maxElements)
      this.fail('ELEMENT_LIMIT', `the document has more than ${this.limits.maxElements} elements`, offset);
    const colon = qname.indexOf(':');
    const ns = this.namespaceOf(qname, colon, scope, false, offset);
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    let attributes: XmlAttribute[] = NO_ATTRIBUTES;
    if (raw) {
      attributes = [];
      for (const a of raw) {
        const c = a.qname.indexOf(':');
        attributes.push({
          ns: this.namespaceOf(a.qname, c, scope, true, a.offset),
          local: c === -1 ? a.qname : a.qname.slice(c + 1),
          qname: a.qname,
          value: a.value,
        });
      }
      if (attributes.length > 1) {
        const first = new Map<string, string>();
        attributes.forEach((a, i) => {
          const key = `{${a.ns}}${a.local}`;
          const earlier = first.get(key);
          if (earlier !== undefined)
            this.fail(
              'NAMESPACE',
              `attributes '${earlier}' and '${a.qname}' have the same expanded name`,
              raw[i].offset,
            );
          first.set(key, a.qname);
        });
      }
    }
    const element: XmlElement = {
      ns,
      local,
      qname,
      attributes,
      children: [],
      text: '',
      mixed: undefined,
      offset,
      scope,
    };
    if (this.stack.length > 0) {
      const parent = this.top();
      parent.element.children.push(element);
      parent.runBytes = 0;
      if (parent.content) parent.content.push(element);
      else parent.content = parent.element.text === '' ? [element] : [parent.element.text, element];
    }
    this.stack.push({ element, runBytes: 0, content: undefined });
  }

  private closeElement(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    const content = frame.content;
    if (content && content.some((part) => typeof part === 'string' && !isXmlWhitespaceOnly(part)))
      frame.element.mixed = content;
    this.lastClosed = frame.element;
    if (this.stack.length > 0) this.top().runBytes = 0;
  }

  private endTag(): void {
    const src = this.src;
    const start = this.pos;
    this.pos += 2;
    const qname = this.name(true);
    this.skipSpace();
    if (src.charCodeAt(this.pos) !== GT) this.fail('NOT_WELL_FORMED', `end tag '${qname}' is not closed`);
    this.pos++;
    const open = this.top().element.qname;
    if (qname !== open) this.fail('NOT_WELL_FORMED', `end tag '${qname}' does not match start tag '${open}'`, start);
    this.closeElement();
  }
}

const NO_ATTRIBUTES: XmlAttribute[] = [];

function utf8Length(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
