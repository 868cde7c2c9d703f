/**
 * The compiled form of an XSD schema set: plain JSON, produced from the .xsd files by `compileSchema`
 * and loaded by the validator. Every cross-reference is an index into the model's arrays; element and
 * attribute names are keyed as `{namespace}local`.
 */

export type Whitespace = 'preserve' | 'replace' | 'collapse';

/** The facets one restriction step adds. A value must satisfy every step of its derivation chain. */
export interface FacetStep {
  /** XSD regular expressions; at least one must match (XSD ORs the patterns of one step). */
  readonly patterns?: readonly string[];
  readonly enumeration?: readonly string[];
  readonly minInclusive?: string;
  readonly maxInclusive?: string;
  readonly minExclusive?: string;
  readonly maxExclusive?: string;
  readonly length?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly totalDigits?: number;
  readonly fractionDigits?: number;
}

export interface SimpleTypeModel {
  readonly kind: 'simple';
  /** `{ns}local`, or a description for anonymous types; used in messages only. */
  readonly name: string;
  readonly variety: 'atomic' | 'list' | 'union';
  /** The built-in type whose lexical space an atomic value must be in (e.g. `unsignedInt`). */
  readonly builtin?: string;
  readonly whitespace: Whitespace;
  readonly facets: readonly FacetStep[];
  readonly item?: number;
  readonly members?: readonly number[];
  /** Base type (index), for xsi:type derivation checks. */
  readonly base?: number;
}

export type NamespaceConstraint =
  { readonly any: true } | { readonly not: readonly string[] } | { readonly oneOf: readonly string[] };

export interface WildcardModel {
  readonly namespaces: NamespaceConstraint;
  readonly process: 'strict' | 'lax' | 'skip';
}

export interface AttributeUseModel {
  readonly key: string;
  readonly type: number;
  readonly required?: boolean;
  readonly fixed?: string;
}

/** A deterministic automaton over the children of a complex type. */
export interface AutomatonModel {
  /** Namespaces that some wildcard of this content model names; other namespaces fall in the `#*` class. */
  readonly namespaces: readonly string[];
  /** What a transition matched: an element declaration (index) or a wildcard. */
  readonly matches: readonly (number | WildcardModel)[];
  /**
   * Per state: whether it is final, and its transitions as [symbol, target state, match index]. The symbol
   * is null for an element transition (the key of the matched declaration), `#ns:<uri>` for any element of
   * a namespace some wildcard names, or `#*` for elements of every other namespace.
   */
  readonly states: readonly {
    readonly final: boolean;
    readonly next: readonly (readonly [string | null, number, number])[];
  }[];
}

export interface ComplexTypeModel {
  readonly kind: 'complex';
  readonly name: string;
  readonly abstract?: boolean;
  readonly base?: number;
  readonly content: 'empty' | 'simple' | 'elements' | 'mixed';
  readonly simpleType?: number;
  readonly automaton?: AutomatonModel;
  readonly attributes: readonly AttributeUseModel[];
  readonly anyAttribute?: WildcardModel;
}

export type TypeModel = SimpleTypeModel | ComplexTypeModel;

export interface ElementDeclModel {
  readonly key: string;
  readonly type: number;
  readonly nillable?: boolean;
  readonly abstract?: boolean;
  readonly fixed?: string;
  readonly default?: string;
}

export interface AttributeDeclModel {
  readonly type: number;
  readonly fixed?: string;
}

export interface SchemaModel {
  readonly types: readonly TypeModel[];
  readonly elements: readonly ElementDeclModel[];
  /** Global element declarations by key. */
  readonly globalElements: Readonly<Record<string, number>>;
  /** Global attribute declarations by key. */
  readonly globalAttributes: Readonly<Record<string, AttributeDeclModel>>;
  /** Named types by key, for xsi:type. */
  readonly globalTypes: Readonly<Record<string, number>>;
  /** The index of xs:anyType. */
  readonly anyType: number;
}

export function nameKey(ns: string, local: string): string {
  return `{${ns}}${local}`;
}
