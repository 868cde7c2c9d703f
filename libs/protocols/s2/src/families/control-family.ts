import type { Family, MessageType } from '../catalog';
import type { S2Message } from '../messages';

/*
 * The registries and statuses of the active control type (RULES.md §6, §8). One object per activation: a
 * control-type switch replaces it, which clears exactly the family registries and statuses, and a refused
 * switch puts the previous object back.
 */

/** An applied message as the state shows it. */
export interface AppliedMessage {
  seq: number;
  messageType: string;
  message: S2Message;
}

/** An applied message kept under its `id`. */
export interface IdentifiedMessage {
  seq: number;
  message: S2Message;
}

/** A family's part of the readable state (§8). */
export interface FamilyView {
  systemDescription: AppliedMessage | null;
  powerProfiles: Record<string, IdentifiedMessage>;
  powerConstraints: Record<string, IdentifiedMessage>;
  energyConstraints: Record<string, IdentifiedMessage>;
  statuses: Record<string, AppliedMessage>;
}

/** A semantic finding (§6) before the conversation decides whether semantic checks are on. */
export interface SemanticProblem {
  rule: 'S2-SEM-REF' | 'S2-SEM-PRECONDITION';
  detail: string;
  path: string;
}

export interface ControlFamily {
  readonly family: Family;
  /**
   * Applies a schema-valid message of this family that got through every gate: it updates the registries
   * and statuses even when it refers to unknown ids, and returns that problem, if any.
   */
  apply(type: MessageType, message: S2Message, seq: number): SemanticProblem | undefined;
  view(): FamilyView;
}

/** Collects the bad references of one message into its single S2-SEM-REF finding (§3.4). */
export class BadReferences {
  private readonly found: Array<{ path: string; text: string }> = [];

  add(path: string, text: string): void {
    this.found.push({ path, text });
  }

  problem(): SemanticProblem | undefined {
    const first = this.found[0];
    if (!first) return undefined;
    return { rule: 'S2-SEM-REF', detail: this.found.map((bad) => bad.text).join('; '), path: first.path };
  }
}

export function precondition(type: string, systemDescription: string): SemanticProblem {
  return { rule: 'S2-SEM-PRECONDITION', detail: `${type} before any ${systemDescription}`, path: '/message_type' };
}

/** Map → JSON object; `Object.fromEntries` defines own members, so an id such as `__proto__` stays data. */
export function byId<V>(entries: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries(entries);
}
