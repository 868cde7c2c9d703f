import type { RegisteredMetrics } from './registered-metrics';

/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads. Strings, label matchers, ranges and grouping lists go first,
 * then every identifier that is not a function call or a keyword is a metric.
 */
export function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.$:])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:]|\s*\()/g))
    if (!KEYWORDS.has(match[0].toLowerCase())) names.add(match[0]);
  return [...names];
}

/** How a dashboard's series name maps to a registration: a histogram exports _bucket, _sum and _count. */
function unknownMetric(name: string, metrics: RegisteredMetrics): string | undefined {
  if (metrics.has(name)) {
    const type = metrics.get(name);
    return type === 'histogram' || type === 'summary'
      ? `${name} is a ${type}: query its _bucket, _sum or _count`
      : undefined;
  }
  const suffix = /_(bucket|sum|count)$/.exec(name);
  if (suffix) {
    const base = name.slice(0, -suffix[0].length);
    const type = metrics.get(base);
    if (type === 'histogram' || (type === 'summary' && suffix[1] !== 'bucket')) return undefined;
    if (type !== undefined && type !== 'unknown') return `${name}: ${base} is a ${type}, it has no _${suffix[1]}`;
    if (type === 'unknown') return undefined;
  }
  return `${name} is not a metric the service registers`;
}

interface Panel {
  title?: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

interface Dashboard {
  __inputs?: { name?: string; type?: string; pluginId?: string }[];
  panels?: Panel[];
  templating?: { list?: { name?: string; query?: unknown; datasource?: { uid?: string } }[] };
}

const DATASOURCE = '${DS_PROMETHEUS}';

/** Every problem of one dashboard (its JSON text), one line each naming the panel. */
export function dashboardProblems(text: string, metrics: RegisteredMetrics): string[] {
  let dashboard: Dashboard;
  try {
    dashboard = JSON.parse(text) as Dashboard;
  } catch (error) {
    return [`not JSON: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const input = dashboard.__inputs?.find((i) => i.name === 'DS_PROMETHEUS');
  if (input?.type !== 'datasource' || input.pluginId !== 'prometheus')
    problems.push('no DS_PROMETHEUS datasource input (Grafana asks for the Prometheus when importing)');
  const queries: { where: string; expr: string; uid?: string }[] = [];
  const walk = (panels: Panel[] = []) => {
    for (const panel of panels) {
      if (panel.targets && panel.datasource?.uid !== DATASOURCE)
        problems.push(`panel "${panel.title}": datasource is not ${DATASOURCE}`);
      for (const target of panel.targets ?? [])
        queries.push({ where: `panel "${panel.title}"`, expr: target.expr ?? '', uid: target.datasource?.uid });
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  if (queries.length === 0) problems.push('no panel queries anything');
  for (const variable of dashboard.templating?.list ?? []) {
    const query = variable.query as string | { query?: string } | undefined;
    const expr = typeof query === 'string' ? query : (query?.query ?? '');
    // label_values(<series>, <label>): the series is PromQL, the label is not.
    const series = expr.replace(/^label_values\((.*)\)$/, (_, args: string) => args.replace(/,\s*\w+\s*$/, ''));
    queries.push({ where: `variable ${variable.name}`, expr: series, uid: variable.datasource?.uid });
  }
  for (const query of queries) {
    if (query.uid !== undefined && query.uid !== DATASOURCE)
      problems.push(`${query.where}: datasource is not ${DATASOURCE}`);
    for (const name of metricsOf(query.expr)) {
      const problem = unknownMetric(name, metrics);
      if (problem) problems.push(`${query.where}: ${problem}`);
    }
  }
  return problems;
}
