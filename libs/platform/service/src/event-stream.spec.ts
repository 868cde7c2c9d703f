import type { EventStream } from './index';
import { type RunningService, startService } from './test-service.test-util';

/** The stream's text as it arrives, until `until` matches it or the stream ends. */
async function readUntil(response: Response, until: (text: string) => boolean): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    if (until(text)) break;
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

describe('service.eventStream', () => {
  let running: RunningService;
  const streams: EventStream[] = [];
  const closedStreams: string[] = [];

  beforeEach(async () => {
    running = await startService(
      (service) => {
        service.app.get('/stream', (req, res) => {
          const stream = service.eventStream(req, res, {
            heartbeatMs: Number(req.query['heartbeat'] ?? 0),
            retryMs: 2000,
          });
          streams.push(stream);
          stream.onClose(() => closedStreams.push(String(req.query['name'])));
          stream.send({ hello: 'operator', resumeAfter: stream.lastEventId ?? null }, { event: 'welcome', id: '7' });
          stream.send('two\nlines');
        });
      },
      { config: { shutdownTimeoutMs: 10_000 } },
    );
  });
  afterEach(() => running.service.shutdown('test done'));

  it('streams events as text/event-stream: named, with ids, JSON or text, one data line per line', async () => {
    const response = await fetch(`${running.url}/stream`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const text = await readUntil(response, (t) => t.includes('data: lines\n\n'));
    expect(text).toBe(
      'retry: 2000\n\n' +
        'event: welcome\nid: 7\ndata: {"hello":"operator","resumeAfter":null}\n\n' +
        'data: two\ndata: lines\n\n',
    );
    await response.body?.cancel();
  });

  it('tells where to resume: the Last-Event-ID header, or the lastEventId parameter', async () => {
    const byHeader = await fetch(`${running.url}/stream`, { headers: { 'last-event-id': '41' } });
    expect(await readUntil(byHeader, (t) => t.includes('resumeAfter'))).toContain('"resumeAfter":"41"');
    await byHeader.body?.cancel();
    const byQuery = await fetch(`${running.url}/stream?lastEventId=42`);
    expect(await readUntil(byQuery, (t) => t.includes('resumeAfter'))).toContain('"resumeAfter":"42"');
    await byQuery.body?.cancel();
  });

  it('sends heartbeat comments while idle', async () => {
    const response = await fetch(`${running.url}/stream?heartbeat=20`);
    const text = await readUntil(response, (t) => t.endsWith(':\n\n'));
    expect(text.endsWith('data: lines\n\n:\n\n')).toBe(true);
    await response.body?.cancel();
  });

  it('notices a client that went away', async () => {
    const response = await fetch(`${running.url}/stream?name=gone`);
    await readUntil(response, (t) => t.includes('lines'));
    await response.body?.cancel();
    for (let i = 0; i < 100 && !closedStreams.includes('gone'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(closedStreams).toContain('gone');
    expect(streams.at(-1)?.closed).toBe(true);
    expect(streams.at(-1)?.send('late')).toBe(false);
  });

  it('refuses a line break in an event name or id', async () => {
    const response = await fetch(`${running.url}/stream?name=bad`);
    await readUntil(response, (t) => t.includes('lines'));
    const stream = streams.at(-1)!;
    expect(() => stream.send('x', { id: '1\ndata: injected' })).toThrow(/line break/);
    expect(() => stream.send('x', { event: 'a\rb' })).toThrow(/line break/);
    await response.body?.cancel();
  });

  it('ends open streams at shutdown instead of waiting for them', async () => {
    const response = await fetch(`${running.url}/stream?name=open-at-shutdown`);
    await readUntil(response, (t) => t.includes('lines'));
    const ended = readUntil(response, () => false);
    await expect(running.service.shutdown('test')).resolves.toBe('completed');
    await expect(ended).resolves.toBe(''); // the body ends (nothing more was sent): the read does not hang
    expect(closedStreams).toContain('open-at-shutdown');
  });
});
