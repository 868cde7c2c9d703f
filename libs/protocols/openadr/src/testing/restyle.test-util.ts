/**
 * The same document in other namespace styles, as other implementations write them: numbered prefixes,
 * default namespaces everywhere, or one prefix re-declared for every namespace change.
 */
import { readXml, type XmlElement } from '../xml/reader';
import { escapeAttribute, escapeText } from '../xml/writer';

export type NamespaceStyle = 'numbered-prefixes' | 'default-namespaces' | 'redeclared-prefix';

export const NAMESPACE_STYLES: readonly NamespaceStyle[] = ['numbered-prefixes', 'default-namespaces', 'redeclared-prefix'];

function content(el: XmlElement, write: (child: XmlElement) => string): string {
  const parts = el.mixed ?? (el.children.length > 0 ? el.children : el.text === '' ? [] : [el.text]);
  return parts.map((part) => (typeof part === 'string' ? escapeText(part) : write(part))).join('');
}

function numbered(root: XmlElement): string {
  const prefixes = new Map<string, string>();
  const prefix = (ns: string): string => {
    if (!prefixes.has(ns)) prefixes.set(ns, `ns${prefixes.size + 2}`);
    return prefixes.get(ns) ?? '';
  };
  const qualified = (ns: string, local: string): string => (ns === '' ? local : `${prefix(ns)}:${local}`);
  const write = (el: XmlElement): string => {
    const attrs = el.attributes.map((a) => ` ${qualified(a.ns, a.local)}="${escapeAttribute(a.value)}"`).join('');
    const name = qualified(el.ns, el.local);
    return `<${name}${attrs}>${content(el, write)}</${name}>`;
  };
  const body = write(root);
  const declarations = [...prefixes].map(([ns, p]) => ` xmlns:${p}="${ns}"`).join('');
  const end = body.indexOf('>');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.slice(0, end)}${declarations}${body.slice(end)}`;
}

/** Elements in the default namespace (declared where it changes); attributes need a prefix, so they get `a`. */
function defaults(root: XmlElement): string {
  const write = (el: XmlElement, inherited: string | undefined): string => {
    const declare = el.ns !== inherited ? ` xmlns="${el.ns}"` : '';
    const attrNs = [...new Set(el.attributes.filter((a) => a.ns !== '').map((a) => a.ns))];
    const attrDecls = attrNs.map((ns, i) => ` xmlns:a${i}="${ns}"`).join('');
    const attrs = el.attributes.map((a) => ` ${a.ns === '' ? '' : `a${attrNs.indexOf(a.ns)}:`}${a.local}="${escapeAttribute(a.value)}"`).join('');
    const inner = el.mixed || el.children.length === 0 ? content(el, (child) => write(child, el.ns)) : `\n${el.children.map((child) => write(child, el.ns)).join('\n')}\n`;
    return `<${el.local}${declare}${attrDecls}${attrs}>${inner}</${el.local}>`;
  };
  return write(root, '');
}

/** Every element uses the prefix `p`, re-bound whenever the namespace changes. */
function redeclared(root: XmlElement): string {
  const write = (el: XmlElement, bound: string | undefined): string => {
    const declare = el.ns !== bound ? ` xmlns:p="${el.ns}"` : '';
    const attrs = el.attributes
      .map((a) => (a.ns === '' ? ` ${a.local}="${escapeAttribute(a.value)}"` : a.ns === el.ns ? ` p:${a.local}="${escapeAttribute(a.value)}"` : ` xmlns:q="${a.ns}" q:${a.local}="${escapeAttribute(a.value)}"`))
      .join('');
    return `<p:${el.local}${declare}${attrs}>${content(el, (child) => write(child, el.ns))}</p:${el.local}>`;
  };
  return write(root, undefined);
}

export function restyle(xml: string, style: NamespaceStyle): string {
  const root = readXml(xml).root;
  switch (style) {
    case 'numbered-prefixes':
      return numbered(root);
    case 'default-namespaces':
      return defaults(root);
    case 'redeclared-prefix':
      return redeclared(root);
  }
}
