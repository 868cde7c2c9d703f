/**
 * XSD 1.0 schema documents → SchemaModel. Pure: the caller hands in the text of every file of the set.
 * It covers the constructs of the schema sets it was written for (OpenADR 2.0b) and refuses anything else
 * loudly, so a schema change cannot be silently half-understood.
 */
import { XsdCompileError } from '../errors';
import { lookupNamespace, readXml, type XmlElement } from '../reader';
import { BUILTIN_TYPES, checkBuiltin } from './builtins';
import { buildAutomaton, type Particle } from './content-model';
import type {
  AttributeDeclModel,
  AttributeUseModel,
  ComplexTypeModel,
  ElementDeclModel,
  FacetStep,
  SchemaModel,
  SimpleTypeModel,
  TypeModel,
  Whitespace,
  WildcardModel,
} from './model';
import { nameKey } from './model';
import { compileXsdPattern } from './pattern';

const XS = 'http://www.w3.org/2001/XMLSchema';
/** Schema files are the caller's own, not untrusted input: the caps only stop a runaway. */
const SCHEMA_LIMITS = {
  maxDepth: 256,
  maxElements: 1_000_000,
  maxTextBytes: 16 * 1024 * 1024,
  maxCommentBytes: 16 * 1024 * 1024,
};

interface SchemaDocument {
  readonly file: string;
  readonly targetNamespace: string;
  readonly elementsQualified: boolean;
  readonly attributesQualified: boolean;
}

interface Located {
  readonly node: XmlElement;
  readonly doc: SchemaDocument;
}

interface ComplexInfo {
  readonly particle: Particle | undefined;
  readonly attributes: Map<string, AttributeUseModel>;
  readonly anyAttribute: WildcardModel | undefined;
  readonly content: ComplexTypeModel['content'];
  readonly simpleType: number | undefined;
}

type AttributeUses = { uses: Map<string, AttributeUseModel>; anyAttribute: WildcardModel | undefined };

function contentKind(particle: Particle | undefined, mixed: boolean): ComplexTypeModel['content'] {
  if (mixed) return 'mixed';
  return particle ? 'elements' : 'empty';
}

function xsChildren(node: XmlElement): XmlElement[] {
  return node.children.filter((c) => c.ns === XS && c.local !== 'annotation');
}

function attr(node: XmlElement, name: string): string | undefined {
  return node.attributes.find((a) => a.ns === '' && a.local === name)?.value;
}

function requiredAttr(node: XmlElement, name: string): string {
  const value = attr(node, name);
  if (value === undefined) throw new XsdCompileError(`xs:${node.local} lacks its '${name}' attribute`);
  return value;
}

/** The one child a construct must have (an inline type definition where no reference is given). */
function inlineChild(node: XmlElement, local: string): XmlElement {
  const found = xsChildren(node).find((c) => c.local === local);
  if (!found) throw new XsdCompileError(`xs:${node.local} needs a reference or an inline xs:${local}`);
  return found;
}

function occurs(node: XmlElement, name: 'minOccurs' | 'maxOccurs'): number {
  const value = attr(node, name);
  if (value === undefined) return 1;
  if (value === 'unbounded') return Infinity;
  if (!/^[0-9]+$/.test(value.trim())) throw new XsdCompileError(`bad ${name} '${value}'`);
  return Number(value.trim());
}

class SchemaCompiler {
  private readonly docs = new Map<string, SchemaDocument>();
  private readonly globals = {
    element: new Map<string, Located>(),
    complexType: new Map<string, Located>(),
    simpleType: new Map<string, Located>(),
    attribute: new Map<string, Located>(),
    attributeGroup: new Map<string, Located>(),
    group: new Map<string, Located>(),
  };
  private readonly substitutionMembers = new Map<string, string[]>();

