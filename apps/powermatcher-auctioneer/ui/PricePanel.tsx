import { Panel, TimeSeriesChart } from '@flexgrid/ui';
import { useMemo } from 'react';
import type { MarketBasis, PriceRound } from './api';
import { formatCount, formatPrice } from './format';

export interface PricePanelProps {
  readonly rounds: readonly PriceRound[];
  readonly basis: MarketBasis | null;
  /** False on a remote concentrator, which keeps no history: the chart then starts when the page opened. */
  readonly hasHistory: boolean;
}

/** The price of every round over time: the last hour from the history, then live. */
export function PricePanel({ rounds, basis, hasHistory }: PricePanelProps) {
  const series = useMemo(
    () => [{ label: 'price', points: rounds.map((r) => [Date.parse(r.at), r.price] as const) }],
    [rounds],
  );
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
          <p className="pm-note" data-testid="price-summary">
            {formatCount(rounds.length)} rounds {hasHistory ? 'in the last hour and since' : 'since this page opened'};
            lowest {formatPrice(Math.min(...prices), basis)}, highest {formatPrice(Math.max(...prices), basis)}. Time
            axis in UTC.
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
