import {
  type Column,
  DataTable,
  formatTimeRange,
  localTimeZone,
  Panel,
  StatusBadge,
  TimeSeriesChart,
} from '@flexgrid/ui';
import { useMemo } from 'react';
import { type Interval, type OperatorData } from './api';
import { formatMinor, formatDuration, formatKwh } from './format';

const settled = (i: Interval) => i.totals !== null && i.totals !== undefined;

/** §14.4: produced, consumed and matched energy of the settled intervals (their latest version). */
export function EnergyChartPanel({ data }: { data: OperatorData }) {
  const series = useMemo(() => {
    const rows = data.intervals.filter(settled);
    const line = (label: string, pick: (i: Interval) => number) => ({
      label,
      unit: 'kWh',
      points: rows.map((i) => [i.intervalStart, pick(i) / 1000] as const),
    });
    return [
      line('produced kWh', (i) => i.totals?.producedWh ?? 0),
      line('consumed kWh', (i) => i.totals?.consumedWh ?? 0),
      line('matched kWh', (i) => i.totals?.matchedWh ?? 0),
    ];
  }, [data.intervals]);
  const count = series[0].points.length;
  return (
    <Panel title="Energy per interval" wide>
      {count === 0 ? (
        <p className="fg-empty">
          No interval is settled yet. An interval settles {formatDuration(data.grid.gridGateClosureMs)} after it ends,
          once producers&apos; output and consumers&apos; readings for it have arrived on Kafka.
        </p>
      ) : (
        <TimeSeriesChart label="produced, consumed and matched energy per interval" yLabel="kWh" series={series} />
      )}
    </Panel>
  );
}

function IntervalState({ interval, grid }: { interval: Interval; grid: OperatorData['grid'] }) {
  const adjusted = (interval.adjustments ?? 0) > 0;
  return (
    <span className="p2p-badges">
      {interval.status === 'open' && (
        <StatusBadge
          tone="neutral"
          title={`collecting readings; settled ${formatDuration(grid.gridGateClosureMs)} after it ends`}
        >
          open
        </StatusBadge>
      )}
      {interval.status === 'due' && (
        <StatusBadge tone="warn" title="past its gate closure: the next settlement run settles it">
          due
        </StatusBadge>
      )}
      {interval.status === 'provisional' && (
        <StatusBadge tone="info" title="settled; re-settled if late data arrives before it is final">
          settled
        </StatusBadge>
      )}
      {interval.status === 'final' && (
        <StatusBadge tone="ok" title="final: later corrections become adjustments">
          final
        </StatusBadge>
      )}
      {adjusted && (
        <StatusBadge tone="warn" title="corrections after finality, posted as adjustments">
          adjusted ×{interval.adjustments}
        </StatusBadge>
      )}
    </span>
  );
}

function Gaps({ interval }: { interval: Interval }) {
  if (!settled(interval)) return <span className="fg-muted">–</span>;
  const gaps = interval.gaps ?? [];
  if (gaps.length === 0)
    return (
      <StatusBadge tone="ok" title="every active member's data arrived">
        complete
      </StatusBadge>
    );
  return (
    <span className="p2p-gaps" title="members whose data was missing when it was settled: not counted as 0">
      <StatusBadge tone="error">{gaps.length} missing</StatusBadge> {gaps.join(', ')}
    </span>
  );
}

/** §14.4: every interval of the last day (or since the grid started) with its state, totals and gaps. */
export function IntervalsPanel({
  data,
  selected,
  onSelect,
}: {
  data: OperatorData;
  selected?: number;
  onSelect: (intervalStart: number) => void;
}) {
  const { grid } = data;
  const columns = useMemo((): Column<Interval>[] => {
    const energy = (id: string, header: string, pick: (i: Interval) => number | undefined): Column<Interval> => ({
      id,
      header,
      value: (i) => pick(i) ?? null,
      text: (i) => formatKwh(pick(i)),
      render: (i) => formatKwh(pick(i)),
      align: 'right',
    });
    return [
      {
        id: 'interval',
        header: `interval (${localTimeZone})`,
        value: (i) => i.intervalStart,
        text: (i) => formatTimeRange(i.intervalStart, i.intervalEnd),
        render: (i) => formatTimeRange(i.intervalStart, i.intervalEnd),
      },
      {
        id: 'state',
        header: 'state',
        value: (i) => `${i.status}${(i.adjustments ?? 0) > 0 ? ' adjusted' : ''}`,
        render: (i) => <IntervalState interval={i} grid={grid} />,
      },
      { id: 'version', header: 'version', value: (i) => i.version ?? null, align: 'right' },
      energy('produced', 'produced kWh', (i) => i.totals?.producedWh),
      energy('consumed', 'consumed kWh', (i) => i.totals?.consumedWh),
      energy('matched', 'matched kWh', (i) => i.totals?.matchedWh),
      energy('import', 'import kWh', (i) => i.totals?.importWh),
      energy('export', 'export kWh', (i) => i.totals?.exportWh),
      {
        id: 'gridLine',
        header: `grid line ${grid.currency}`,
        value: (i) => i.gridLine ?? null,
        render: (i) => formatMinor(i.gridLine, grid.currencyDigits),
        align: 'right',
      },
      {
        id: 'gaps',
        header: 'gaps',
        value: (i) => (i.gaps ?? []).join(' '),
        render: (i) => <Gaps interval={i} />,
      },
    ];
  }, [grid]);
  return (
    <Panel
      title="Intervals"
      wide
      actions={<span className="fg-muted">click an interval for its settlement records and lines</span>}
    >
      <DataTable
        label="intervals"
        columns={columns}
        rows={data.intervals}
        rowKey={(i) => String(i.intervalStart)}
        initialSort={{ columnId: 'interval', direction: 'desc' }}
        filterPlaceholder="filter, e.g. state:final"
        onRowClick={(i) => onSelect(i.intervalStart)}
        selectedKey={selected === undefined ? undefined : String(selected)}
        emptyText={`No interval has ended since the grid started. Intervals last ${formatDuration(grid.intervalMs)}; the first one shows here when it ends.`}
      />
    </Panel>
  );
}
