/** ID-1 and ID-3: identifiers that openleadr VENs handle correctly. */

const ID_CHARS = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * ID-3: why an operator-chosen ID (eventId, signal id, …) is refused, or undefined. openleadr turns
 * numeric-looking text and `true`/`false` into numbers and booleans and would answer with another ID.
 */
export function operatorIdProblem(id: string): string | undefined {
  if (!ID_CHARS.test(id)) return 'IDs are 1-128 characters of A-Z a-z 0-9 . _ : -';
  if (/^-?[0-9.]+$/.test(id)) return 'IDs must not look like numbers';
  if (id === 'true' || id === 'false') return 'IDs must not be true or false';
  return undefined;
}

/** ID-1: why a vtnID is refused, or undefined (it needs an upper-case letter for openleadr main). */
export function vtnIdProblem(id: string): string | undefined {
  if (!ID_CHARS.test(id)) return 'the vtnID is 1-128 characters of A-Z a-z 0-9 . _ : -';
  if (!/[A-Z]/.test(id)) return 'the vtnID needs at least one upper-case ASCII letter';
  return undefined;
}
