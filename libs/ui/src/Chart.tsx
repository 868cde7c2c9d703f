import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { alignSeries, stepCurve, type XY } from './chart-data';
import { useTheme } from './theme';

/**
 * uPlot charts. uPlot draws on a canvas, which takes colours as values, not CSS, so they are read from the
 * stylesheet's variables (`--fg-chart-1` …) when the chart is built, and the chart is rebuilt when the theme
 * changes.
 */
function cssVar(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

/**
 * A colour variable as the canvas can use it. The variables hold `light-dark()` pairs, which only a property of
 * an element resolves (for the element's colour scheme), so a probe element takes the colour and reports it.
 */
function colour(element: Element, name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  probe.style.display = 'none';
  element.appendChild(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  return resolved;
}

function palette(element: Element): string[] {
  return [1, 2, 3, 4, 5, 6].map((i) => colour(element, `--fg-chart-${i}`));
}

function axes(element: Element, xLabel: string | undefined, yLabel: string | undefined, time: boolean): uPlot.Axis[] {
  const stroke = colour(element, '--fg-text-muted');
  const grid = { stroke: colour(element, '--fg-border'), width: 1 };
  const ticks = { stroke: colour(element, '--fg-border'), width: 1 };
  const font = `11px ${cssVar(element, '--fg-font')}`;
  return [
    {
      label: xLabel,
      stroke,
      grid,
      ticks,
      font,
      labelFont: font,
      values: time ? utcTicks : (_u, v) => v.map(String),
    },
    { label: yLabel, stroke, grid, ticks, font, labelFont: font, size: 56 },
  ];
}

/**
 * Time ticks in UTC, 24-hour: the services' data is stamped in UTC and operators compare it across sites. The
 * date is shown when the range spans more than a day.
 */
const utcTicks: uPlot.Axis.DynamicValues = (u, splits) => {
  const min = u.scales['x']?.min ?? 0;
  const max = u.scales['x']?.max ?? 0;
  const from = max - min > 86_400 ? 5 : 11;
  return splits.map((s) => new Date(s * 1000).toISOString().slice(from, 16).replace('T', ' '));
};

interface UPlotChartProps {
  build: (element: HTMLElement, width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  label: string;
}

/** Builds the chart once per options change, feeds it new data with setData, and follows its container's width. */
function UPlotChart({ build, data, label }: UPlotChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(build(element, element.clientWidth || 600), latestData.current, element);
    plot.current = chart;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0) chart.setSize({ width: element.clientWidth, height: chart.height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [build]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={container} className="fg-chart" role="img" aria-label={label} data-points={data[0].length} />;
}

export interface TimeSeries {
  label: string;
  /** [epoch ms, value] pairs; any order. */
  points: readonly (readonly [number, number])[];
  unit?: string;
}

export interface TimeSeriesChartProps {
  series: readonly TimeSeries[];
  height?: number;
  yLabel?: string;
  label: string;
}

/** Values over time: readings, prices, settled energy. Series may have different timestamps. */
export function TimeSeriesChart({ series, height = 240, yLabel, label }: TimeSeriesChartProps) {
  const theme = useTheme();
  const names = series.map((s) => s.label).join('\n');
  const build = useMemo(() => {
    void theme;
    return (element: HTMLElement, width: number): uPlot.Options => {
      const colours = palette(element);
      return {
        width,
        height,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: axes(element, undefined, yLabel, true),
        series: [
          {
            label: 'time (UTC)',
            value: (_u, v) => (v == null ? '–' : new Date(v * 1000).toISOString().replace('T', ' ').slice(0, 19)),
          },
          ...names.split('\n').map((name, i) => ({
            label: name,
            stroke: colours[i % colours.length],
            width: 1.5,
            spanGaps: true,
            points: { show: false },
          })),
        ],
      };
    };
  }, [theme, height, yLabel, names]);
  // uPlot's time scale is in seconds.
  const data = useMemo(
    () => alignSeries(series.map((s) => s.points.map(([t, v]) => ({ x: t / 1000, y: v })))) as uPlot.AlignedData,
    [series],
  );
  return <UPlotChart build={build} data={data} label={label} />;
}

// uPlot types its path builders as optional (they can be left out of custom builds); the npm bundle has them.
const steppedPaths = uPlot.paths.stepped?.({ align: 1 });

export interface StepCurve {
  label: string;
  /** Where each step starts; the y holds until the next point's x. */
  points: readonly XY[];
}

export interface MarkedPoint extends XY {
  label: string;
}

export interface StepCurveChartProps {
  curves: readonly StepCurve[];
  /** A point drawn on top, such as the equilibrium price and the demand there. */
  marker?: MarkedPoint;
  /** Steps are drawn to here (the end of the market basis). */
  xMax?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  label: string;
}

/** An x/y step curve: a PowerMatcher bid (demand per price) with the equilibrium marked. */
export function StepCurveChart({ curves, marker, xMax, height = 240, xLabel, yLabel, label }: StepCurveChartProps) {
  const theme = useTheme();
  const names = curves.map((c) => c.label).join('\n');
  const markerLabel = marker?.label;
  const build = useMemo(() => {
    void theme;
    return (element: HTMLElement, width: number): uPlot.Options => {
      const colours = palette(element);
      const markerColour = colour(element, '--fg-danger');
      const series: uPlot.Series[] = [
        { label: xLabel ?? 'x' },
        ...names
          .split('\n')
          .filter(Boolean)
          .map((name, i) => ({
            label: name,
            stroke: colours[i % colours.length],
            width: 1.5,
            paths: steppedPaths,
            // The marker's x is a point of the shared axis where the curve has no step of its own.
            spanGaps: true,
            points: { show: false },
          })),
      ];
      if (markerLabel !== undefined) {
        series.push({
          label: markerLabel,
          stroke: markerColour,
          fill: markerColour,
          paths: () => null,
          points: { show: true, size: 10, width: 2, stroke: markerColour, fill: markerColour },
        });
      }
      return {
        width,
        height,
        legend: { show: true },
        scales: { x: { time: false } },
        axes: axes(element, xLabel, yLabel, false),
        series,
      };
    };
  }, [theme, height, xLabel, yLabel, names, markerLabel]);
  const data = useMemo(() => {
    const lines = curves.map((c) => stepCurve(c.points, xMax));
    return alignSeries(marker ? [...lines, [marker]] : lines) as uPlot.AlignedData;
  }, [curves, marker, xMax]);
  return <UPlotChart build={build} data={data} label={label} />;
}
