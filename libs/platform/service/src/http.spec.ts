import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, createService, type ErrorAnswer, type Problem } from './index';
import { type RunningService, startService } from './test-service.test-util';

class ThingNotFound extends Error {
  constructor(readonly thingId: string) {
    super(`thing ${thingId} does not exist`);
  }
}

class ThingGone extends Error {}

function mapError(error: unknown): Problem | ErrorAnswer | undefined {
  if (error instanceof ThingGone)
    return { answer: 'json', status: 410, headers: { 'Retry-After': '60' }, body: { success: false, message: 'gone' } };
  if (error instanceof ThingNotFound) {
    return {
      type: 'https://flexgrid.example/problems/thing-not-found',
      title: 'Thing not found',
      status: 404,
      detail: error.message,
      thingId: error.thingId,
    };
  }
  return undefined;
}

async function problemOf(response: Response): Promise<unknown> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  return response.json();
}

/** The value of the sample of `metric` with exactly these labels, in any order, from the text exposition format. */
function sampleOf(exposition: string, metric: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === metric && match[2].split(',').sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}

describe('HTTP service', () => {
  let running: RunningService;
  let dependencyUp = true;

  beforeAll(async () => {
    running = await startService(
      (service) => {
        service.addReadinessCheck('postgres', () => undefined);
        service.addReadinessCheck('kafka', async () => {
          if (!dependencyUp) throw new Error('broker unreachable');
        });
        service.app.post('/things', (req, res) => {
          res.status(201).json({ received: req.body });
        });
        service.app.get('/things/:id', async (req) => {
          throw new ThingNotFound(req.params.id);
        });
        service.app.get('/meters/:meterId', (req, res) => {
          res.json({ meterId: req.params.meterId });
        });
        service.app.get('/gone', () => {
          throw new ThingGone();
        });
        service.app.get('/crash', () => {
          throw new Error('internal detail: pool exhausted at db.ts:42');
        });
      },
      { mapError, config: { httpBodyLimitBytes: 1024 } },
    );
  });

  afterAll(() => running.service.shutdown('tests done'));

  it('answers /livez with 200', async () => {
    const response = await fetch(`${running.url}/livez`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'alive' });
  });

  it('answers /readyz with 200 and each check when all pass', async () => {
    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { postgres: { status: 'ok' }, kafka: { status: 'ok' } },
    });
  });

  it('answers /readyz with 503 naming the failing check', async () => {
    dependencyUp = false;
    try {
      const response = await fetch(`${running.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: 'not ready',
        checks: { postgres: { status: 'ok' }, kafka: { status: 'failed', error: 'broker unreachable' } },
      });
    } finally {
      dependencyUp = true;
    }
  });

  it('parses JSON bodies up to the limit', async () => {
    const response = await fetch(`${running.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":7}',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ received: { id: 7 } });
  });

  it('refuses a body over the limit with 413 problem+json', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(2048) });
    const response = await fetch(`${running.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect(await problemOf(response)).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: 'the request body is larger than the limit of 1024 bytes',
      instance: '/things',
    });
  });

  it('refuses malformed JSON with 400 problem+json', async () => {
    const response = await fetch(`${running.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":',
    });
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'the request body is not valid JSON',
      instance: '/things',
    });
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await fetch(`${running.url}/nowhere?x=1`);
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'no route for GET /nowhere',
      instance: '/nowhere?x=1',
    });
  });

  it('answers a path parameter that is not valid percent-encoding with 400, and logs no trace of it', async () => {
    const response = await fetch(`${running.url}/meters/%E0%A4%A-s3cret`);
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'a path parameter is not valid percent-encoding',
      instance: '/meters/%E0%A4%A-s3cret',
    });
    expect(JSON.stringify(running.logs.lines)).not.toContain('s3cret');
  });

  it("maps the app's own error through mapError", async () => {
    const response = await fetch(`${running.url}/things/42`);
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toEqual({
      type: 'https://flexgrid.example/problems/thing-not-found',
      title: 'Thing not found',
      status: 404,
      detail: 'thing 42 does not exist',
      thingId: '42',
      instance: '/things/42',
    });
  });

  it("sends an error mapped to an answer in the app's own format as plain JSON, with its headers", async () => {
    const response = await fetch(`${running.url}/gone`);
    expect(response.status).toBe(410);
    expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(await response.json()).toEqual({ success: false, message: 'gone' });
  });

  it('answers an unexpected error with a bare 500 and logs it once, by route and without the query', async () => {
    const response = await fetch(`${running.url}/crash?access_token=s3cret`);
    expect(response.status).toBe(500);
    expect(await problemOf(response)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      instance: '/crash?access_token=s3cret',
    });
    const errors = running.logs.lines.filter((line) => line['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      service: 'test-service',
      module: 'http',
      route: '/crash',
      err: { message: 'internal detail: pool exhausted at db.ts:42' },
    });
    expect(JSON.stringify(running.logs.lines)).not.toContain('s3cret');
  });

  it('exposes RED metrics labelled by route pattern on /metrics', async () => {
    await fetch(`${running.url}/meters/m1`);
    await fetch(`${running.url}/meters/m2`);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const labels = { method: 'GET', route: '/meters/:meterId', status: '200', service: 'test-service' };
    expect(sampleOf(metrics, 'http_requests_total', labels)).toBe(2);
    expect(sampleOf(metrics, 'http_request_duration_seconds_count', labels)).toBe(2);
    expect(metrics).not.toContain('/meters/m1');
    expect(metrics).toMatch(/^process_cpu_user_seconds_total\{service="test-service"\}/m);
  });
});

