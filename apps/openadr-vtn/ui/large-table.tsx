/**
 * A DataTable that stays fast for a fleet of thousands of VENs: up to `limit` rows it is the plain table; beyond,
 * it lists the rows that need attention (offline, not acknowledged) and whatever the operator searches for, at
 * most `limit` of them, since rendering and re-sorting 10,000 rows on every live update would freeze the page.
 */
import { type Column, DataTable, type DataTableProps, filterRows } from '@flexgrid/ui';
import { type ReactNode, useMemo, useState } from 'react';

export interface LargeTableProps<Row> extends Omit<DataTableProps<Row>, 'filterable'> {
  columns: readonly Column<Row>[];
  /** The rows listed without a search when there are too many to list them all. */
  attention: (row: Row) => boolean;
  /** What the attention rows are, e.g. "VENs that are not online". */
  attentionText: string;
  /** What a row is, plural: "VENs". */
  noun: string;
  limit?: number;
}

export function LargeTable<Row>({ attention, attentionText, noun, limit = 500, ...table }: LargeTableProps<Row>) {
  const [query, setQuery] = useState('');
  const { rows, columns } = table;
  const large = rows.length > limit;
  const shown = useMemo(() => {
    if (!large) return rows;
    const matching = query.trim() ? filterRows(rows, columns, query) : rows.filter(attention);
    return matching.slice(0, limit);
  }, [large, rows, columns, query, attention, limit]);
  if (!large) return <DataTable {...table} />;

  const searching = query.trim() !== '';
  let note: ReactNode;
  if (searching)
    note =
      shown.length === limit
        ? `the first ${limit} matches for “${query}”`
        : `${shown.length} ${shown.length === 1 ? 'match' : 'matches'} for “${query}”`;
  else note = `${shown.length === limit ? `the first ${limit} of the` : 'the'} ${attentionText}`;
  return (
    <>
      <div className="fg-table-tools vtn-large-tools">
        <input
          type="search"
          className="fg-input"
          placeholder={`search ${rows.length.toLocaleString()} ${noun}…`}
          aria-label={`search ${table.label}`}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <span className="fg-muted">
          {rows.length.toLocaleString()} {noun}, too many to list at once: showing {note}. Search by any column, e.g. an
          ID or <code>state:offline</code>.
        </span>
      </div>
      <DataTable
        {...table}
        rows={shown}
        filterable={false}
        emptyText={
          searching ? `No ${noun} match “${query}”.` : `None: all ${rows.length.toLocaleString()} ${noun} are fine.`
        }
      />
    </>
  );
}
