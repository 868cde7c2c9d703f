import { Panel, TimeSeriesChart } from '@flexgrid/ui';
import { useEffect, useMemo, useState } from 'react';
import type { MarketBasis, PriceRound } from './api';
import { heldPrices } from './dashboard-state';
import { formatPrice, plural } from './format';

export interface PricePanelProps {
  readonly rounds: readonly PriceRound[];
  readonly basis: MarketBasis | null;
  /** False on a remote concentrator, which keeps no history: the chart then starts when the page opened. */
  readonly hasHistory: boolean;
}

/** How often the last price is extended to the present. */
const NOW_TICK_MS = 5_000;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The price of every round over time: the last hour from the history, then live. */
export function PricePanel({ rounds, basis, hasHistory }: PricePanelProps) {
  const now = useNow(NOW_TICK_MS);
  const series = useMemo(() => [{ label: 'price', points: heldPrices(rounds, now) }], [rounds, now]);
  const prices = rounds.map((r) => r.price);
  return (
    <Panel title="Price over time">
      {rounds.length > 0 ? (
        <>
          <TimeSeriesChart
            label="price over time"
            series={series}
            yLabel={basis ? `price (${basis.currency})` : 'price'}
            height={260}
          />
          <p className="pm-note">
            <span data-testid="price-rounds">{plural(rounds.length, hasHistory ? 'round' : 'price')}</span>{' '}
            {hasHistory ? '(the last hour, then live)' : 'from the parent since this page opened'}; lowest{' '}
            {formatPrice(Math.min(...prices), basis)}, highest {formatPrice(Math.max(...prices), basis)}. A price holds
            until the next one. Times in UTC.
          </p>
        </>
      ) : (
        <div className="pm-empty">
          <strong>No price rounds yet</strong>
          The auctioneer prices the cluster once an agent has bid; rounds then appear here as they happen.
        </div>
      )}
    </Panel>
  );
}
