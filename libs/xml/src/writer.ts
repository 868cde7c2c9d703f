/**
 * Pieces for writing XML text: escaping (XW-3) and a canonical serialization of a read element tree,
 * used to carry foreign content (Green Button feeds) through unchanged in meaning.
 */
import { XmlWriteError } from './errors';
import { isXmlText } from './names';
import { XML_NAMESPACE, type XmlElement } from './reader';

function checked(value: string): string {
  if (!isXmlText(value)) throw new XmlWriteError('text contains characters that XML 1.0 does not allow');
  return value;
}

/** Character data: `&`, `<`, `>` escaped; CR kept as a reference so it survives line-end normalization. */
export function escapeText(value: string): string {
  checked(value);
  return /[&<>\r]/.test(value) ? value.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]) : value;
}

/** Attribute values: also `"`, and whitespace other than space as references (attribute normalization would eat them). */
export function escapeAttribute(value: string): string {
  checked(value);
  return /[&<>"\t\n\r]/.test(value) ? value.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]) : value;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };

/**
 * The element and its content as XML with every namespace it uses declared on it. Prefixes come from
 * `preferred` (namespace → prefix), else `ns1`, `ns2`, … in order of first use, so equal trees give equal text.
 */
export function serializeElement(root: XmlElement, preferred: ReadonlyMap<string, string>): string {
  const prefixes = new Map<string, string>();
  const prefixOf = (ns: string): string => {
    if (ns === XML_NAMESPACE) return 'xml';
    let prefix = prefixes.get(ns);
    if (prefix === undefined) {
      const wanted = preferred.get(ns);
      prefix = wanted !== undefined && ![...prefixes.values()].includes(wanted) ? wanted : `ns${prefixes.size + 1}`;
      prefixes.set(ns, prefix);
    }
    return prefix;
  };
  const qualified = (ns: string, local: string): string => (ns === '' ? local : `${prefixOf(ns)}:${local}`);
  const write = (el: XmlElement): string => {
    const name = qualified(el.ns, el.local);
    const attributes = el.attributes.map((a) => ` ${qualified(a.ns, a.local)}="${escapeAttribute(a.value)}"`).join('');
    const parts = el.mixed ?? (el.children.length > 0 ? el.children : el.text === '' ? [] : [el.text]);
    const content = parts.map((part) => (typeof part === 'string' ? escapeText(part) : write(part))).join('');
    return content === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${content}</${name}>`;
  };
  const body = write(root);
  const usesNoNamespace = (el: XmlElement): boolean => el.ns === '' || el.children.some(usesNoNamespace);
  const declarations = [...prefixes].map(([ns, prefix]) => ` xmlns:${prefix}="${escapeAttribute(ns)}"`).join('');
  const undeclareDefault = usesNoNamespace(root) ? ' xmlns=""' : '';
  const open = body.indexOf('>') - (body.startsWith('/>', body.indexOf('>') - 1) ? 1 : 0);
  return body.slice(0, open) + declarations + undeclareDefault + body.slice(open);
}
