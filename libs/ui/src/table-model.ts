/** The pure part of DataTable: which rows a filter keeps and in which order a sort puts them. */
export type CellValue = string | number | boolean | Date | null | undefined;

export interface ColumnModel<Row> {
  id: string;
  /** The value sorted on and, unless `text` says otherwise, shown and searched. */
  value: (row: Row) => CellValue;
  /** The text the filter searches; by default the value as shown. */
  text?: (row: Row) => string;
  /** False for columns the filter should ignore (such as a raw payload). */
  searchable?: boolean;
}

export type SortDirection = 'asc' | 'desc';
export interface SortState {
  columnId: string;
  direction: SortDirection;
}

export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Missing values (null, undefined, NaN, an invalid date) sort last in both directions: they are not "small". */
function isMissing(value: CellValue): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'number' && Number.isNaN(value)) ||
    (value instanceof Date && Number.isNaN(value.getTime()))
  );
}

export function compareCells(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(cellText(a), cellText(b));
}

/** A stable sort: rows with equal values keep their input order, so a live table does not shuffle. */
export function sortRows<Row>(rows: readonly Row[], columns: readonly ColumnModel<Row>[], sort?: SortState): Row[] {
  const column = sort && columns.find((c) => c.id === sort.columnId);
  if (!sort || !column) return [...rows];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: column.value(row) }))
    .sort((x, y) => {
      const xMissing = isMissing(x.value);
      const yMissing = isMissing(y.value);
      if (xMissing || yMissing) return xMissing === yMissing ? x.index - y.index : xMissing ? 1 : -1;
      return sign * compareCells(x.value, y.value) || x.index - y.index;
    })
    .map(({ row }) => row);
}

/**
 * Whitespace-separated terms, each of which must occur (case-insensitively) in some searchable column; a term
 * `column:text` must occur in that column (by id). An empty query keeps every row.
 */
export function filterRows<Row>(rows: readonly Row[], columns: readonly ColumnModel<Row>[], query: string): Row[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...rows];
  const searchable = columns.filter((c) => c.searchable !== false);
  const byId = new Map(columns.map((c) => [c.id.toLowerCase(), c]));
  const text = (column: ColumnModel<Row>, row: Row) =>
    (column.text ? column.text(row) : cellText(column.value(row))).toLowerCase();
  const matchers = terms.map((term) => {
    const colon = term.indexOf(':');
    const column = colon > 0 ? byId.get(term.slice(0, colon)) : undefined;
    if (column) {
      const needle = term.slice(colon + 1);
      return (row: Row) => text(column, row).includes(needle);
    }
    return (row: Row) => searchable.some((c) => text(c, row).includes(term));
  });
  return rows.filter((row) => matchers.every((matches) => matches(row)));
}

/** Clicking a header: a new column sorts ascending, the same column flips, a third click on it clears the sort. */
export function nextSort(current: SortState | undefined, columnId: string): SortState | undefined {
  if (current?.columnId !== columnId) return { columnId, direction: 'asc' };
  return current.direction === 'asc' ? { columnId, direction: 'desc' } : undefined;
}
