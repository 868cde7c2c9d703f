/**
 * The shared pieces of flexgrid's web pages (DESIGN.md "Web UIs"). A page imports the stylesheet once,
 * `import '@flexgrid/ui/styles.css'`, and builds on these.
 */
export { type AlignedData, alignSeries, stepCurve, type XY } from './chart-data';
export {
  type MarkedPoint,
  type StepCurve,
  StepCurveChart,
  type StepCurveChartProps,
  type TimeSeries,
  TimeSeriesChart,
  type TimeSeriesChartProps,
} from './Chart';
export { backoffDelay, type BackoffPolicy, defaultBackoff, nominalDelay, retryAfterDrop } from './backoff';
export { ConnectionIndicator } from './ConnectionIndicator';
export { type Column, DataTable, type DataTableProps } from './DataTable';
export {
  formatJsonPath,
  JsonPathError,
  type JsonPathMatch,
  type JsonPathSegment,
  parseJsonPath,
  pathOfJsonPointer,
  resolveJsonPath,
} from './json-path';
export { JsonViewer, type JsonViewerProps } from './JsonViewer';
export { type ConnectionState, LiveStream, type LiveStreamOptions, type LiveStreamStatus } from './live-stream';
export { type NavItem, PageShell, type PageShellProps, Panel, type PanelProps } from './PageShell';
export {
  fetchJson,
  type FetchFunction,
  type Problem,
  problemContentType,
  ProblemError,
  problemFromResponse,
} from './problem';
export { ProblemView, type ProblemViewProps } from './ProblemView';
export { StatusBadge, type StatusBadgeProps, type Tone } from './StatusBadge';
export {
  type CellValue,
  type ColumnModel,
  filterRows,
  nextSort,
  type SortDirection,
  type SortState,
  sortRows,
} from './table-model';
export { type Theme, type ThemeChoice, ThemeContext, type ThemeControl, useTheme, useThemeControl } from './theme';
export {
  formatDateTime,
  formatRecentTime,
  formatTimeRange,
  type Instant,
  localTimeZone,
  localZoneName,
  relativeTime,
  useNow,
} from './time-format';
export { useLiveStream, type UseLiveStreamOptions } from './useLiveStream';
export { moveSelection, scrollTopToReveal, visibleWindow } from './virtual-window';
export { VirtualList, type VirtualListProps } from './VirtualList';