  private readonly types: (TypeModel | undefined)[] = [];
  private readonly complexInfo = new Map<number, ComplexInfo>();
  private readonly typeIndexByKey = new Map<string, number>();
  private readonly elements: ElementDeclModel[] = [];
  private readonly elementByGlobalKey = new Map<string, number>();
  private readonly elementByNode = new Map<XmlElement, number>();
  private readonly attributeDecls = new Map<string, AttributeDeclModel>();
  private readonly anyType: number;

  constructor(private readonly files: Readonly<Record<string, string>>) {
    // xs:anyType: mixed content of any elements and attributes, validated where declarations exist.
    const wildcard: WildcardModel = { namespaces: { any: true }, process: 'lax' };
    const particle: Particle = { kind: 'any', wildcard, min: 0, max: Infinity };
    this.anyType = this.types.length;
    this.types.push({
      kind: 'complex',
      name: `{${XS}}anyType`,
      content: 'mixed',
      automaton: buildAutomaton(particle),
      attributes: [],
      anyAttribute: wildcard,
    });
    this.complexInfo.set(this.anyType, {
      particle,
      attributes: new Map(),
      anyAttribute: wildcard,
      content: 'mixed',
      simpleType: undefined,
    });
    this.typeIndexByKey.set(nameKey(XS, 'anyType'), this.anyType);
  }

  compile(entry: string): SchemaModel {
    this.load(entry);
    for (const [key] of this.globals.simpleType) this.typeIndex(key);
    for (const [key] of this.globals.complexType) this.typeIndex(key);
    for (const [key] of this.globals.attribute) this.globalAttribute(key);
    const globalElements: Record<string, number> = {};
    for (const [key] of [...this.globals.element].sort(([a], [b]) => (a < b ? -1 : 1)))
      globalElements[key] = this.globalElement(key);
    const globalAttributes: Record<string, AttributeDeclModel> = {};
    for (const [key, decl] of [...this.attributeDecls].sort(([a], [b]) => (a < b ? -1 : 1)))
      globalAttributes[key] = decl;
    const globalTypes: Record<string, number> = {};
    for (const [key, index] of [...this.typeIndexByKey].sort(([a], [b]) => (a < b ? -1 : 1))) globalTypes[key] = index;
    return {
      types: this.types.map((t, i) => {
        if (!t) throw new XsdCompileError(`type ${i} was never completed`);
        return t;
      }),
      elements: this.elements,
      globalElements,
      globalAttributes,
      globalTypes,
      anyType: this.anyType,
    };
  }

  // ---- loading ------------------------------------------------------------------------------

  private load(file: string): void {
    if (this.docs.has(file)) return;
    const text = this.files[file];
    if (text === undefined) throw new XsdCompileError(`schema file '${file}' is missing from the set`);
    const root = readXml(text, SCHEMA_LIMITS).root;
    if (root.ns !== XS || root.local !== 'schema') throw new XsdCompileError(`${file}: not an XML Schema document`);
    const doc: SchemaDocument = {
      file,
      targetNamespace: attr(root, 'targetNamespace') ?? '',
      elementsQualified: attr(root, 'elementFormDefault') === 'qualified',
      attributesQualified: attr(root, 'attributeFormDefault') === 'qualified',
    };
    this.docs.set(file, doc);
    for (const child of xsChildren(root)) {
      switch (child.local) {
        case 'import':
        case 'include': {
          const location = attr(child, 'schemaLocation');
          if (location) this.load(location);
          break;
        }
        case 'element':
        case 'complexType':
        case 'simpleType':
        case 'attribute':
        case 'attributeGroup':
        case 'group': {
          const key = nameKey(doc.targetNamespace, requiredAttr(child, 'name'));
          const table = this.globals[child.local];
          if (table.has(key)) throw new XsdCompileError(`${file}: ${child.local} ${key} is declared twice`);
          table.set(key, { node: child, doc });
          if (child.local === 'element') {
            const head = attr(child, 'substitutionGroup');
            if (head) {
              const headKey = this.qname(child, head);
              this.substitutionMembers.set(headKey, [...(this.substitutionMembers.get(headKey) ?? []), key]);
            }
          }
          break;
        }
        case 'notation':
          break;
        default:
          throw new XsdCompileError(`${file}: unsupported top-level construct xs:${child.local}`);
      }
    }
  }

