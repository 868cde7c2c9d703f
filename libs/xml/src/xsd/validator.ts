/**
 * Validates an element tree against a compiled SchemaModel, the way libxml2 does, stopping at the first
 * violation. The model is turned into lookup tables once; validating a document then costs a few map
 * lookups per element.
 */
import { isXmlWhitespaceOnly } from '../names';
import { lookupNamespace, type XmlElement } from '../reader';
import { applyWhitespace, checkBuiltin, compareValues, decimalDigits, valueLength } from './builtins';
import { namespaceAllowed } from './content-model';
import type {
  AttributeDeclModel,
  AttributeUseModel,
  ComplexTypeModel,
  ElementDeclModel,
  SchemaModel,
  SimpleTypeModel,
  WildcardModel,
} from './model';
import { nameKey } from './model';
import { compileXsdPattern } from './pattern';

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export interface SchemaViolation {
  /** What is wrong, naming elements as `{namespace}local`. */
  readonly message: string;
  /** Offset of the offending element's start tag. */
  readonly offset: number;
}

interface Transition {
  readonly target: number;
  readonly match: number | WildcardModel;
}

interface RuntimeAutomaton {
  readonly namespaces: ReadonlySet<string>;
  readonly states: readonly { readonly final: boolean; readonly next: ReadonlyMap<string, Transition> }[];
}

class Violation extends Error {
  constructor(
    readonly violation: string,
    readonly offset: number,
  ) {
    super(violation);
  }
}

interface ValidationRun {
  readonly ids: Set<string>;
}

/** A model invariant (set by the compiler); a missing piece means the model file is corrupt. */
function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`corrupt schema model: ${what} is missing`);
  return value;
}

export class SchemaValidator {
  private readonly automata = new Map<number, RuntimeAutomaton>();
  private readonly patterns = new Map<string, RegExp>();
  private readonly attributeUses = new Map<number, ReadonlyMap<string, AttributeUseModel>>();

  constructor(private readonly model: SchemaModel) {
    model.types.forEach((type, index) => {
      if (type.kind !== 'complex') return;
      this.attributeUses.set(index, new Map(type.attributes.map((use) => [use.key, use])));
      if (type.automaton) {
        const { matches } = type.automaton;
        this.automata.set(index, {
          namespaces: new Set(type.automaton.namespaces),
          states: type.automaton.states.map((state) => ({
            final: state.final,
            next: new Map(
              state.next.map(([symbol, target, match]) => {
                const matched = matches[match];
                const key = symbol ?? model.elements[matched as number].key;
                return [key, { target, match: matched }];
              }),
            ),
          })),
        });
      }
    });
  }

  private pattern(xsdPattern: string): RegExp {
    let compiled = this.patterns.get(xsdPattern);
    if (!compiled) {
      compiled = compileXsdPattern(xsdPattern);
      this.patterns.set(xsdPattern, compiled);
    }
    return compiled;
  }

  /** The first violation in the document rooted at `root`, or undefined when it is valid. */
  validate(root: XmlElement): SchemaViolation | undefined {
    const run: ValidationRun = { ids: new Set() };
    try {
      const decl = this.model.globalElements[nameKey(root.ns, root.local)];
      if (decl === undefined)
        throw new Violation(
          `Element '${describe(root)}': No matching global declaration available for the validation root.`,
          root.offset,
        );
      this.element(root, this.model.elements[decl], run);
      return undefined;
    } catch (error) {
      if (error instanceof Violation) return { message: error.violation, offset: error.offset };
      throw error;
    }
  }

