import { relativeTime, useNow } from './format';

/** "4 s ago", kept current by the page's one clock. */
export function Ago({ iso }: { iso: string | null | undefined }) {
  return <>{relativeTime(iso, useNow())}</>;
}
