import { formatRecentTime, Panel, type StepCurve, StepCurveChart } from '@flexgrid/ui';
import { useMemo } from 'react';
import { aggregateOf, type DashboardState, priceStepOf, stepPrices, topMatcherId } from './dashboard-state';
import { formatCount, formatPower, formatPrice, plural, powerUnit } from './format';

export interface BidCurvePanelProps {
  readonly state: DashboardState;
  /** An agent whose last bid is drawn over the aggregate. */
  readonly selectedAgent: string | undefined;
  readonly onClearSelection: () => void;
}

/** The cluster's aggregate bid (demand per price) with the last equilibrium marked, live from each run. */
export function BidCurvePanel({ state, selectedAgent, onClearSelection }: BidCurvePanelProps) {
  const { cluster, lastPrice } = state;
  const basis = cluster?.marketBasis ?? null;
  const top = topMatcherId(cluster);
  const aggregate = aggregateOf(state, top);
  const selected = selectedAgent === undefined ? undefined : state.agents.get(selectedAgent);
  const prices = useMemo(() => (basis ? stepPrices(basis) : []), [basis]);

  const demand = aggregate?.demand;
  const selectedDemand = selected?.lastBid?.demand;
  const chart = useMemo(() => {
    if (!basis || !demand || demand.length !== prices.length) return null;
    const largest = Math.max(1, ...demand.map(Math.abs), ...(selectedDemand ?? []).map(Math.abs));
    const unit = powerUnit(largest);
    const curve = (values: readonly number[]) => values.map((y, i) => ({ x: prices[i] ?? 0, y: y / unit.factor }));
    // The balance line: the market clears where the aggregate crosses it (and it keeps 0 W in view).
    const curves: StepCurve[] = [
      { label: 'aggregate bid', points: curve(demand) },
      { label: 'balance (0)', points: [{ x: basis.minimumPrice, y: 0 }] },
    ];
    if (selectedAgent !== undefined && selectedDemand && selectedDemand.length === prices.length) {
      curves.push({ label: `${selectedAgent}'s bid`, points: curve(selectedDemand) });
    }
    const step = lastPrice ? priceStepOf(lastPrice, prices) : -1;
    const marker =
      lastPrice && step < demand.length
        ? { label: 'equilibrium', x: lastPrice.price, y: (demand[step] ?? 0) / unit.factor }
        : undefined;
    return { curves, marker, unit };
  }, [basis, demand, prices, selectedAgent, selectedDemand, lastPrice]);

  const actions =
    selectedAgent !== undefined ? (
      <span className="pm-toolbar">
        with {selectedAgent}'s bid
        <button type="button" className="fg-button" onClick={onClearSelection}>
          clear
        </button>
      </span>
    ) : undefined;

  return (
    <Panel title="Aggregate bid curve" actions={actions}>
      {chart && basis && aggregate && aggregate.agentCount > 0 ? (
        <>
          <StepCurveChart
            label="aggregate bid curve"
            curves={chart.curves}
            marker={chart.marker}
            xMax={basis.maximumPrice}
            xLabel={`price (${basis.currency})`}
            yLabel={`demand (${chart.unit.unit})`}
            height={260}
          />
          <p className="pm-note" data-testid="curve-summary">
            {plural(aggregate.agentCount, 'bid')}; demand {formatPower(demand?.[0] ?? 0)} at{' '}
            {formatPrice(basis.minimumPrice, basis)} down to {formatPower(demand?.[demand.length - 1] ?? 0)} at{' '}
            {formatPrice(basis.maximumPrice, basis)}
            {aggregate.run !== null && (
              <>
                {' '}
                (run {formatCount(aggregate.run)} at {formatRecentTime(aggregate.at)})
              </>
            )}
            . Positive demand consumes, negative produces; click an agent to compare its bid.
          </p>
        </>
      ) : (
        <div className="pm-empty">
          <strong>No bids yet</strong>
          The curve appears when an agent bids. Connect one to{' '}
          <code>
            /powermatcher/websockets/agentendpoint?agentId=…&amp;desiredConnectionId={top ?? 'auctioneer'}
          </code>{' '}
          (or <code>/powermatcher/websocket?agentId=…</code> for v2.1 clients), or run{' '}
          <code>npx flexgrid-sim powermatcher --url …</code>.
        </div>
      )}
    </Panel>
  );
}
