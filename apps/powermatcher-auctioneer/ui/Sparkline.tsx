/**
 * A bid in a table cell: demand (y) over the price steps (x) as a step line, with the zero line, so a flat,
 * sloped or stepped bid is told apart at a glance. Demand falls with price in every valid bid.
 */
export function Sparkline({ demand, label }: { demand: readonly number[]; label: string }) {
  const width = 72;
  const height = 18;
  if (demand.length === 0) return null;
  const low = Math.min(0, ...demand);
  const high = Math.max(0, ...demand);
  const span = high - low;
  // An all-zero bid is drawn on the middle line.
  const y = (value: number) => (span === 0 ? height / 2 : 1 + ((high - value) / span) * (height - 2));
  const step = width / demand.length;
  let path = '';
  demand.forEach((value, i) => {
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
