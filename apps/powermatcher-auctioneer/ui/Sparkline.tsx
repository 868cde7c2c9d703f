/** `count` values evenly spread over the array, the first and the last included. */
function thin(values: readonly number[], count: number): number[] {
  return Array.from({ length: count }, (_, i) => values[Math.round((i * (values.length - 1)) / (count - 1))] ?? 0);
}

/**
 * A bid in a table cell: demand (y) over the price steps (x) as a step line, with the zero line, so a flat,
 * sloped or stepped bid is told apart at a glance. Demand falls with price in every valid bid.
 */
export function Sparkline({ demand, label }: { demand: readonly number[]; label: string }) {
  const width = 72;
  const height = 18;
  if (demand.length === 0) return null;
  // At most one step per two pixels: a 10 000-step bid in a 1 000-row table would be megabytes of paths.
  const shown = demand.length <= width / 2 ? demand : thin(demand, width / 2);
  const low = Math.min(0, ...shown);
  const high = Math.max(0, ...shown);
  const span = high - low;
  // An all-zero bid is drawn on the middle line.
  const y = (value: number) => (span === 0 ? height / 2 : 1 + ((high - value) / span) * (height - 2));
  const step = width / shown.length;
  let path = '';
  shown.forEach((value, i) => {
    path += `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${y(value).toFixed(1)}H${((i + 1) * step).toFixed(1)}`;
  });
  return (
    <svg
      className="pm-sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <line className="pm-sparkline-zero" x1={0} x2={width} y1={y(0)} y2={y(0)} />
      <path d={path} />
    </svg>
  );
}
