import type { Request, Response } from 'express';

/**
 * Server-sent events (text/event-stream), the live stream a web page reads (libs/ui useLiveStream). The service
 * tracks its open streams and ends them when it shuts down: an open stream is an in-flight response, which would
 * otherwise hold the shutdown until its timeout. A page's EventSource then reconnects, to another instance.
 */
export interface EventStream {
  /**
   * The id of the last event the client received, to resume from: the `Last-Event-ID` header EventSource sends
   * on its own reconnects, or the `lastEventId` query parameter libs/ui's live stream adds to its own.
   */
  readonly lastEventId: string | undefined;
  readonly closed: boolean;
  /** Sends one event: a string as is, anything else as JSON. Returns false once the stream is closed. */
  send(data: unknown, options?: { event?: string; id?: string }): boolean;
  /** Ends the stream; the client will reconnect unless it was told otherwise (a 204 on reconnect stops it). */
  close(): void;
  /** Called once when the stream ends, whoever ended it. */
  onClose(listener: () => void): void;
}

export interface EventStreamOptions {
  /**
   * A comment line this often keeps proxies and load balancers from closing an idle stream (many cut at 60 s)
   * and lets the server notice a client that went away. Default 15 s; 0 for none.
   */
  heartbeatMs?: number;
  /** How long EventSource waits before reconnecting by itself (its `retry:` field); the browser's default if unset. */
  retryMs?: number;
}

const defaultHeartbeatMs = 15_000;

/** One line per `data:` field: a line break inside the data would otherwise end the field. */
function dataField(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
}

/** Field values may not hold line breaks; an id or event name with one is a programming error. */
function fieldValue(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`an event ${name} cannot contain a line break: ${JSON.stringify(value)}`);
  return value;
}

export class EventStreams {
  private readonly open = new Set<EventStream>();
  private accepting = true;

  start(req: Request, res: Response, options: EventStreamOptions = {}): EventStream {
    const query = req.query['lastEventId'];
    const lastEventId = req.get('last-event-id') ?? (typeof query === 'string' ? query : undefined);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      // nginx (and so many Kubernetes ingresses) buffers responses unless told not to.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    if (options.retryMs !== undefined) res.write(`retry: ${Math.max(0, Math.round(options.retryMs))}\n\n`);

    const listeners: (() => void)[] = [];
    let closed = false;
    const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
    const heartbeat = heartbeatMs > 0 ? setInterval(() => res.write(':\n\n'), heartbeatMs) : undefined;
    heartbeat?.unref();

    const stream: EventStream = {
      lastEventId,
      get closed() {
        return closed;
      },
      send: (data, { event, id } = {}) => {
        if (closed) return false;
        let frame = '';
        if (event !== undefined) frame += `event: ${fieldValue('name', event)}\n`;
        if (id !== undefined) frame += `id: ${fieldValue('id', id)}\n`;
        res.write(`${frame}${dataField(data)}\n`);
        return true;
      },
      close: () => {
        if (!res.writableEnded) res.end();
        finish();
      },
      onClose: (listener) => {
        if (closed) listener();
        else listeners.push(listener);
      },
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      this.open.delete(stream);
      for (const listener of listeners.splice(0)) listener();
    };
    res.once('close', finish);

    if (!this.accepting) stream.close();
    else this.open.add(stream);
    return stream;
  }

  /** At shutdown: ends every open stream and every one opened from now on. */
  closeAll(): void {
    this.accepting = false;
    for (const stream of [...this.open]) stream.close();
  }
}
