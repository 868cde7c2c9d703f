import { backoffDelay, type BackoffPolicy, defaultBackoff, retryAfterDrop } from './backoff';

/**
 * One live stream from the page's own service, server-sent events or a websocket, kept open: when it drops it
 * is reopened after an exponential backoff with jitter, until `close()`.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LiveStreamStatus {
  state: ConnectionState;
  /** Consecutive failed connections since the last healthy one. */
  retries: number;
  /** When the next attempt starts (epoch ms), while reconnecting. */
  retryAt?: number;
  /** Why the last connection ended, when it did. */
  lastError?: string;
}

export interface LiveStreamOptions {
  /** An absolute or page-relative URL; ws:// and wss:// (or `transport: 'websocket'`) use a websocket. */
  url: string;
  transport?: 'sse' | 'websocket';
  /** SSE event names to listen to besides the unnamed `message` event. */
  events?: readonly string[];
  /** Each message's data (text); `event` is the SSE event name, or `message` for websocket messages. */
  onMessage: (data: string, event: string) => void;
  onStatus?: (status: LiveStreamStatus) => void;
  backoff?: BackoffPolicy;
}

export class LiveStream {
  private status: LiveStreamStatus = { state: 'connecting', retries: 0 };
  private source: EventSource | WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private openedAt: number | undefined;
  /** The id of the last event received; a new EventSource cannot send Last-Event-ID, so it goes in the URL. */
  private lastEventId: string | undefined;
  private closed = false;
  private readonly policy: BackoffPolicy;

  constructor(private readonly options: LiveStreamOptions) {
    this.policy = options.backoff ?? defaultBackoff;
    this.connect();
  }

  get current(): LiveStreamStatus {
    return this.status;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.detach();
    this.setStatus({ state: 'closed', retries: this.status.retries });
  }

  private get transport(): 'sse' | 'websocket' {
    return this.options.transport ?? (/^wss?:/i.test(this.options.url) ? 'websocket' : 'sse');
  }

  private connect(): void {
    this.openedAt = undefined;
    const onOpen = () => {
      this.openedAt = Date.now();
      this.setStatus({ state: 'open', retries: this.status.retries });
    };
    if (this.transport === 'sse') {
      // EventSource retries by itself at a fixed interval; closing it on the first error hands the retry
      // schedule to our backoff instead.
      const source = new EventSource(resumeUrl(this.options.url, this.lastEventId));
      source.onopen = onOpen;
      source.onerror = () => this.dropped('the event stream was interrupted');
      const deliver = (event: MessageEvent) => {
        if (event.lastEventId) this.lastEventId = event.lastEventId;
        this.options.onMessage(String(event.data), event.type);
      };
      source.onmessage = deliver;
      for (const name of this.options.events ?? []) source.addEventListener(name, deliver);
      this.source = source;
    } else {
      const socket = new WebSocket(websocketUrl(this.options.url));
      socket.onopen = onOpen;
      socket.onmessage = (event) => this.options.onMessage(String(event.data), 'message');
      socket.onclose = (event) =>
        this.dropped(`the websocket closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
      this.source = socket;
    }
  }

  private dropped(reason: string): void {
    if (this.closed) return;
    this.detach();
    const openFor = this.openedAt === undefined ? 0 : Date.now() - this.openedAt;
    const retry = retryAfterDrop(this.status.retries, openFor, this.policy);
    const delay = backoffDelay(retry, Math.random(), this.policy);
    this.setStatus({ state: 'reconnecting', retries: retry + 1, retryAt: Date.now() + delay, lastError: reason });
    this.timer = setTimeout(() => {
      this.setStatus({ ...this.status, state: 'connecting', retryAt: undefined });
      this.connect();
    }, delay);
  }

  private detach(): void {
    const source = this.source;
    this.source = undefined;
    if (!source) return;
    if (source instanceof WebSocket) {
      source.onclose = null;
      source.onmessage = null;
      source.onopen = null;
    } else {
      source.onerror = null;
      source.onmessage = null;
      source.onopen = null;
    }
    source.close();
  }

  private setStatus(status: LiveStreamStatus): void {
    this.status = status;
    this.options.onStatus?.(status);
  }
}

/** The stream's URL with `lastEventId` (platform-service's eventStream reads it as it reads Last-Event-ID). */
function resumeUrl(url: string, lastEventId: string | undefined): string {
  if (lastEventId === undefined) return url;
  const resolved = new URL(url, window.location.href);
  resolved.searchParams.set('lastEventId', lastEventId);
  return resolved.toString();
}

/** A page-relative websocket path such as `/api/ws` becomes ws(s)://<this host>/api/ws. */
function websocketUrl(url: string): string {
  if (/^wss?:/i.test(url)) return url;
  const resolved = new URL(url, window.location.href);
  resolved.protocol = resolved.protocol === 'https:' ? 'wss:' : 'ws:';
  return resolved.toString();
}
