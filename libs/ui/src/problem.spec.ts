import { fetchJson, problemFromResponse, ProblemError } from './problem';

const respond = (body: string | null, init: ResponseInit) => async (): Promise<Response> => new Response(body, init);

describe('problemFromResponse', () => {
  it('takes a problem document as the server sent it, extensions included', () => {
    const body = JSON.stringify({
      type: 'urn:flexgrid:openadr:unknown-ven',
      title: 'Unknown VEN',
      status: 404,
      detail: 'no VEN ven-9',
      venId: 'ven-9',
    });
    expect(problemFromResponse(404, 'Not Found', 'application/problem+json; charset=utf-8', body)).toEqual({
      type: 'urn:flexgrid:openadr:unknown-ven',
      title: 'Unknown VEN',
      status: 404,
      detail: 'no VEN ven-9',
      venId: 'ven-9',
    });
  });

  it('fills in what a sparse problem leaves out', () => {
    expect(problemFromResponse(409, 'Conflict', 'application/problem+json', '{}')).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
    });
  });

  it('describes a body that is not a problem, such as a proxy error page', () => {
    expect(problemFromResponse(502, 'Bad Gateway', 'text/html', '<h1>bad gateway</h1>')).toEqual({
      type: 'about:blank',
      title: 'Bad Gateway',
      status: 502,
      detail: '<h1>bad gateway</h1>',
    });
    expect(problemFromResponse(500, '', 'application/problem+json', 'not json').detail).toBe('not json');
    expect(problemFromResponse(500, '', null, 'x'.repeat(600)).detail).toHaveLength(501);
  });
});

describe('fetchJson', () => {
  it('returns the JSON body and asks for JSON or a problem', async () => {
    let sent: RequestInit | undefined;
    const result = await fetchJson<{ ok: boolean }>('/api/x', { method: 'post', body: '{}' }, async (_url, init) => {
      sent = init;
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    expect(result).toEqual({ ok: true });
    const headers = new Headers(sent?.headers);
    expect(headers.get('accept')).toContain('application/problem+json');
    expect(headers.get('content-type')).toBe('application/json');
  });

  it('returns undefined for 204', async () => {
    expect(await fetchJson('/api/x', {}, respond(null, { status: 204 }))).toBeUndefined();
  });

  it('throws a ProblemError carrying the problem and the request', async () => {
    const body = JSON.stringify({ title: 'Bad bid', status: 400, detail: 'price out of the market basis' });
    const failure = fetchJson(
      '/api/bids',
      { method: 'PUT' },
      respond(body, { status: 400, headers: { 'content-type': 'application/problem+json' } }),
    );
    await expect(failure).rejects.toBeInstanceOf(ProblemError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      request: 'PUT /api/bids',
      problem: { title: 'Bad bid', detail: 'price out of the market basis', type: 'about:blank' },
      message: 'PUT /api/bids: 400 Bad bid: price out of the market basis',
    });
  });

  it('turns a failed connection into a status 0 problem', async () => {
    const failure = fetchJson('/api/x', {}, async () => {
      throw new TypeError('fetch failed');
    });
    await expect(failure).rejects.toMatchObject({
      status: 0,
      problem: { title: 'Network error', detail: 'fetch failed' },
    });
  });

  it('refuses a success whose body is not JSON', async () => {
    await expect(fetchJson('/api/x', {}, respond('<html>', { status: 200 }))).rejects.toMatchObject({
      problem: { title: 'Invalid response', status: 200 },
    });
  });
});
