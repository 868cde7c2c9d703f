import { useEffect, useState } from 'react';
import type { LiveStreamStatus } from './live-stream';
import { StatusBadge, type Tone } from './StatusBadge';

const tones: Record<LiveStreamStatus['state'], Tone> = {
  connecting: 'info',
  open: 'ok',
  reconnecting: 'warn',
  closed: 'neutral',
};

/** The live stream's state as the header shows it: live, connecting, or reconnecting with a countdown. */
export function ConnectionIndicator({ status }: { status: LiveStreamStatus }) {
  const [now, setNow] = useState(() => Date.now());
  const { retryAt } = status;
  useEffect(() => {
    if (retryAt === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [retryAt]);

  const label =
    status.state === 'open'
      ? 'live'
      : status.state === 'reconnecting' && retryAt !== undefined
        ? `reconnecting in ${Math.max(0, Math.ceil((retryAt - now) / 1000))} s`
        : status.state;
  return (
    <span className="fg-connection" data-state={status.state} role="status" aria-live="polite">
      <StatusBadge tone={tones[status.state]} title={status.lastError}>
        <span className="fg-connection-dot" aria-hidden="true" />
        {label}
      </StatusBadge>
    </span>
  );
}
