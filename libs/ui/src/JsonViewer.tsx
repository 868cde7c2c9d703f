import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { formatJsonPath, type JsonPathSegment, parseJsonPath, relationToPath, resolveJsonPath } from './json-path';

export interface JsonViewerProps {
  value: unknown;
  /**
   * A JSONPath naming one node (`$.message.values[0].value`, see json-path.ts): it is highlighted and scrolled
   * into view. A path that does not exist marks the deepest node that does.
   */
  highlight?: string;
  /** A caption for the highlight, such as the validation message. */
  highlightNote?: string;
  label?: string;
}

/** Pretty-printed JSON with one node highlighted, e.g. the field of an S2 frame a rule complains about. */
export function JsonViewer({ value, highlight, highlightNote, label = 'JSON' }: JsonViewerProps) {
  const container = useRef<HTMLPreElement>(null);
  const target = useMemo(() => highlightTarget(value, highlight), [value, highlight]);

  useEffect(() => {
    const marked = container.current?.querySelector('.fg-json-target');
    marked?.scrollIntoView({ block: 'nearest' });
  }, [target]);

  return (
    <div className="fg-json-wrap">
      {target.error && <div className="fg-json-note fg-json-note-error">{target.error}</div>}
      {target.segments && !target.error && (
        <div className="fg-json-note">
          <code>{formatJsonPath(target.segments)}</code>
          {target.missing && <span> (not present; its nearest existing parent is marked)</span>}
          {highlightNote && <span>: {highlightNote}</span>}
        </div>
      )}
      <pre ref={container} className="fg-json" aria-label={label} tabIndex={0}>
        <JsonNode value={value} segments={[]} highlighted={target.segments} indent="" last />
      </pre>
    </div>
  );
}

interface Target {
  segments?: JsonPathSegment[];
  missing?: boolean;
  error?: string;
}

function highlightTarget(value: unknown, path: string | undefined): Target {
  if (!path) return {};
  try {
    const segments = parseJsonPath(path);
    const match = resolveJsonPath(value, segments);
    return match.found ? { segments } : { segments: segments.slice(0, match.missingAt), missing: true };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

interface NodeProps {
  value: unknown;
  segments: JsonPathSegment[];
  highlighted: JsonPathSegment[] | undefined;
  indent: string;
  last: boolean;
  name?: JsonPathSegment;
}

function JsonNode({ value, segments, highlighted, indent, last, name }: NodeProps): ReactNode {
  const relation = relationToPath(segments, highlighted);
  const comma = last ? '' : ',';
  const key = typeof name === 'string' ? <span className="fg-json-key">{JSON.stringify(name)}</span> : null;
  const prefix = key ? (
    <>
      {key}
      {': '}
    </>
  ) : null;
  const className = relation === 'target' ? 'fg-json-node fg-json-target' : 'fg-json-node';
  const path = formatJsonPath(segments);

  if (value !== null && typeof value === 'object') {
    const entries: [JsonPathSegment, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value as Record<string, unknown>);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      return (
        <span className={className} data-path={path}>
          {indent}
          {prefix}
          {open}
          {close}
          {comma}
          {'\n'}
        </span>
      );
    }
    const inner = `${indent}  `;
    return (
      <span className={className} data-path={path}>
        {indent}
        {prefix}
        {open}
        {'\n'}
        {entries.map(([childName, child], i) => (
          <JsonNode
            key={String(childName)}
            value={child}
            name={childName}
            segments={[...segments, childName]}
            highlighted={relation === 'none' ? undefined : highlighted}
            indent={inner}
            last={i === entries.length - 1}
          />
        ))}
        {indent}
        {close}
        {comma}
        {'\n'}
      </span>
    );
  }
  const kind = value === null ? 'null' : typeof value;
  return (
    <span className={className} data-path={path}>
      {indent}
      {prefix}
      <span className={`fg-json-${kind}`}>{JSON.stringify(value) ?? 'undefined'}</span>
      {comma}
      {'\n'}
    </span>
  );
}
