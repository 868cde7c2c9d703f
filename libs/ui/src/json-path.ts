/**
 * The JSON path the JSON viewer highlights: the JSONPath (RFC 9535) normalized-path subset that names one node,
 * `$`, `.name`, `['name']` / `["name"]` and `[index]`, e.g. `$.message.values[0].value`. Wildcards, slices and
 * filters select many nodes and are refused: a highlight points at exactly one place, such as the field a
 * validator complains about.
 */
export type JsonPathSegment = string | number;

export class JsonPathError extends Error {
  constructor(
    readonly path: string,
    readonly position: number,
    reason: string,
  ) {
    super(`bad JSON path ${JSON.stringify(path)} at ${position}: ${reason}`);
    this.name = 'JsonPathError';
  }
}

const identifierStart = /[A-Za-z_$\u0080-\uFFFF]/;
const identifierPart = /[A-Za-z0-9_$\u0080-\uFFFF-]/;

export function parseJsonPath(path: string): JsonPathSegment[] {
  if (!path.startsWith('$')) throw new JsonPathError(path, 0, 'a path starts with $');
  const segments: JsonPathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i += 1;
      const start = i;
      if (i >= path.length || !identifierStart.test(path[i])) throw new JsonPathError(path, i, 'expected a name');
      while (i < path.length && identifierPart.test(path[i])) i += 1;
      segments.push(path.slice(start, i));
    } else if (c === '[') {
      i += 1;
      const quote = path[i];
      if (quote === "'" || quote === '"') {
        i += 1;
        let name = '';
        while (i < path.length && path[i] !== quote) {
          if (path[i] === '\\' && i + 1 < path.length) i += 1;
          name += path[i];
          i += 1;
        }
        if (path[i] !== quote) throw new JsonPathError(path, i, 'unterminated quoted name');
        i += 1;
        segments.push(name);
      } else {
        const start = i;
        while (i < path.length && path[i] >= '0' && path[i] <= '9') i += 1;
        if (i === start) throw new JsonPathError(path, i, 'expected an index or a quoted name');
        const digits = path.slice(start, i);
        if (digits.length > 1 && digits.startsWith('0')) throw new JsonPathError(path, start, 'leading zero in index');
        segments.push(Number(digits));
      }
      if (path[i] !== ']') throw new JsonPathError(path, i, 'expected ]');
      i += 1;
    } else {
      throw new JsonPathError(path, i, `unexpected ${JSON.stringify(c)}`);
    }
  }
  return segments;
}

/** The normalized form: `.name` where the name allows it, `['name']` otherwise, `[n]` for indexes. */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) path += `.${segment}`;
    else path += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return path;
}

export type JsonPathMatch = { found: true; value: unknown } | { found: false; missingAt: number };

/** The node a path names, or how many of its segments exist (so the viewer can mark the deepest existing node). */
export function resolveJsonPath(value: unknown, segments: readonly JsonPathSegment[]): JsonPathMatch {
  let node = value;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (typeof segment === 'number') {
      if (!Array.isArray(node) || segment >= node.length) return { found: false, missingAt: i };
      node = node[segment];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, segment)) {
        return { found: false, missingAt: i };
      }
      node = (node as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: node };
}

/** How a node at `segments` relates to the highlighted path: on it, above it (an ancestor), or neither. */
export function relationToPath(
  segments: readonly JsonPathSegment[],
  highlighted: readonly JsonPathSegment[] | undefined,
): 'target' | 'ancestor' | 'none' {
  if (!highlighted || segments.length > highlighted.length) return 'none';
  for (let i = 0; i < segments.length; i++) if (segments[i] !== highlighted[i]) return 'none';
  return segments.length === highlighted.length ? 'target' : 'ancestor';
}

/**
 * The path of a JSON pointer (RFC 6901, `/values/0/value`, as JSON Schema validators such as ajv report an
 * `instancePath`) within `document`: a token is an index where the pointer walks into an array, a name elsewhere.
 * Where the pointer leaves the document, the remaining tokens are names unless they look like indexes.
 */
export function pathOfJsonPointer(pointer: string, document: unknown): JsonPathSegment[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPathError(pointer, 0, 'a JSON pointer starts with /');
  const segments: JsonPathSegment[] = [];
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : undefined;
    if (Array.isArray(node) || (node === undefined && index !== undefined)) {
      if (index === undefined) throw new JsonPathError(pointer, 0, `${JSON.stringify(token)} is not an array index`);
      segments.push(index);
      node = Array.isArray(node) ? node[index] : undefined;
    } else {
      segments.push(token);
      node =
        node !== null && typeof node === 'object' && Object.hasOwn(node, token)
          ? (node as Record<string, unknown>)[token]
          : undefined;
    }
  }
  return segments;
}
