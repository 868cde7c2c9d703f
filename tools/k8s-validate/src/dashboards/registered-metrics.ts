import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

/** The metrics a set of sources registers with prom-client, by name. */
export type RegisteredMetrics = Map<string, MetricType>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
};

/**
 * Reads metric registrations from TypeScript sources that import prom-client: a metric-shaped string that is
 * an argument of `new Counter(...)`, `new Histogram(...)` and the like or of a helper named after them
 * (`counter(registry, 'outbox_published_rows_total', help)`), or the `name` of an object literal passed to
 * one (`new Gauge({ name: 'pm_price', ... })`). Registrations go through such helpers (a registry that two
 * buses share), so the name's position is what is reliable, not one call shape.
 */
export function metricsRegisteredIn(files: string[]): RegisteredMetrics {
  const metrics: RegisteredMetrics = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!/from 'prom-client'/.test(text)) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) && METRIC_NAME.test(node.text)) {
        const type = registrationType(node);
        if (type) metrics.set(node.text, type);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return metrics;
}

/** The type a literal registers, if it is a metric name in one of the positions above. */
function registrationType(literal: ts.StringLiteral): MetricType | undefined {
  let argument: ts.Node = literal;
  const property = literal.parent;
  if (ts.isPropertyAssignment(property) && property.name.getText() === 'name' && property.initializer === literal)
    argument = property.parent;
  const call = argument.parent;
  if (!(ts.isNewExpression(call) || ts.isCallExpression(call)) || !call.arguments?.includes(argument as ts.Expression))
    return undefined;
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  return TYPES[name.toLowerCase()];
}

/** The non-test TypeScript files under `folder`/src. */
export function sourceFilesOf(folder: string): string[] {
  const src = join(folder, 'src');
  if (!existsSync(src)) return [];
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.test-util.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(src, f));
}

/**
 * prom-client's default metrics (collectDefaultMetrics, which every service's registry runs), read from the
 * installed prom-client so that an upgrade that renames one shows here.
 */
export function promClientDefaultMetrics(workspaceRoot: string): RegisteredMetrics {
  const folder = join(dirname(require.resolve('prom-client/package.json', { paths: [workspaceRoot] })), 'lib/metrics');
  const metrics: RegisteredMetrics = new Map();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(folder, file), 'utf8');
    const type: MetricType = /new Histogram\(/.test(text) ? 'histogram' : 'unknown';
    for (const [, name] of text.matchAll(/'((?:process|nodejs)_[a-z0-9_]+)'/g)) metrics.set(name, type);
  }
  return metrics;
}