  private element(el: XmlElement, decl: ElementDeclModel, run: ValidationRun): void {
    if (decl.abstract) this.fail(el, 'The element declaration is abstract.');
    let typeIndex = decl.type;
    let nil = false;
    for (const a of el.attributes) {
      if (a.ns !== XSI_NAMESPACE) continue;
      if (a.local === 'type') typeIndex = this.xsiType(el, a.value, typeIndex);
      else if (a.local === 'nil') {
        const value = applyWhitespace(a.value, 'collapse');
        if (checkBuiltin('boolean', value))
          this.fail(el, `The value '${a.value}' of attribute xsi:nil is not a valid boolean.`);
        if (!decl.nillable) this.fail(el, "The element is not 'nillable'.");
        nil = value === 'true' || value === '1';
      } else if (a.local !== 'schemaLocation' && a.local !== 'noNamespaceSchemaLocation') {
        this.fail(el, `The attribute '${a.qname}' is not allowed.`);
      }
    }
    const type = this.model.types[typeIndex];
    if (type.kind === 'complex' && type.abstract) this.fail(el, `The type definition '${type.name}' is abstract.`);
    if (nil) {
      if (decl.fixed !== undefined)
        this.fail(el, 'The element cannot be nilled because there is a fixed value constraint.');
      if (el.children.length > 0 || el.text !== '')
        this.fail(el, 'The element cannot have character or element children, since it is nilled.');
    }
    if (type.kind === 'simple') {
      for (const a of el.attributes)
        if (a.ns !== XSI_NAMESPACE) this.fail(el, `The attribute '${a.qname}' is not allowed.`);
      if (el.children.length > 0)
        this.fail(el, 'Element content is not allowed, because the type definition is simple.');
      if (!nil) this.textValue(el, typeIndex, decl, run);
      return;
    }
    this.attributes(el, typeIndex, type, run);
    if (nil) return;
    switch (type.content) {
      case 'empty':
        if (el.children.length > 0 || !isXmlWhitespaceOnly(el.text))
          this.fail(el, 'Character or element content is not allowed, because the content type is empty.');
        return;
      case 'simple':
        if (el.children.length > 0)
          this.fail(el, 'Element content is not allowed, because the content type is a simple type definition.');
        this.textValue(el, present(type.simpleType, `content type of ${type.name}`), decl, run);
        return;
      case 'elements':
        if (!isXmlWhitespaceOnly(el.text))
          this.fail(
            el,
            "Character content other than whitespace is not allowed because the content type is 'element-only'.",
          );
        this.children(el, typeIndex, run);
        return;
      case 'mixed':
        if (decl.fixed !== undefined && el.children.length === 0 && el.text !== '' && el.text !== decl.fixed) {
          this.fail(el, `The actual value '${el.text}' does not match the fixed value constraint '${decl.fixed}'.`);
        }
        this.children(el, typeIndex, run);
        return;
    }
  }

  /** The text of a simple-typed element; an empty element takes the fixed or default value. */
  private textValue(el: XmlElement, typeIndex: number, decl: ElementDeclModel, run: ValidationRun): void {
    const text = el.text;
    // libxml2 compares fixed values as written, without whitespace normalization.
    if (decl.fixed !== undefined && text !== '' && text !== decl.fixed) {
      this.fail(el, `The actual value '${text}' does not match the fixed value constraint '${decl.fixed}'.`);
    }
    const value = text === '' ? (decl.fixed ?? decl.default ?? text) : text;
    const problem = this.simpleValue(typeIndex, value, run);
    if (problem) this.fail(el, `'${value}' is not a valid value of ${problem}.`);
  }

  private xsiType(el: XmlElement, value: string, declared: number): number {
    const text = applyWhitespace(value, 'collapse');
    const colon = text.indexOf(':');
    const prefix = colon === -1 ? '' : text.slice(0, colon);
    const ns = lookupNamespace(el.scope, prefix) ?? (prefix === '' ? '' : undefined);
    const index =
      ns === undefined ? undefined : this.model.globalTypes[nameKey(ns, colon === -1 ? text : text.slice(colon + 1))];
    if (index === undefined)
      this.fail(el, `The QName value '${value}' of the xsi:type attribute does not resolve to a type definition.`);
    if (declared !== this.model.anyType) {
      let t: number | undefined = index;
      while (t !== undefined && t !== declared) t = this.model.types[t].base;
      if (t === undefined)
        this.fail(
          el,
          `The type definition '${this.model.types[index].name}', specified by xsi:type, is not validly derived from '${this.model.types[declared].name}'.`,
        );
    }
    return index;
  }

