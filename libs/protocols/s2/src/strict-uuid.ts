import { quote } from './finding';
import { pointerToken } from './json-pointer';

/*
 * S2-UUID (RULES.md §4.4): the `ID` pattern lets almost any string through, but the intent is a UUID, and
 * s2-python and s2-rust reject anything else. Positions are recognised by member name, so the check needs no
 * per-type table and covers DDBC's `Id` and the timer lists of transitions.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ID_MEMBERS: ReadonlySet<string> = new Set(['id', 'Id', 'from', 'to', 'operation_mode']);

/** `subject_message_id` only echoes the other side's id; the fault is reported on the message that introduced it. */
function isIdMember(name: string): boolean {
  return ID_MEMBERS.has(name) || (name.endsWith('_id') && name !== 'subject_message_id');
}

export interface NonUuidIds {
  detail: string;
  /** The first flagged pointer, in member order. */
  path: string;
}

/**
 * The id positions of a schema-valid message whose value is not a UUID, or undefined when there are none.
 * Only called on messages that passed their schema, so the depth is bounded by the schema.
 */
export function findNonUuidIds(message: Readonly<Record<string, unknown>>): NonUuidIds | undefined {
  const flagged: Array<{ path: string; value: string }> = [];
  const trail: Array<string | number> = [];
  const pointer = (): string => trail.map((token) => `/${pointerToken(token)}`).join('');
  const visit = (value: unknown, name: string | undefined): void => {
    if (typeof value === 'string') {
      if (name !== undefined && isIdMember(name) && !UUID.test(value)) flagged.push({ path: pointer(), value });
    } else if (Array.isArray(value)) {
      const timers = name !== undefined && name.endsWith('_timers');
      for (let i = 0; i < value.length; i++) {
        trail.push(i);
        const item: unknown = value[i];
        if (timers && typeof item === 'string') {
          if (!UUID.test(item)) flagged.push({ path: pointer(), value: item });
        } else {
          visit(item, undefined);
        }
        trail.pop();
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        trail.push(key);
        visit((value as Record<string, unknown>)[key], key);
        trail.pop();
      }
    }
  };
  visit(message, undefined);
  const first = flagged[0];
  if (!first) return undefined;
  const listed = flagged.map(({ path, value }) => `${path} ${quote(value)}`).join(', ');
  return { detail: `not ${flagged.length === 1 ? 'a UUID' : 'UUIDs'}: ${listed}`, path: first.path };
}
