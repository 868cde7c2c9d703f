import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's one registry. It is never prom-client's global one, so that the dev host can run every
 * service in one process without their metrics colliding; the `service` label keeps them apart.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Requests that matched no route share one label value instead of one per URL. */
const unmatchedRoute = '(unmatched)';

/**
 * RED metrics per HTTP route (rate and errors from the counter, duration from the histogram) and the open
 * websocket connections per path.
 */
export class TrafficMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  private readonly openWebSockets: Gauge<'path'>;

  constructor(registry: Registry) {
    const labelNames = ['method', 'route', 'status'] as const;
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.openWebSockets = new Gauge({
      name: 'websocket_connections',
      help: 'Open websocket connections by path',
      labelNames: ['path'],
      registers: [registry],
    });
  }

  /** Labels by the express route pattern (`/vens/:venId`), never the raw URL, to bound cardinality. */
  readonly middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const stopTimer = this.duration.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: routePattern(req), status: String(res.statusCode) };
      this.requests.inc(labels);
      stopTimer(labels);
    });
    next();
  };

  webSocketOpened(path: string): void {
    this.openWebSockets.inc({ path });
  }

  webSocketClosed(path: string): void {
    this.openWebSockets.dec({ path });
  }
}

function routePattern(req: Request): string {
  const route: unknown = req.route?.path;
  return route === undefined ? unmatchedRoute : `${req.baseUrl}${String(route)}`;
}