  private attributes(el: XmlElement, typeIndex: number, type: ComplexTypeModel, run: ValidationRun): void {
    const uses = present(this.attributeUses.get(typeIndex), `attributes of ${type.name}`);
    let seen = 0;
    for (const a of el.attributes) {
      if (a.ns === XSI_NAMESPACE) continue;
      const key = nameKey(a.ns, a.local);
      const use = uses.get(key);
      if (use) {
        seen++;
        this.attributeValue(el, a.qname, a.value, use, run);
        continue;
      }
      const wildcard = type.anyAttribute;
      if (!wildcard || !namespaceAllowed(wildcard.namespaces, a.ns))
        this.fail(el, `The attribute '${a.qname}' is not allowed.`, a.qname);
      if (wildcard.process === 'skip') continue;
      const global: AttributeDeclModel | undefined = this.model.globalAttributes[key];
      if (global) this.attributeValue(el, a.qname, a.value, { key, ...global }, run);
      else if (wildcard.process === 'strict')
        this.fail(
          el,
          'No matching global attribute declaration available, but demanded by the strict wildcard.',
          a.qname,
        );
    }
    if (seen < uses.size) {
      for (const use of uses.values()) {
        if (use.required && !el.attributes.some((a) => nameKey(a.ns, a.local) === use.key)) {
          this.fail(el, `The attribute '${use.key}' is required but missing.`);
        }
      }
    }
  }

  private attributeValue(
    el: XmlElement,
    qname: string,
    value: string,
    use: AttributeUseModel,
    run: ValidationRun,
  ): void {
    const problem = this.simpleValue(use.type, value, run);
    if (problem) this.fail(el, `'${value}' is not a valid value of ${problem}.`, qname);
    if (use.fixed !== undefined && applyWhitespace(value, this.whitespaceOf(use.type)) !== use.fixed) {
      this.fail(el, `The value '${value}' does not match the fixed value constraint '${use.fixed}'.`, qname);
    }
  }

  private whitespaceOf(typeIndex: number): SimpleTypeModel['whitespace'] {
    const type = this.model.types[typeIndex];
    return type.kind === 'simple' ? type.whitespace : 'preserve';
  }

  private children(el: XmlElement, typeIndex: number, run: ValidationRun): void {
    const automaton = present(this.automata.get(typeIndex), `content model of type ${typeIndex}`);
    let state = 0;
    for (const child of el.children) {
      const current = automaton.states[state];
      const transition =
        current.next.get(nameKey(child.ns, child.local)) ??
        current.next.get(automaton.namespaces.has(child.ns) ? `#ns:${child.ns}` : '#*');
      if (!transition) {
        this.fail(child, `This element is not expected.${this.expected(automaton, state)}`);
      }
      state = transition.target;
      const match = transition.match;
      if (typeof match === 'number') this.element(child, this.model.elements[match], run);
      else this.wildcardElement(child, match.process, run);
    }
    if (!automaton.states[state].final) this.fail(el, `Missing child element(s).${this.expected(automaton, state)}`);
  }

  /** An element matched by a wildcard: strict needs a declaration, lax uses one if there is one. */
  private wildcardElement(el: XmlElement, process: WildcardModel['process'], run: ValidationRun): void {
    if (process === 'skip') return;
    const decl = this.model.globalElements[nameKey(el.ns, el.local)];
    if (decl !== undefined) {
      this.element(el, this.model.elements[decl], run);
      return;
    }
    if (process === 'strict')
      this.fail(el, 'No matching global element declaration available, but demanded by the strict wildcard.');
    const xsiType = el.attributes.find((a) => a.ns === XSI_NAMESPACE && a.local === 'type');
    if (xsiType) {
      this.element(
        el,
        { key: nameKey(el.ns, el.local), type: this.xsiType(el, xsiType.value, this.model.anyType) },
        run,
      );
      return;
    }
    for (const child of el.children) this.wildcardElement(child, 'lax', run);
  }

