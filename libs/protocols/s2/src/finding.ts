/*
 * Findings (RULES.md §3) and the closed rule set of §5.4: every rule id with its fixed level and severity.
 * Nothing outside this table may ever be reported (§3.4).
 */

export type Level = 'schema' | 'state' | 'semantic' | 'strict';
export type Severity = 'error' | 'warning';

export const RULES = {
  'S2-JSON': { level: 'schema', severity: 'error' },
  'S2-SCHEMA': { level: 'schema', severity: 'error' },
  'S2-UUID': { level: 'strict', severity: 'warning' },
  'S2-RS-UNKNOWN': { level: 'state', severity: 'error' },
  'S2-RS-DUPLICATE': { level: 'state', severity: 'error' },
  'S2-RS-LATE': { level: 'state', severity: 'warning' },
  'S2-RS-ACCEPTED-INVALID': { level: 'state', severity: 'warning' },
  'S2-RS-MISSING': { level: 'state', severity: 'error' },
  'S2-RS-AFTER-PERMANENT': { level: 'state', severity: 'warning' },
  'S2-ID-DUPLICATE': { level: 'state', severity: 'error' },
  'S2-AFTER-TERMINATE': { level: 'state', severity: 'error' },
  'S2-DIRECTION': { level: 'state', severity: 'error' },
  'S2-HS-FIRST': { level: 'state', severity: 'error' },
  'S2-HS-ROLE': { level: 'state', severity: 'error' },
  'S2-HS-VERSIONS': { level: 'state', severity: 'error' },
  'S2-HS-REPEAT': { level: 'state', severity: 'error' },
  'S2-HSR-ORDER': { level: 'state', severity: 'error' },
  'S2-HS-VERSION': { level: 'state', severity: 'error' },
  'S2-HS-INCOMPLETE': { level: 'state', severity: 'error' },
  'S2-SCT-NO-RMD': { level: 'state', severity: 'error' },
  'S2-SCT-UNSUPPORTED': { level: 'state', severity: 'error' },
  'S2-CT-NOT-ACTIVE': { level: 'state', severity: 'error' },
  'S2-SEM-PRECONDITION': { level: 'semantic', severity: 'error' },
  'S2-SEM-REF': { level: 'semantic', severity: 'error' },
  'S2-SEM-MEASUREMENT': { level: 'semantic', severity: 'error' },
} as const satisfies Record<string, { level: Level; severity: Severity }>;

export type RuleId = keyof typeof RULES;

export interface Finding {
  /** The frame that carries the finding (§5.4 says which frame per rule). */
  seq: number;
  rule: RuleId;
  level: Level;
  severity: Severity;
  /** One sentence naming the offending field or value and what was expected; the wording is not a contract. */
  detail: string;
  /** JSON Pointer (RFC 6901) into the frame's message; S2-JSON findings have none. */
  path?: string;
}

// eslint-disable-next-line no-control-regex -- exactly the characters a one-line detail must not hold
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f\u2028\u2029]/g;
const escaped = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A finding of `rule` on frame `seq`; its detail is kept to one line, whatever wire text it quotes. */
export function finding(seq: number, rule: RuleId, detail: string, path?: string): Finding {
  const { level, severity } = RULES[rule];
  const line = detail.replace(CONTROL_CHARACTERS, escaped);
  return path === undefined
    ? { seq, rule, level, severity, detail: line }
    : { seq, rule, level, severity, detail: line, path };
}

/** §3.4 order: by `seq`, then by `rule` in string order. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.seq - b.seq || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

export type Verdict = 'valid' | 'invalid';

export interface FindingCounts {
  error: number;
  warning: number;
  schema: number;
  state: number;
  semantic: number;
  strict: number;
}

/** The session summary of §3.2: verdict, schemaValid and the number of findings per level and severity. */
export interface Summary {
  frames: number;
  verdict: Verdict;
  schemaValid: boolean;
  counts: FindingCounts;
}

const SHOWN_CHARS = 60;

/** A wire value as a `detail` shows it: strings quoted and shortened, containers named by kind only. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