  /** Resolves a QName-valued attribute in the scope of the node it appears on. */
  private qname(node: XmlElement, value: string): string {
    const text = value.trim();
    const colon = text.indexOf(':');
    const prefix = colon === -1 ? '' : text.slice(0, colon);
    const ns = lookupNamespace(node.scope, prefix) ?? (prefix === '' ? '' : undefined);
    if (ns === undefined) throw new XsdCompileError(`undeclared prefix in QName '${value}'`);
    return nameKey(ns, colon === -1 ? text : text.slice(colon + 1));
  }

  private located(kind: keyof SchemaCompiler['globals'], key: string): Located {
    const found = this.globals[kind].get(key);
    if (!found) throw new XsdCompileError(`no global ${kind} ${key}`);
    return found;
  }

  // ---- types --------------------------------------------------------------------------------

  private reserve(): number {
    this.types.push(undefined);
    return this.types.length - 1;
  }

  /** The index of a named type (built-in, simple or complex), compiling it on first use. */
  typeIndex(key: string): number {
    const known = this.typeIndexByKey.get(key);
    if (known !== undefined) return known;
    if (key.startsWith(`{${XS}}`)) return this.builtinIndex(key.slice(XS.length + 2));
    const simple = this.globals.simpleType.get(key);
    if (simple) {
      const index = this.reserve();
      this.typeIndexByKey.set(key, index);
      this.types[index] = this.simpleType(simple.node, simple.doc, key);
      return index;
    }
    const complex = this.located('complexType', key);
    const index = this.reserve();
    this.typeIndexByKey.set(key, index);
    this.compileComplex(complex.node, complex.doc, key, index);
    return index;
  }

  private builtinIndex(name: string): number {
    const key = nameKey(XS, name);
    const known = this.typeIndexByKey.get(key);
    if (known !== undefined) return known;
    const builtin = BUILTIN_TYPES[name];
    if (!builtin) throw new XsdCompileError(`unsupported built-in type xs:${name}`);
    const base = builtin.base ? this.builtinIndex(builtin.base) : undefined;
    const index = this.types.length;
    this.types.push({
      kind: 'simple',
      name: key,
      variety: 'atomic',
      builtin: name,
      whitespace: builtin.whitespace,
      facets: [],
      ...(base !== undefined ? { base } : {}),
    });
    this.typeIndexByKey.set(key, index);
    return index;
  }

  private simpleTypeModel(index: number): SimpleTypeModel {
    const t = this.types[index];
    if (!t) throw new XsdCompileError(`simple type ${index} is used before it is complete (circular derivation)`);
    if (t.kind !== 'simple') throw new XsdCompileError(`${t.name} is not a simple type`);
    return t;
  }

  /** A type reference (@type) or an anonymous definition among the children, else `fallback`. */
  private typeOf(node: XmlElement, doc: SchemaDocument, description: string, fallback: () => number): number {
    const ref = attr(node, 'type');
    if (ref) return this.typeIndex(this.qname(node, ref));
    const inline = xsChildren(node).find((c) => c.local === 'simpleType' || c.local === 'complexType');
    if (!inline) return fallback();
    const index = this.reserve();
    if (inline.local === 'simpleType') this.types[index] = this.simpleType(inline, doc, description);
    else this.compileComplex(inline, doc, description, index);
    return index;
  }

  private anonymousSimple(node: XmlElement, doc: SchemaDocument, description: string): number {
    const index = this.reserve();
    this.types[index] = this.simpleType(node, doc, description);
    return index;
  }

