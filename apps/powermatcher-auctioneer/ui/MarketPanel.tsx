import { formatDateTime, formatRecentTime, Panel } from '@flexgrid/ui';
import { aggregateOf, type DashboardState, priceStepOf, stepPrices, topMatcherId } from './dashboard-state';
import { formatCount, formatPower, formatPrice } from './format';

/** The cluster at a glance: the price now, where the market cleared, who takes part, and the market basis. */
export function MarketPanel({ state }: { state: DashboardState }) {
  const { cluster, lastPrice } = state;
  const basis = cluster?.marketBasis ?? null;
  // A remote concentrator: its prices come from its parent, not from rounds of its own.
  const fromParent = cluster !== null && cluster.auctioneerId === null;
  const aggregate = aggregateOf(state, topMatcherId(cluster));
  const step = lastPrice && basis ? priceStepOf(lastPrice, stepPrices(basis)) : -1;
  const atEquilibrium = aggregate && step >= 0 ? aggregate.demand[step] : undefined;
  const agents = [...state.agents.values()].filter((a) => a.dialect !== 'local');
  const connected = agents.filter((a) => a.connected).length;
  return (
    <Panel title="Market" wide>
      <dl className="pm-figures" aria-label="market figures">
        <div>
          <dt>{fromParent ? 'price from the parent' : 'price (last round)'}</dt>
          <dd data-testid="last-price">{lastPrice ? formatPrice(lastPrice.price, basis) : '–'}</dd>
        </div>
        <div>
          <dt>{fromParent ? 'received' : 'round'}</dt>
          <dd className="pm-num" data-testid="last-round" title={lastPrice ? formatDateTime(lastPrice.at) : undefined}>
            {lastPrice && fromParent && formatRecentTime(lastPrice.at)}
            {lastPrice && !fromParent && (
              <>
                {formatCount(lastPrice.round)} <small>at {formatRecentTime(lastPrice.at)}</small>
              </>
            )}
            {!lastPrice && '–'}
          </dd>
        </div>
        <div>
          <dt>demand at that price</dt>
          <dd className="pm-num">{atEquilibrium === undefined ? '–' : formatPower(atEquilibrium)}</dd>
        </div>
        <div>
          <dt title="the bids of its direct children: agents and concentrators">bids in the aggregate</dt>
          <dd className="pm-num" data-testid="aggregate-count">
            {aggregate ? formatCount(aggregate.agentCount) : '–'}
          </dd>
        </div>
        <div>
          <dt>websocket agents</dt>
          <dd className="pm-num" data-testid="agents-connected">
            {formatCount(connected)} <small>connected of {formatCount(agents.length)} known</small>
          </dd>
        </div>
        <div>
          <dt>market basis</dt>
          <dd>
            {basis ? (
              <small>
                {basis.commodity}, {basis.priceSteps} price steps from {formatPrice(basis.minimumPrice, basis)} to{' '}
                {formatPrice(basis.maximumPrice, basis)}
                {!fromParent && `; a round at most every ${formatCount(cluster?.minTimeBetweenPriceUpdatesMs ?? 0)} ms`}
              </small>
            ) : (
              '–'
            )}
          </dd>
        </div>
      </dl>
    </Panel>
  );
}
