import { useEffect, useRef, useState } from 'react';
import { LiveStream, type LiveStreamOptions, type LiveStreamStatus } from './live-stream';

export type UseLiveStreamOptions = Omit<LiveStreamOptions, 'onStatus'>;

/**
 * Keeps a live stream open while the component is mounted and returns its status for the connection
 * indicator. Messages go to `onMessage` (the latest function given is called) rather than into state, so a busy
 * stream re-renders only as often as the page decides. A new `url` or transport opens a new stream.
 */
export function useLiveStream(options: UseLiveStreamOptions): LiveStreamStatus {
  const [status, setStatus] = useState<LiveStreamStatus>({ state: 'connecting', retries: 0 });
  const onMessage = useRef(options.onMessage);
  useEffect(() => {
    onMessage.current = options.onMessage;
  });
  const { url, transport } = options;
  // Compared by value, so that options written inline do not reopen the stream on every render.
  const events = (options.events ?? []).join('\n');
  const backoff = options.backoff && JSON.stringify(options.backoff);

  useEffect(() => {
    const stream = new LiveStream({
      url,
      transport,
      backoff: backoff ? JSON.parse(backoff) : undefined,
      events: events ? events.split('\n') : [],
      onMessage: (data, event) => onMessage.current(data, event),
      onStatus: setStatus,
    });
    return () => stream.close();
  }, [url, transport, backoff, events]);

  return status;
}