  private simpleType(node: XmlElement, doc: SchemaDocument, name: string): SimpleTypeModel {
    const [def] = xsChildren(node);
    if (!def) throw new XsdCompileError(`${name}: empty simple type`);
    switch (def.local) {
      case 'restriction': {
        const baseRef = attr(def, 'base');
        const inline = baseRef ? undefined : inlineChild(def, 'simpleType');
        const base = inline
          ? this.anonymousSimple(inline, doc, `${name} base`)
          : this.typeIndex(this.qname(def, requiredAttr(def, 'base')));
        return this.restrict(
          this.simpleTypeModel(base),
          base,
          xsChildren(def).filter((c) => c !== inline),
          name,
        );
      }
      case 'list': {
        const itemRef = attr(def, 'itemType');
        const item = itemRef
          ? this.typeIndex(this.qname(def, itemRef))
          : this.anonymousSimple(inlineChild(def, 'simpleType'), doc, `${name} item`);
        return {
          kind: 'simple',
          name,
          variety: 'list',
          item,
          whitespace: 'collapse',
          facets: [],
          base: this.builtinIndex('anySimpleType'),
        };
      }
      case 'union': {
        const refs = (attr(def, 'memberTypes') ?? '').split(/\s+/).filter((m) => m !== '');
        const members = [
          ...refs.map((m) => this.typeIndex(this.qname(def, m))),
          ...xsChildren(def)
            .filter((c) => c.local === 'simpleType')
            .map((c, i) => this.anonymousSimple(c, doc, `${name} member ${i}`)),
        ];
        return {
          kind: 'simple',
          name,
          variety: 'union',
          members,
          whitespace: 'preserve',
          facets: [],
          base: this.builtinIndex('anySimpleType'),
        };
      }
      default:
        throw new XsdCompileError(`${name}: unsupported simple type construct xs:${def.local}`);
    }
  }

  /** A restriction step on `base` with the facet elements given. */
  private restrict(base: SimpleTypeModel, baseIndex: number, facets: XmlElement[], name: string): SimpleTypeModel {
    const step: { -readonly [K in keyof FacetStep]: FacetStep[K] } = {};
    const patterns: string[] = [];
    const enumeration: string[] = [];
    let whitespace: Whitespace = base.whitespace;
    for (const facet of facets) {
      const value = attr(facet, 'value');
      if (value === undefined) throw new XsdCompileError(`${name}: facet xs:${facet.local} without a value`);
      switch (facet.local) {
        case 'pattern':
          compileXsdPattern(value);
          patterns.push(value);
          break;
        case 'enumeration':
          enumeration.push(value);
          break;
        case 'whiteSpace':
          whitespace = value as Whitespace;
          break;
        case 'minInclusive':
        case 'maxInclusive':
        case 'minExclusive':
        case 'maxExclusive':
          if (base.builtin && checkBuiltin(base.builtin, value))
            throw new XsdCompileError(`${name}: bad ${facet.local} '${value}'`);
          step[facet.local] = value;
          break;
        case 'length':
        case 'minLength':
        case 'maxLength':
        case 'totalDigits':
        case 'fractionDigits':
          step[facet.local] = Number(value);
          break;
        default:
          throw new XsdCompileError(`${name}: unsupported facet xs:${facet.local}`);
      }
    }
    if (patterns.length > 0) step.patterns = patterns;
    if (enumeration.length > 0) step.enumeration = enumeration;
    const steps = Object.keys(step).length > 0 ? [...base.facets, step] : base.facets;
    return {
      kind: 'simple',
      name,
      variety: base.variety,
      ...(base.builtin !== undefined ? { builtin: base.builtin } : {}),
      ...(base.item !== undefined ? { item: base.item } : {}),
      ...(base.members !== undefined ? { members: base.members } : {}),
      whitespace,
      facets: steps,
      base: baseIndex,
    };
  }

  private info(index: number): ComplexInfo {
    const found = this.complexInfo.get(index);
    if (!found) throw new XsdCompileError(`complex type ${index} is used as a base before it is complete`);
    return found;
  }