/** A route that takes `ms` to answer, and tells when a request has arrived. */
function slowRoute(ms: number, onFinish: () => void = () => undefined) {
  let signalArrival: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (signalArrival = resolve));
  const handler = async (_req: unknown, res: { json(body: unknown): void }) => {
    signalArrival();
    await sleep(ms);
    onFinish();
    res.json({ done: true });
  };
  return { handler, arrived };
}

describe('HTTP service shutdown', () => {
  it('reports 503 on /readyz as soon as shutdown starts, while an in-flight request is still served', async () => {
    const slowRoute400 = slowRoute(400);
    const { service, url } = await startService((s) => s.app.get('/slow', slowRoute400.handler), {
      config: { shutdownDelayMs: 200 },
    });

    const slow = fetch(`${url}/slow`);
    await slowRoute400.arrived;
    const stopped = service.shutdown('test');
    const readiness = await fetch(`${url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'shutting down', checks: {} });

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await stopped).toBe('completed');
  });

  it('runs shutdown hooks in registration order after in-flight requests finished', async () => {
    const events: string[] = [];
    const slowRoute200 = slowRoute(200, () => events.push('request finished'));
    const { service, url } = await startService((s) => {
      s.app.get('/slow', slowRoute200.handler);
      s.onShutdown('consumers', async () => {
        await sleep(20);
        events.push('consumers drained');
      });
      s.onShutdown('outbox', () => {
        events.push('outbox flushed');
      });
      s.onShutdown('pool', () => {
        events.push('pool closed');
      });
    });
    const slow = fetch(`${url}/slow`);
    await slowRoute200.arrived;
    expect(await service.shutdown('test')).toBe('completed');
    expect((await slow).status).toBe(200);
    expect(events).toEqual(['request finished', 'consumers drained', 'outbox flushed', 'pool closed']);
  });
});

describe('HTTP service configuration', () => {
  it('listens on PORT and HOST from the environment when the app passes no address', async () => {
    // PORT=0 asks for a free port: not the default 8080, and HOST=127.0.0.1 is not the default wildcard.
    const service = createService({
      name: 'env-service',
      handleSignals: false,
      environment: { PORT: '0', HOST: '127.0.0.1' },
      config: { logLevel: 'silent' },
    });
    const address = await service.listen();
    try {
      expect(address.url).toBe(`http://127.0.0.1:${address.port}`);
      expect(address.port).not.toBe(8080);
      expect((await fetch(`${address.url}/livez`)).status).toBe(200);
    } finally {
      await service.shutdown('test');
    }
  });

  it('stops the start with ConfigError naming a bad PORT', async () => {
    expect(() => createService({ name: 'bad-port', handleSignals: false, environment: { PORT: 'eighty' } })).toThrow(
      ConfigError,
    );
    expect(() => createService({ name: 'bad-port', handleSignals: false, environment: { PORT: 'eighty' } })).toThrow(
      /PORT/,
    );
  });
});
