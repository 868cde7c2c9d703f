/**
 * Structural and lexical mutations of valid documents, for cross-checking the validator with xmllint:
 * each mutation yields a document the two must judge alike.
 */
import { readXml, type XmlElement } from '@flexgrid/xml';
import { OADR_XML_LIMITS } from '../xml-limits';
import { withNumberedPrefixes } from './restyle.test-util';

/** A plain, mutable copy of an element tree. */
export interface Node {
  ns: string;
  local: string;
  attributes: { ns: string; local: string; value: string }[];
  children: Node[];
  text: string;
}

function toNode(el: XmlElement): Node {
  return {
    ns: el.ns,
    local: el.local,
    attributes: el.attributes.map((a) => ({ ns: a.ns, local: a.local, value: a.value })),
    children: el.children.map(toNode),
    text: el.children.length > 0 ? '' : el.text,
  };
}

export function parseNode(xml: string): Node {
  return toNode(readXml(xml, OADR_XML_LIMITS).root);
}

export const serializeNode: (root: Node) => string = withNumberedPrefixes;

function clone(n: Node): Node {
  return { ...n, attributes: n.attributes.map((a) => ({ ...a })), children: n.children.map(clone) };
}

/** Every node with its parent, in document order. */
export function walk(root: Node): { node: Node; parent: Node | undefined; index: number }[] {
  const out: { node: Node; parent: Node | undefined; index: number }[] = [{ node: root, parent: undefined, index: 0 }];
  const visit = (parent: Node): void => {
    parent.children.forEach((node, index) => {
      out.push({ node, parent, index });
      visit(node);
    });
  };
  visit(root);
  return out;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** Text values that break one lexical space or another. */
export const BAD_VALUES: readonly string[] = [
  '',
  ' ',
  'abc',
  '-1',
  '1.5',
  'NaN',
  'INF',
  '1e',
  '4294967296',
  '2020-13-01T00:00:00Z',
  '2021-02-29T00:00:00Z',
  '2020-01-01T00:00:00+01:00',
  '-2020-01-01T00:00:00Z',
  'P1X',
  'PT1.5S',
  '-PT5M',
  '2W',
  'P',
  ' PT1S',
  '007',
  ' 200',
  'x-',
  'x- a',
  'x-a',
  'true ',
  'TRUE',
  '2.0c',
  'kilo',
  'EUR',
  'http://[bad',
  '%zz',
  'none',
  'optin',
  'Quality Good - Non Specific',
];

export type Mutation = (root: Node, at: number) => Node | undefined;

function at(
  root: Node,
  index: number,
): { copy: Node; node: Node; parent: Node | undefined; position: number } | undefined {
  const copy = clone(root);
  const entry = walk(copy)[index];
  return entry ? { copy, node: entry.node, parent: entry.parent, position: entry.index } : undefined;
}

export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  remove: (root, i) => {
    const m = at(root, i);
    if (!m?.parent) return undefined;
    m.parent.children.splice(m.position, 1);
    return m.copy;
  },
  duplicate: (root, i) => {
    const m = at(root, i);
    if (!m?.parent) return undefined;
    m.parent.children.splice(m.position, 0, clone(m.node));
    return m.copy;
  },
  swapWithNext: (root, i) => {
    const m = at(root, i);
    if (!m?.parent || m.position + 1 >= m.parent.children.length) return undefined;
    const kids = m.parent.children;
    [kids[m.position], kids[m.position + 1]] = [kids[m.position + 1] as Node, kids[m.position] as Node];
    return m.copy;
  },
  moveToEnd: (root, i) => {
    const m = at(root, i);
    if (!m?.parent || m.position + 1 >= m.parent.children.length) return undefined;
    m.parent.children.push(...m.parent.children.splice(m.position, 1));
    return m.copy;
  },
  rename: (root, i) => {
    const m = at(root, i);
    if (!m) return undefined;
    m.node.local += 'X';
    return m.copy;
  },
  foreignNamespace: (root, i) => {
    const m = at(root, i);
    if (!m) return undefined;
    m.node.ns = 'urn:example:foreign';
    return m.copy;
  },
  noNamespace: (root, i) => {
    const m = at(root, i);
    if (!m) return undefined;
    m.node.ns = '';
    return m.copy;
  },
  unknownAttribute: (root, i) => {
    const m = at(root, i);
    if (!m) return undefined;
    m.node.attributes.push({ ns: '', local: 'extra', value: '1' });
    return m.copy;
  },
  foreignAttribute: (root, i) => {
    const m = at(root, i);
    if (!m) return undefined;
    m.node.attributes.push({ ns: 'urn:example:foreign', local: 'extra', value: '1' });
    return m.copy;
  },
  xsiNil: (root, i) => {
    const m = at(root, i);
    if (!m) return undefined;
    m.node.attributes.push({ ns: XSI, local: 'nil', value: 'true' });
    m.node.children = [];
    m.node.text = '';
    return m.copy;
  },
  textInElementContent: (root, i) => {
    const m = at(root, i);
    if (!m || m.node.children.length === 0) return undefined;
    m.node.children = [];
    m.node.text = 'stray';
    return m.copy;
  },
  childInSimpleContent: (root, i) => {
    const m = at(root, i);
    if (!m || m.node.children.length > 0) return undefined;
    m.node.children = [{ ns: m.node.ns, local: 'child', attributes: [], children: [], text: m.node.text }];
    return m.copy;
  },
};

/** The leaf at `i` with its text replaced by `value`. */
export function withText(root: Node, i: number, value: string): Node | undefined {
  const m = at(root, i);
  if (!m || m.node.children.length > 0) return undefined;
  m.node.text = value;
  return m.copy;
}