  private compileComplex(node: XmlElement, doc: SchemaDocument, name: string, index: number): void {
    const children = xsChildren(node);
    let mixed = attr(node, 'mixed') === 'true';
    const abstract = attr(node, 'abstract') === 'true';
    let info: ComplexInfo;
    let base: number | undefined;
    const derivation = children.find((c) => c.local === 'complexContent' || c.local === 'simpleContent');
    if (!derivation) {
      info = this.complexBody(children, doc, name, undefined, mixed);
    } else {
      const [how] = xsChildren(derivation);
      if (!how || (how.local !== 'extension' && how.local !== 'restriction'))
        throw new XsdCompileError(`${name}: malformed ${derivation.local}`);
      base = this.typeIndex(this.qname(how, requiredAttr(how, 'base')));
      const body = xsChildren(how);
      if (derivation.local === 'complexContent') {
        if (attr(derivation, 'mixed') !== undefined) mixed = attr(derivation, 'mixed') === 'true';
        const baseInfo = this.info(base);
        if (how.local === 'extension') {
          const own = this.complexBody(body, doc, name, baseInfo, mixed);
          const particle =
            baseInfo.particle && own.particle
              ? ({ kind: 'sequence', items: [baseInfo.particle, own.particle], min: 1, max: 1 } as const)
              : (baseInfo.particle ?? own.particle);
          info = { ...own, particle, content: contentKind(particle, mixed) };
        } else {
          info = this.complexBody(body, doc, name, baseInfo, mixed, true);
        }
      } else {
        const baseType = this.types[base];
        const baseInfo = baseType?.kind === 'complex' ? this.info(base) : undefined;
        let simpleType: number;
        if (how.local === 'extension') {
          const inherited = baseInfo ? baseInfo.simpleType : base;
          if (inherited === undefined)
            throw new XsdCompileError(`${name}: simpleContent extension of a type without simple content`);
          simpleType = inherited;
        } else {
          if (!baseInfo?.simpleType)
            throw new XsdCompileError(`${name}: simpleContent restriction of a type without simple content`);
          const facets = body.filter(
            (c) => !['attribute', 'attributeGroup', 'anyAttribute', 'simpleType'].includes(c.local),
          );
          simpleType = this.reserve();
          this.types[simpleType] = this.restrict(
            this.simpleTypeModel(baseInfo.simpleType),
            baseInfo.simpleType,
            facets,
            `${name} content`,
          );
        }
        const attributes = this.attributeUses(body, doc, baseInfo?.attributes);
        info = {
          particle: undefined,
          attributes: attributes.uses,
          anyAttribute: attributes.anyAttribute ?? baseInfo?.anyAttribute,
          content: 'simple',
          simpleType,
        };
      }
    }
    this.complexInfo.set(index, info);
    this.types[index] = {
      kind: 'complex',
      name,
      ...(abstract ? { abstract } : {}),
      ...(base !== undefined ? { base } : {}),
      content: info.content,
      ...(info.simpleType !== undefined ? { simpleType: info.simpleType } : {}),
      ...(info.content === 'elements' || info.content === 'mixed' ? { automaton: buildAutomaton(info.particle) } : {}),
      attributes: [...info.attributes.values()],
      ...(info.anyAttribute ? { anyAttribute: info.anyAttribute } : {}),
    };
  }

  /** Particle and attributes declared directly in a complex type body (or an extension/restriction of it). */
  private complexBody(
    body: XmlElement[],
    doc: SchemaDocument,
    name: string,
    base: ComplexInfo | undefined,
    mixed: boolean,
    restriction = false,
  ): ComplexInfo {
    const groupNode = body.find((c) => ['sequence', 'choice', 'all', 'group'].includes(c.local));
    const particle = groupNode ? this.particle(groupNode, doc, name) : undefined;
    const attributes = this.attributeUses(body, doc, base?.attributes);
    return {
      particle,
      attributes: attributes.uses,
      anyAttribute: restriction ? attributes.anyAttribute : (attributes.anyAttribute ?? base?.anyAttribute),
      content: contentKind(particle, mixed),
      simpleType: undefined,
    };
  }

