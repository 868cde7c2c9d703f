import { formatDateTime, Panel } from '@flexgrid/ui';
import { type GridSummary } from './api';
import { formatAmount, formatDuration } from './format';

/** The grid's terms (§16) and its own balances (§10.1), and the latest settlement run. */
export function GridPanel({ grid }: { grid: GridSummary }) {
  const money = (minor: number) => formatAmount(minor, grid.currency, grid.currencyDigits);
  const run = grid.lastRun;
  return (
    <Panel title="Grid terms and balances" wide>
      <div className="p2p-facts">
        <dl aria-label="grid terms">
          <dt>grid</dt>
          <dd>{grid.gridId}</dd>
          <dt>profile, rule</dt>
          <dd>
            {grid.profile}, {grid.pricingRule}
          </dd>
          <dt>interval</dt>
          <dd>{formatDuration(grid.intervalMs)}</dd>
          <dt>settles</dt>
          <dd>{formatDuration(grid.gridGateClosureMs)} after an interval ends</dd>
          <dt>final</dt>
          <dd>{grid.finalAfterMs === 0 ? 'when settled' : `${formatDuration(grid.finalAfterMs)} after it ends`}</dd>
          <dt>last run</dt>
          <dd>
            {run === null
              ? `none yet (every ${formatDuration(grid.settleEveryMs)})`
              : `#${run.runNo} as of ${formatDateTime(run.asOf)}`}
          </dd>
        </dl>
        <dl aria-label="grid balances">
          <dt>grid fee accrued</dt>
          <dd className="p2p-number" title="the grid's line of every settlement so far">
            {money(grid.balances.gridFeeAccrued)}
          </dd>
          {/* Only a pool (all-time-share) takes the grid's share from receipts and holds money for producers. */}
          {grid.allocation === 'all-time-share' && (
            <>
              <dt>grid fee received</dt>
              <dd className="p2p-number" title="the grid's share of the payments received">
                {money(grid.balances.gridFeeReceived)}
              </dd>
              <dt>pool available</dt>
              <dd className="p2p-number" title="received for producers, not yet paid out">
                {money(grid.balances.poolAvailable)}
              </dd>
            </>
          )}
          <dt>unallocated</dt>
          <dd className="p2p-number" title="payments that named neither a consumer nor a request">
            {money(grid.balances.unallocated)}
          </dd>
          <dt>cash</dt>
          <dd className="p2p-number" title="confirmed receipts − confirmed payouts">
            {money(grid.balances.cash)}
          </dd>
        </dl>
      </div>
    </Panel>
  );
}
