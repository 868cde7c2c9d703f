/**
 * The same document in other namespace styles, as other implementations write them: numbered prefixes,
 * default namespaces everywhere, or one prefix re-declared for every namespace change.
 */
import { escapeAttribute, escapeText, readXml, XML_NAMESPACE, type XmlElement } from '@flexgrid/xml';
import { OADR_XML_LIMITS } from '../xml-limits';

export type NamespaceStyle = 'numbered-prefixes' | 'default-namespaces' | 'redeclared-prefix';

export const NAMESPACE_STYLES: readonly NamespaceStyle[] = [
  'numbered-prefixes',
  'default-namespaces',
  'redeclared-prefix',
];

/** An element tree as the reader gives it, or a mutable copy of one (mutation.test-util). */
export interface Tree {
  readonly ns: string;
  readonly local: string;
  readonly attributes: readonly { readonly ns: string; readonly local: string; readonly value: string }[];
  readonly children: readonly Tree[];
  readonly text: string;
  readonly mixed?: readonly (string | Tree)[];
}

function content<T extends Tree>(el: T, write: (child: T) => string): string {
  const parts = el.mixed ?? (el.children.length > 0 ? el.children : el.text === '' ? [] : [el.text]);
  return parts.map((part) => (typeof part === 'string' ? escapeText(part) : write(part as T))).join('');
}

/** The tree with prefixes `ns2`, `ns3`, … in order of first use, all declared on the root (no default namespace). */
export function withNumberedPrefixes(root: Tree): string {
  const prefixes = new Map<string, string>();
  const prefix = (ns: string): string => {
    if (ns === XML_NAMESPACE) return 'xml';
    if (!prefixes.has(ns)) prefixes.set(ns, `ns${prefixes.size + 2}`);
    return prefixes.get(ns) ?? '';
  };
  const qualified = (ns: string, local: string): string => (ns === '' ? local : `${prefix(ns)}:${local}`);
  const write = (el: Tree): string => {
    const attrs = el.attributes.map((a) => ` ${qualified(a.ns, a.local)}="${escapeAttribute(a.value)}"`).join('');
    const name = qualified(el.ns, el.local);
    return `<${name}${attrs}>${content(el, write)}</${name}>`;
  };
  const body = write(root);
  const declarations = [...prefixes].map(([ns, p]) => ` xmlns:${p}="${ns}"`).join('');
  const end = body.indexOf('>');
  return `${body.slice(0, end)}${declarations}${body.slice(end)}`;
}

/** Elements in the default namespace (declared where it changes); attributes need a prefix, so they get `a`. */
function defaults(root: XmlElement): string {
  const write = (el: XmlElement, inherited: string | undefined): string => {
    const declare = el.ns !== inherited ? ` xmlns="${el.ns}"` : '';
    const attrNs = [...new Set(el.attributes.filter((a) => a.ns !== '').map((a) => a.ns))];
    const attrDecls = attrNs.map((ns, i) => ` xmlns:a${i}="${ns}"`).join('');
    const attrs = el.attributes
      .map((a) => ` ${a.ns === '' ? '' : `a${attrNs.indexOf(a.ns)}:`}${a.local}="${escapeAttribute(a.value)}"`)
      .join('');
    const inner =
      el.mixed || el.children.length === 0
        ? content(el, (child) => write(child, el.ns))
        : `\n${el.children.map((child) => write(child, el.ns)).join('\n')}\n`;
    return `<${el.local}${declare}${attrDecls}${attrs}>${inner}</${el.local}>`;
  };
  return write(root, '');
}

/** Every element uses the prefix `p`, re-bound whenever the namespace changes. */
function redeclared(root: XmlElement): string {
  const write = (el: XmlElement, bound: string | undefined): string => {
    const declare = el.ns !== bound ? ` xmlns:p="${el.ns}"` : '';
    const foreign = [...new Set(el.attributes.filter((a) => a.ns !== '' && a.ns !== el.ns).map((a) => a.ns))];
    const prefix = (ns: string): string => (ns === '' ? '' : ns === el.ns ? 'p:' : `q${foreign.indexOf(ns)}:`);
    const attrs =
      foreign.map((ns, i) => ` xmlns:q${i}="${ns}"`).join('') +
      el.attributes.map((a) => ` ${prefix(a.ns)}${a.local}="${escapeAttribute(a.value)}"`).join('');
    return `<p:${el.local}${declare}${attrs}>${content(el, (child) => write(child, el.ns))}</p:${el.local}>`;
  };
  return write(root, undefined);
}

export function restyle(xml: string, style: NamespaceStyle): string {
  const root = readXml(xml, OADR_XML_LIMITS).root;
  switch (style) {
    case 'numbered-prefixes':
      return `<?xml version="1.0" encoding="UTF-8"?>\n${withNumberedPrefixes(root)}`;
    case 'default-namespaces':
      return defaults(root);
    case 'redeclared-prefix':
      return redeclared(root);
  }
}