  private particle(node: XmlElement, doc: SchemaDocument, context: string): Particle | undefined {
    const min = occurs(node, 'minOccurs');
    const max = occurs(node, 'maxOccurs');
    if (max === 0) return undefined;
    switch (node.local) {
      case 'element': {
        const ref = attr(node, 'ref');
        if (ref) {
          const alternatives = this.substitutable(this.qname(node, ref));
          if (alternatives.length === 1)
            return { kind: 'element', key: alternatives[0].key, decl: alternatives[0].decl, min, max };
          const items: Particle[] = alternatives.map((a) => ({
            kind: 'element',
            key: a.key,
            decl: a.decl,
            min: 1,
            max: 1,
          }));
          return { kind: 'choice', items, min, max };
        }
        const decl = this.localElement(node, doc, context);
        return { kind: 'element', key: this.elements[decl].key, decl, min, max };
      }
      case 'any':
        return { kind: 'any', wildcard: this.wildcard(node, doc), min, max };
      case 'sequence':
      case 'choice': {
        const items = xsChildren(node)
          .map((c) => this.particle(c, doc, context))
          .filter((p): p is Particle => p !== undefined);
        return { kind: node.local, items, min, max };
      }
      case 'group': {
        const group = this.located('group', this.qname(node, requiredAttr(node, 'ref')));
        const [inner] = xsChildren(group.node);
        const p = inner ? this.particle(inner, group.doc, context) : undefined;
        return p ? { kind: 'sequence', items: [p], min, max } : undefined;
      }
      default:
        throw new XsdCompileError(`${context}: unsupported particle xs:${node.local}`);
    }
  }

  private wildcard(node: XmlElement, doc: SchemaDocument): WildcardModel {
    const process = (attr(node, 'processContents') ?? 'strict') as WildcardModel['process'];
    const spec = (attr(node, 'namespace') ?? '##any').trim();
    if (spec === '##any') return { namespaces: { any: true }, process };
    if (spec === '##other') return { namespaces: { not: [doc.targetNamespace, ''] }, process };
    const oneOf = spec
      .split(/\s+/)
      .map((token) => (token === '##targetNamespace' ? doc.targetNamespace : token === '##local' ? '' : token));
    return { namespaces: { oneOf }, process };
  }

  // ---- elements -----------------------------------------------------------------------------

  /** The element itself (unless abstract) and every element in its substitution group, transitively. */
  private substitutable(key: string): { key: string; decl: number }[] {
    const out: { key: string; decl: number }[] = [];
    const visit = (k: string): void => {
      const decl = this.globalElement(k);
      if (!this.elements[decl].abstract && !out.some((o) => o.key === k)) out.push({ key: k, decl });
      for (const member of this.substitutionMembers.get(k) ?? []) visit(member);
    };
    visit(key);
    if (out.length === 0) throw new XsdCompileError(`element ${key} is abstract and has no substitutes`);
    return out;
  }

  private globalElement(key: string): number {
    const known = this.elementByGlobalKey.get(key);
    if (known !== undefined) return known;
    const { node, doc } = this.located('element', key);
    const index = this.elements.length;
    this.elements.push({ key, type: this.anyType });
    this.elementByGlobalKey.set(key, index);
    const head = attr(node, 'substitutionGroup');
    const type = this.typeOf(node, doc, `type of element ${key}`, () =>
      head ? this.elements[this.globalElement(this.qname(node, head))].type : this.anyType,
    );
    this.elements[index] = this.declaration(node, key, type);
    return index;
  }

