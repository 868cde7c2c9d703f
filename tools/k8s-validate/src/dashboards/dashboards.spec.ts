import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../workspace';
import { dashboardProblems, metricsOf } from './dashboard-checks';
import {
  metricsRegisteredIn,
  promClientDefaultMetrics,
  type RegisteredMetrics,
  sourceFilesOf,
} from './registered-metrics';

// deploy/grafana/<app>.json against the metrics the app's code registers (issue 25 "Observability").
const apps = readdirSync(join(workspaceRoot, 'apps'));
const defaults = promClientDefaultMetrics(workspaceRoot);

/** What one app's process registers: its own sources and those of the workspace libs it runs with. */
function metricsOfApp(app: string): RegisteredMetrics {
  const script = join(workspaceRoot, 'deploy/docker/runtime-files.mjs');
  const folders = execFileSync(process.execPath, [script, app], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.endsWith('/package.json'))
    .map((line) => join(workspaceRoot, line.replace(/\/package\.json$/, '')));
  return new Map([...defaults, ...metricsRegisteredIn(folders.flatMap(sourceFilesOf))]);
}

const dashboardOf = (app: string) => readFileSync(join(workspaceRoot, 'deploy/grafana', `${app}.json`), 'utf8');

describe('deploy/grafana dashboards', () => {
  it('has one dashboard per app, and none for something else', () => {
    const dashboards = readdirSync(join(workspaceRoot, 'deploy/grafana')).filter((f) => f.endsWith('.json'));
    expect(dashboards.sort()).toEqual(apps.map((app) => `${app}.json`).sort());
  });

  it.each(apps)('%s: every query reads a metric the app registers, through the DS_PROMETHEUS input', (app) => {
    expect(dashboardProblems(dashboardOf(app), metricsOfApp(app))).toEqual([]);
  });

  it('reads registrations from the code, typed, also through helpers, and prom-client defaults', () => {
    const vtn = metricsOfApp('openadr-vtn');
    expect(vtn.get('http_requests_total')).toBe('counter');
    expect(vtn.get('http_request_duration_seconds')).toBe('histogram');
    expect(vtn.get('bus_consumer_lag_records')).toBe('gauge');
    expect(vtn.get('outbox_published_rows_total')).toBe('counter');
    expect(vtn.get('oadr_queue_expired_total')).toBe('counter');
    expect(vtn.get('nodejs_gc_duration_seconds')).toBe('histogram');
    expect(vtn.has('process_resident_memory_bytes')).toBe(true);
    expect(vtn.has('pm_price')).toBe(false);
    // A string union in a type (the outbox's RewindEvidence) is no metric.
    expect(vtn.has('checkpoint_ahead_of_sequence')).toBe(false);
  });

  it('finds the metrics of PromQL expressions, not functions, labels or keywords', () => {
    expect(
      metricsOf(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{job=~"$job", status=~"5.."}[$__rate_interval]))) / on (pod) group_left up',
      ),
    ).toEqual(['http_request_duration_seconds_bucket', 'up']);
    expect(metricsOf('label_replace(rate(a_total[5m]), "x", "$1", "service", "(.*)") and b_total offset 5m')).toEqual([
      'a_total',
      'b_total',
    ]);
  });

  describe('catches', () => {
    const vtn = dashboardOf('openadr-vtn');
    const metrics = metricsOfApp('openadr-vtn');
    const broken = (from: string, to: string) => {
      expect(vtn).toContain(from);
      return dashboardProblems(vtn.split(from).join(to), metrics);
    };

    it('a metric the code does not register', () => {
      expect(broken('oadr_queue_expired_total', 'oadr_queue_dropped_total')).toContain(
        'panel "Queue items expired, signed payloads, ignored report points": oadr_queue_dropped_total is not a metric the service registers',
      );
    });

    it("another app's metric", () => {
      expect(broken('oadr_signed_payloads_total', 'pm_price').join('\n')).toContain(
        'pm_price is not a metric the service registers',
      );
    });

    it('a histogram queried without its series suffix, and a counter queried as a histogram', () => {
      expect(broken('http_request_duration_seconds_bucket', 'http_request_duration_seconds').join('\n')).toContain(
        'http_request_duration_seconds is a histogram: query its _bucket, _sum or _count',
      );
      expect(broken('oadr_queue_expired_total', 'oadr_queue_expired_total_bucket').join('\n')).toContain(
        'oadr_queue_expired_total_bucket: oadr_queue_expired_total is a counter, it has no _bucket',
      );
    });

    it('a dashboard without the datasource input, or a panel on another datasource', () => {
      expect(broken('"name": "DS_PROMETHEUS"', '"name": "DS_PROM"')).toContain(
        'no DS_PROMETHEUS datasource input (Grafana asks for the Prometheus when importing)',
      );
      expect(broken('${DS_PROMETHEUS}', 'prometheus-prod').join('\n')).toContain('datasource is not ${DS_PROMETHEUS}');
    });

    it('a file that is not JSON', () => {
      expect(dashboardProblems(vtn.slice(0, -10), metrics)[0]).toMatch(/^not JSON: /);
    });
  });
});
