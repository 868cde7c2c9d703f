/**
 * uPlot draws "aligned data": one shared, ascending x array and one y array per series, null where a series has
 * no point. These turn the shapes pages hold (points per series) into that.
 */
export interface XY {
  x: number;
  y: number;
}

export type AlignedData = [xs: number[], ...ys: (number | null)[][]];

/** Merges series with different x values onto one ascending x axis; a series gets null where it has no point. */
export function alignSeries(series: readonly (readonly XY[])[]): AlignedData {
  const xs = [...new Set(series.flatMap((points) => points.map((p) => p.x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((points) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    // A later point at the same x wins, as the latest reading does.
    for (const p of points) {
      const i = index.get(p.x);
      if (i !== undefined) y[i] = p.y;
    }
    return y;
  });
  return [xs, ...ys];
}

/**
 * A step curve as uPlot's stepped paths expect it (each y holds until the next x), extended to `xMax` so the
 * last step is drawn to the edge: a bid curve's last price step covers the rest of the market basis.
 */
export function stepCurve(points: readonly XY[], xMax?: number): XY[] {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const last = sorted[sorted.length - 1];
  if (last && xMax !== undefined && xMax > last.x) sorted.push({ x: xMax, y: last.y });
  return sorted;
}