  private localElement(node: XmlElement, doc: SchemaDocument, context: string): number {
    const known = this.elementByNode.get(node);
    if (known !== undefined) return known;
    const form = attr(node, 'form') ?? (doc.elementsQualified ? 'qualified' : 'unqualified');
    const key = nameKey(form === 'qualified' ? doc.targetNamespace : '', requiredAttr(node, 'name'));
    const index = this.elements.length;
    this.elements.push({ key, type: this.anyType });
    this.elementByNode.set(node, index);
    const type = this.typeOf(node, doc, `type of element ${key} in ${context}`, () => this.anyType);
    this.elements[index] = this.declaration(node, key, type);
    return index;
  }

  private declaration(node: XmlElement, key: string, type: number): ElementDeclModel {
    const fixed = attr(node, 'fixed');
    const dflt = attr(node, 'default');
    return {
      key,
      type,
      ...(attr(node, 'nillable') === 'true' ? { nillable: true } : {}),
      ...(attr(node, 'abstract') === 'true' ? { abstract: true } : {}),
      ...(fixed !== undefined ? { fixed } : {}),
      ...(dflt !== undefined ? { default: dflt } : {}),
    };
  }

  // ---- attributes ---------------------------------------------------------------------------

  private globalAttribute(key: string): AttributeDeclModel {
    const known = this.attributeDecls.get(key);
    if (known) return known;
    const { node, doc } = this.located('attribute', key);
    const type = this.typeOf(node, doc, `type of attribute ${key}`, () => this.builtinIndex('anySimpleType'));
    const fixed = attr(node, 'fixed');
    const decl: AttributeDeclModel = { type, ...(fixed !== undefined ? { fixed } : {}) };
    this.attributeDecls.set(key, decl);
    return decl;
  }

  /** Attribute uses of a body on top of the base's; `use="prohibited"` removes an inherited one. */
  private attributeUses(
    body: XmlElement[],
    doc: SchemaDocument,
    base: Map<string, AttributeUseModel> | undefined,
  ): AttributeUses {
    const uses = new Map<string, AttributeUseModel | null>(base ?? []);
    let anyAttribute: WildcardModel | undefined;
    const add = (node: XmlElement, d: SchemaDocument): void => {
      switch (node.local) {
        case 'attribute': {
          const use = attr(node, 'use') ?? 'optional';
          const ref = attr(node, 'ref');
          let key: string;
          let type: number;
          let fixed = attr(node, 'fixed');
          if (ref) {
            key = this.qname(node, ref);
            const decl = this.globalAttribute(key);
            type = decl.type;
            fixed ??= decl.fixed;
          } else {
            const form = attr(node, 'form') ?? (d.attributesQualified ? 'qualified' : 'unqualified');
            key = nameKey(form === 'qualified' ? d.targetNamespace : '', requiredAttr(node, 'name'));
            type = this.typeOf(node, d, `type of attribute ${key}`, () => this.builtinIndex('anySimpleType'));
          }
          if (use === 'prohibited') {
            uses.set(key, null);
            return;
          }
          uses.set(key, {
            key,
            type,
            ...(use === 'required' ? { required: true } : {}),
            ...(fixed !== undefined ? { fixed } : {}),
          });
          return;
        }
        case 'attributeGroup': {
          const group = this.located('attributeGroup', this.qname(node, requiredAttr(node, 'ref')));
          for (const child of xsChildren(group.node)) add(child, group.doc);
          return;
        }
        case 'anyAttribute':
          anyAttribute = this.wildcard(node, d);
          return;
        default:
          return;
      }
    };
    for (const node of body) add(node, doc);
    return {
      uses: new Map([...uses].filter((entry): entry is [string, AttributeUseModel] => entry[1] !== null)),
      anyAttribute,
    };
  }
}

/**
 * Compiles a schema set. `files` maps each file name (as `schemaLocation` spells it) to its text;
 * `entry` names the document to start from.
 */
export function compileSchema(files: Readonly<Record<string, string>>, entry: string): SchemaModel {
  return new SchemaCompiler(files).compile(entry);
}
