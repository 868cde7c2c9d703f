import { formatDateTime, PageShell, ProblemView, useLiveStream } from '@flexgrid/ui';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthorised, loadOperatorData, type OperatorApi, type OperatorData } from './api';

import { GridPanel } from './GridPanel';
import { EnergyChartPanel, IntervalsPanel } from './IntervalsPanels';
import { ConsumersPanel, ProducersPanel } from './MembersPanels';
import { OpenRequestsPanel, PayoutsPanel, RejectedPanel, UnallocatedPanel } from './PaymentsPanels';
import { SettlementPanel } from './SettlementPanel';
import { StatementsPanel } from './StatementsPanel';

export interface OperatorPageProps {
  api: OperatorApi;
  onSignOut: (reason?: string) => void;
}

/** Facts that change nothing the page shows until the next settlement run. */
const INPUT_ONLY = new Set(['reading', 'output', 'channel']);
/** A busy grid journals facts every moment: the page reloads at most this often. */
const MIN_RELOAD_GAP_MS = 1000;

/**
 * §14.4: one read of the operator API on open, then again whenever the live stream reports journal facts that
 * change what the page shows (settlements, payments, registrations, allocations).
 */
export function OperatorPage({ api, onSignOut }: OperatorPageProps) {
  const [data, setData] = useState<OperatorData>();
  const [error, setError] = useState<unknown>();
  const [selected, setSelected] = useState<number>();
  const loading = useRef(false);
  const again = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const load = useCallback(() => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    const started = Date.now();
    loadOperatorData(api)
      .then(
        (loaded) => {
          setData(loaded);
          setError(undefined);
        },
        (failure: unknown) => {
          if (isUnauthorised(failure)) onSignOut('The grid refused that token. Enter the current operator token.');
          else setError(failure);
        },
      )
      .finally(() => {
        loading.current = false;
        if (again.current) {
          again.current = false;
          timer.current = setTimeout(load, Math.max(0, started + MIN_RELOAD_GAP_MS - Date.now()));
        }
      });
  }, [api, onSignOut]);

  // The first read does not wait for the stream: a page whose stream cannot connect still shows the data.
  useEffect(() => {
    load();
    return () => clearTimeout(timer.current);
  }, [load]);

  const stream = useLiveStream({
    url: api.streamUrl(),
    events: ['journal'],
    onMessage: (message) => {
      const change = JSON.parse(message) as { kinds: Record<string, number> };
      if (Object.keys(change.kinds).some((kind) => !INPUT_ONLY.has(kind))) load();
    },
  });
  // Every (re)connection reloads: whatever happened while the stream was down is read again.
  useEffect(() => {
    if (stream.state === 'open') load();
  }, [stream.state, load]);

  const signOut = (
    <button type="button" className="fg-button" onClick={() => onSignOut()}>
      sign out
    </button>
  );
  return (
    <PageShell service="P2P grid" title="Grid operator" connection={stream} actions={signOut}>
      {error !== undefined && (
        <div className="fg-panel-wide">
          <ProblemView error={error} onRetry={load} />
        </div>
      )}
      {data === undefined ? (
        error === undefined && <p className="fg-muted fg-panel-wide">Loading the grid&apos;s operator API…</p>
      ) : (
        <>
          <p className="fg-muted fg-panel-wide p2p-updated" data-testid="updated">
            Grid <strong>{data.grid.gridId}</strong> · updated {formatDateTime(data.loadedAt)} · new settlements and
            payments appear here as they happen.
          </p>
          <GridPanel grid={data.grid} />
          <EnergyChartPanel data={data} />
          <IntervalsPanel data={data} selected={selected} onSelect={setSelected} />
          {selected !== undefined && (
            <SettlementPanel api={api} data={data} intervalStart={selected} onClose={() => setSelected(undefined)} />
          )}
          <ConsumersPanel data={data} />
          <ProducersPanel data={data} />
          <OpenRequestsPanel data={data} />
          <UnallocatedPanel data={data} api={api} onAllocated={load} />
          <PayoutsPanel data={data} />
          <StatementsPanel api={api} data={data} />
          <RejectedPanel data={data} />
        </>
      )}
    </PageShell>
  );
}
