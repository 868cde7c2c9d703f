/** One reference token of a JSON Pointer (RFC 6901 §3: `~` becomes `~0`, `/` becomes `~1`). */
export function pointerToken(name: string | number): string {
  return typeof name === 'number' ? String(name) : name.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer to `name` inside the value at `parent` (itself a pointer, `''` for the whole message). */
export function childPointer(parent: string, name: string | number): string {
  return `${parent}/${pointerToken(name)}`;
}