  private expected(automaton: RuntimeAutomaton, state: number): string {
    const names = [...automaton.states[state].next.entries()].map(([symbol, t]) =>
      typeof t.match === 'number' ? symbol : symbol === '#*' ? '##other' : `{${symbol.slice(4)}}*`,
    );
    return names.length > 0 ? ` Expected is ( ${[...new Set(names)].join(', ')} ).` : '';
  }

  /** Why `raw` is not a value of the simple type (as "the atomic type 'x'"), or undefined. */
  private simpleValue(typeIndex: number, raw: string, run: ValidationRun): string | undefined {
    const type = this.model.types[typeIndex] as SimpleTypeModel;
    if (type.variety === 'union') {
      const member = present(type.members, `members of ${type.name}`).find(
        (m) => this.simpleValue(m, raw, run) === undefined,
      );
      if (member === undefined) return `the union type '${type.name}'`;
      return this.facets(type, applyWhitespace(raw, this.whitespaceOf(member)), undefined)
        ? `the union type '${type.name}'`
        : undefined;
    }
    const value = applyWhitespace(raw, type.whitespace);
    if (type.variety === 'list') {
      const items = value === '' ? [] : value.split(' ');
      const itemType = present(type.item, `item type of ${type.name}`);
      for (const item of items) if (this.simpleValue(itemType, item, run)) return `the list type '${type.name}'`;
      return this.facets(type, value, items.length) ? `the list type '${type.name}'` : undefined;
    }
    const builtin = present(type.builtin, `built-in base of ${type.name}`);
    if (checkBuiltin(builtin, value) || this.facets(type, value, undefined)) return `the atomic type '${type.name}'`;
    if (builtin === 'ID') {
      if (run.ids.has(value)) return `the atomic type '${type.name}' (duplicate ID '${value}')`;
      run.ids.add(value);
    }
    return undefined;
  }

  /** Whether some facet of the derivation chain rejects the value (true) or all accept it (false). */
  private facets(type: SimpleTypeModel, value: string, listLength: number | undefined): boolean {
    const builtin = type.builtin ?? 'string';
    for (const step of type.facets) {
      if (step.patterns && !step.patterns.some((p) => this.pattern(p).test(value))) return true;
      if (
        step.enumeration &&
        !step.enumeration.some((e) =>
          type.builtin ? compareValues(builtin, value, applyWhitespace(e, type.whitespace)) === 0 : value === e,
        )
      )
        return true;
      const length =
        step.length !== undefined || step.minLength !== undefined || step.maxLength !== undefined
          ? (listLength ?? valueLength(builtin, value))
          : 0;
      if (step.length !== undefined && length !== step.length) return true;
      if (step.minLength !== undefined && length < step.minLength) return true;
      if (step.maxLength !== undefined && length > step.maxLength) return true;
      if (step.minInclusive !== undefined && !((compareValues(builtin, value, step.minInclusive) ?? -1) >= 0))
        return true;
      if (step.maxInclusive !== undefined && !((compareValues(builtin, value, step.maxInclusive) ?? 1) <= 0))
        return true;
      if (step.minExclusive !== undefined && !((compareValues(builtin, value, step.minExclusive) ?? -1) > 0))
        return true;
      if (step.maxExclusive !== undefined && !((compareValues(builtin, value, step.maxExclusive) ?? 1) < 0))
        return true;
      if (step.totalDigits !== undefined || step.fractionDigits !== undefined) {
        const digits = decimalDigits(value);
        if (step.totalDigits !== undefined && digits.total > step.totalDigits) return true;
        if (step.fractionDigits !== undefined && digits.fraction > step.fractionDigits) return true;
      }
    }
    return false;
  }

  private fail(el: XmlElement, reason: string, attribute?: string): never {
    throw new Violation(
      `Element '${describe(el)}'${attribute ? `, attribute '${attribute}'` : ''}: ${reason}`,
      el.offset,
    );
  }
}

function describe(el: XmlElement): string {
  return el.ns === '' ? el.local : `{${el.ns}}${el.local}`;
}
