/**
 * Content models (XSD particles) to deterministic automata: a Thompson NFA over element names and
 * wildcards, then the subset construction. Occurrence bounds are unrolled, so `minOccurs="3"` or
 * `maxOccurs="5"` cost states, not counters.
 */
import { ContentModelError } from '../errors';
import type { AutomatonModel, NamespaceConstraint, WildcardModel } from './model';

export type Particle =
  | {
      readonly kind: 'element';
      readonly key: string;
      readonly decl: number;
      readonly min: number;
      readonly max: number;
    }
  | { readonly kind: 'any'; readonly wildcard: WildcardModel; readonly min: number; readonly max: number }
  | {
      readonly kind: 'sequence' | 'choice';
      readonly items: readonly Particle[];
      readonly min: number;
      readonly max: number;
    };

const MAX_STATES = 10_000;

type Leaf =
  | { readonly key: string; readonly wildcard?: undefined; readonly match: number; readonly to: number }
  | { readonly key?: undefined; readonly wildcard: WildcardModel; readonly match: WildcardModel; readonly to: number };

class Nfa {
  readonly epsilon: number[][] = [];
  readonly leaves: Leaf[][] = [];

  state(): number {
    this.epsilon.push([]);
    this.leaves.push([]);
    return this.epsilon.length - 1;
  }

  /** Adds the particle from `from`; returns its end state. */
  build(p: Particle, from: number): number {
    let at = from;
    for (let i = 0; i < p.min; i++) at = this.once(p, at);
    if (p.max === Infinity) {
      const loopStart = this.state();
      this.epsilon[at].push(loopStart);
      const loopEnd = this.once(p, loopStart);
      this.epsilon[loopEnd].push(loopStart);
      return loopStart;
    }
    const end = this.state();
    for (let i = p.min; i < p.max; i++) {
      this.epsilon[at].push(end);
      at = this.once(p, at);
    }
    this.epsilon[at].push(end);
    return end;
  }

  private once(p: Particle, from: number): number {
    switch (p.kind) {
      case 'element': {
        const to = this.state();
        this.leaves[from].push({ key: p.key, match: p.decl, to });
        return to;
      }
      case 'any': {
        const to = this.state();
        this.leaves[from].push({ wildcard: p.wildcard, match: p.wildcard, to });
        return to;
      }
      case 'sequence': {
        let at = from;
        for (const item of p.items) at = this.build(item, at);
        return at;
      }
      case 'choice': {
        const end = this.state();
        if (p.items.length === 0) return end;
        for (const item of p.items) this.epsilon[this.build(item, from)].push(end);
        return end;
      }
    }
  }

  closure(states: Iterable<number>): number[] {
    const seen = new Set<number>();
    const stack = [...states];
    for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
      if (seen.has(s)) continue;
      seen.add(s);
      for (const t of this.epsilon[s]) stack.push(t);
    }
    return [...seen].sort((a, b) => a - b);
  }
}

export function namespaceAllowed(constraint: NamespaceConstraint, ns: string): boolean {
  if ('any' in constraint) return true;
  if ('not' in constraint) return !constraint.not.includes(ns);
  return constraint.oneOf.includes(ns);
}

function namespaceOfKey(key: string): string {
  return key.slice(1, key.indexOf('}'));
}

/** Does a leaf accept the symbol (an element key, `#ns:<uri>` or `#*`)? */
function accepts(leaf: Leaf, symbol: string): boolean {
  if (leaf.key !== undefined) return leaf.key === symbol;
  const constraint = leaf.wildcard.namespaces;
  if (symbol === '#*') return 'any' in constraint || 'not' in constraint;
  return namespaceAllowed(constraint, symbol.startsWith('#ns:') ? symbol.slice(4) : namespaceOfKey(symbol));
}

function collectNamespaces(p: Particle, into: Set<string>): void {
  if (p.kind === 'any') {
    const c = p.wildcard.namespaces;
    if ('not' in c) c.not.forEach((ns) => into.add(ns));
    if ('oneOf' in c) c.oneOf.forEach((ns) => into.add(ns));
  } else if (p.kind !== 'element') {
    p.items.forEach((item) => collectNamespaces(item, into));
  }
}

/** The deterministic automaton of a content model (undefined particle: no children at all). */
export function buildAutomaton(particle: Particle | undefined): AutomatonModel {
  const nfa = new Nfa();
  const start = nfa.state();
  const accept = particle ? nfa.build(particle, start) : start;
  const namespaceSet = new Set<string>(['']);
  if (particle) collectNamespaces(particle, namespaceSet);
  const namespaces = [...namespaceSet].sort();
  const classSymbols = [...namespaces.map((ns) => `#ns:${ns}`), '#*'];

  const matches: (number | WildcardModel)[] = [];
  const matchIndex = (match: number | WildcardModel): number => {
    const found = matches.indexOf(match);
    if (found !== -1) return found;
    matches.push(match);
    return matches.length - 1;
  };

  const dfaIds = new Map<string, number>();
  const dfaSets: number[][] = [];
  const states: { final: boolean; next: [string | null, number, number][] }[] = [];
  const intern = (set: number[]): number => {
    const id = set.join(',');
    let index = dfaIds.get(id);
    if (index === undefined) {
      index = dfaSets.length;
      if (index >= MAX_STATES) throw new ContentModelError('content model automaton is too large');
      dfaIds.set(id, index);
      dfaSets.push(set);
      states.push({ final: set.includes(accept), next: [] });
    }
    return index;
  };
  intern(nfa.closure([start]));
  for (let d = 0; d < dfaSets.length; d++) {
    const leaves = dfaSets[d].flatMap((s) => nfa.leaves[s]);
    const symbols = [...new Set(leaves.flatMap((leaf) => (leaf.key !== undefined ? [leaf.key] : []))), ...classSymbols];
    for (const symbol of symbols) {
      const matching = leaves.filter((leaf) => accepts(leaf, symbol));
      if (matching.length === 0) continue;
      const elements = matching.filter((leaf) => leaf.key !== undefined);
      const decls = new Set(elements.map((leaf) => leaf.match));
      if (decls.size > 1) throw new ContentModelError(`content model is not deterministic for ${symbol}`);
      const chosen = elements[0] ?? matching[0];
      const target = intern(nfa.closure(matching.filter((leaf) => leaf.match === chosen.match).map((leaf) => leaf.to)));
      // An element transition's symbol is its declaration's key; leaving it out keeps the model small.
      states[d].next.push([chosen.key !== undefined ? null : symbol, target, matchIndex(chosen.match)]);
    }
  }
  return { namespaces, matches, states };
}
