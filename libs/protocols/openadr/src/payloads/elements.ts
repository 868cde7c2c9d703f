/**
 * The element-level mechanics every payload family reads and writes with. Reading: the schema validator has
 * already checked structure, order and lexical forms, so a reader walks each XSD sequence in order and only
 * converts values. Writing (XW-1..3): every element prefixed with the §2.3 prefixes, optional elements without
 * a value left out, no pretty-printing, so the same payload always gives the same bytes.
 */
import { escapeText, isXmlSpace, type XmlElement } from '@flexgrid/xml';
import { OadrDataError } from '../errors';

// ---- reading ----------------------------------------------------------------------------------

/** XML-2: text values are trimmed of XML whitespace (not of other Unicode spaces). */
export function trimmed(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Reads the children of one element in XSD sequence order. */
export class Sequence {
  private i = 0;
  constructor(private readonly kids: readonly XmlElement[]) {}

  static of(el: XmlElement): Sequence {
    return new Sequence(el.children);
  }

  optional(ns: string, local: string): XmlElement | undefined {
    const kid = this.kids[this.i];
    if (kid && kid.local === local && kid.ns === ns) {
      this.i++;
      return kid;
    }
    return undefined;
  }

  required(ns: string, local: string): XmlElement {
    const kid = this.optional(ns, local);
    if (!kid) throw new Error(`schema-valid input lacks {${ns}}${local}`);
    return kid;
  }

  many(ns: string, local: string): XmlElement[] {
    const out: XmlElement[] = [];
    for (let kid = this.optional(ns, local); kid; kid = this.optional(ns, local)) out.push(kid);
    return out;
  }

  /** The next child whatever its name (a substitution group member), if any. */
  next(): XmlElement | undefined {
    return this.kids[this.i++];
  }

  /** The next child, which the schema guarantees to exist (a required substitution group member). */
  member(): XmlElement {
    const kid = this.next();
    if (!kid) throw new Error('schema-valid input lacks a substitution group member');
    return kid;
  }

  peek(): XmlElement | undefined {
    return this.kids[this.i];
  }
}

export const text = (el: XmlElement): string => trimmed(el.text);
export const optText = (el: XmlElement | undefined): string | undefined => (el ? text(el) : undefined);

/** Optional repeatable elements are left out when there are none. */
export function list<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** xs:token values: whitespace collapsed, as the schema compares them. */
export function collapsed(value: string): string {
  return trimmed(value).replace(/[ \t\n\r]+/g, ' ');
}

/** An enumerated token; the schema has already checked it is one of T's values. */
export function token<T extends string>(el: XmlElement): T {
  return collapsed(el.text) as T;
}

// ---- writing ----------------------------------------------------------------------------------

/** `<name>text</name>`, or `<name/>` for the empty string (XW-2). */
export function leaf(name: string, value: string): string {
  return value === '' ? `<${name}/>` : `<${name}>${escapeText(value)}</${name}>`;
}

export function optLeaf(name: string, value: string | undefined): string {
  return value === undefined ? '' : leaf(name, value);
}

export function node(name: string, content: string): string {
  return content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`;
}

export function each<T>(items: readonly T[] | undefined, render: (item: T) => string): string {
  if (!items) return '';
  let out = '';
  for (const item of items) out += render(item);
  return out;
}

export function unsignedInt(value: number, max = 4_294_967_295): string {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new OadrDataError(`${value} is not an integer in 0…${max}`);
  return String(value);
}

export function bool(value: boolean): string {
  return value ? 'true' : 'false';
}

/**
 * Enumerations that admit extensions (signal and report names, report and reading types, opt reasons,
 * data qualities) take them as EiExtensionTokenType `x-\S.*`; the types allow any `x-` text.
 */
export function extensible(value: string): string {
  if (value.startsWith('x-') && !/^x-\S/.test(value))
    throw new OadrDataError(`'${value}' is not an extension token (x- and then a non-space)`);
  return value;
}

export function responseCode(code: string): string {
  if (!/^[0-9]{3}$/.test(code)) throw new OadrDataError(`response code '${code}' is not three digits`);
  return code;
}
