import { type ReactNode, useMemo, useState } from 'react';
import { cellText, type ColumnModel, filterRows, nextSort, sortRows, type SortState } from './table-model';

export interface Column<Row> extends ColumnModel<Row> {
  header: ReactNode;
  /** The cell's content; by default the value as text. */
  render?: (row: Row) => ReactNode;
  align?: 'left' | 'right';
  /** False for columns that make no sense to sort (actions, payloads). */
  sortable?: boolean;
  width?: string;
}

export interface DataTableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  initialSort?: SortState;
  /** Show the filter box (default true). Terms are ANDed; `column:text` searches one column. */
  filterable?: boolean;
  filterPlaceholder?: string;
  onRowClick?: (row: Row) => void;
  /** The key of the row to mark as selected. */
  selectedKey?: string;
  emptyText?: ReactNode;
  /** An accessible name for the table. */
  label: string;
}

/**
 * A table for up to a few thousand rows, sorted by clicking a header (ascending, descending, off) and filtered
 * by the box above it. Longer lists belong in VirtualList.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  initialSort,
  filterable = true,
  filterPlaceholder = 'filter…',
  onRowClick,
  selectedKey,
  emptyText = 'nothing to show',
  label,
}: DataTableProps<Row>) {
  const [sort, setSort] = useState<SortState | undefined>(initialSort);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => sortRows(filterRows(rows, columns, query), columns, sort), [rows, columns, query, sort]);

  return (
    <div className="fg-table-wrap">
      {filterable && (
        <div className="fg-table-tools">
          <input
            type="search"
            className="fg-input"
            placeholder={filterPlaceholder}
            aria-label={`filter ${label}`}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          <span className="fg-muted fg-table-count">
            {`${shown.length === rows.length ? '' : `${shown.length} of `}${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`}
          </span>
        </div>
      )}
      <div className="fg-table-scroll">
        <table className="fg-table" aria-label={label}>
          <thead>
            <tr>
              {columns.map((column) => {
                const sortable = column.sortable !== false;
                const direction = sort?.columnId === column.id ? sort.direction : undefined;
                return (
                  <th
                    key={column.id}
                    scope="col"
                    style={{ width: column.width, textAlign: column.align }}
                    aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}
                  >
                    {sortable ? (
                      <button type="button" className="fg-sort" onClick={() => setSort(nextSort(sort, column.id))}>
                        {column.header}
                        <span className="fg-sort-mark" aria-hidden="true">
                          {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const key = rowKey(row);
              return (
                <tr
                  key={key}
                  data-key={key}
                  aria-selected={selectedKey === undefined ? undefined : selectedKey === key}
                  className={onRowClick ? 'fg-clickable' : undefined}
                  onClick={onRowClick && (() => onRowClick(row))}
                >
                  {columns.map((column) => (
                    <td key={column.id} style={{ textAlign: column.align }}>
                      {column.render ? column.render(row) : cellText(column.value(row))}
                    </td>
                  ))}
                </tr>
              );
            })}
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns.length} className="fg-empty">
                  {emptyText}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
