import { relativeTime, useNow } from '@flexgrid/ui';

/** "4 s ago", kept current by the page's one clock. */
export function Ago({ iso }: { iso: string | null | undefined }) {
  return <>{relativeTime(iso, useNow())}</>;
}
