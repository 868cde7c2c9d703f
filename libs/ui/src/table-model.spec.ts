import { type ColumnModel, filterRows, nextSort, sortRows } from './table-model';

interface Ven {
  id: string;
  name: string;
  online: boolean;
  lastSeen: Date | null;
  load: number | null;
}

const vens: Ven[] = [
  { id: 'ven-10', name: 'Depot North', online: true, lastSeen: new Date('2026-01-02T10:00:00Z'), load: 12.5 },
  { id: 'ven-2', name: 'depot south', online: false, lastSeen: null, load: 3 },
  { id: 'ven-1', name: 'Office', online: true, lastSeen: new Date('2026-01-01T10:00:00Z'), load: null },
  { id: 'ven-3', name: 'Office', online: false, lastSeen: new Date('2026-01-03T10:00:00Z'), load: 3 },
];

const columns: ColumnModel<Ven>[] = [
  { id: 'id', value: (v) => v.id },
  { id: 'name', value: (v) => v.name },
  { id: 'online', value: (v) => v.online, text: (v) => (v.online ? 'online' : 'offline') },
  { id: 'lastSeen', value: (v) => v.lastSeen },
  { id: 'load', value: (v) => v.load },
  { id: 'secret', value: () => 'hidden', searchable: false },
];

const ids = (rows: Ven[]) => rows.map((r) => r.id);

describe('sortRows', () => {
  it('sorts text naturally and case-insensitively', () => {
    expect(ids(sortRows(vens, columns, { columnId: 'id', direction: 'asc' }))).toEqual([
      'ven-1',
      'ven-2',
      'ven-3',
      'ven-10',
    ]);
    expect(ids(sortRows(vens, columns, { columnId: 'name', direction: 'asc' }))).toEqual([
      'ven-10',
      'ven-2',
      'ven-1',
      'ven-3',
    ]);
  });

  it('sorts numbers and dates by value, missing values last in both directions', () => {
    expect(ids(sortRows(vens, columns, { columnId: 'load', direction: 'asc' }))).toEqual([
      'ven-2',
      'ven-3',
      'ven-10',
      'ven-1',
    ]);
    expect(ids(sortRows(vens, columns, { columnId: 'load', direction: 'desc' }))).toEqual([
      'ven-10',
      'ven-2',
      'ven-3',
      'ven-1',
    ]);
    expect(ids(sortRows(vens, columns, { columnId: 'lastSeen', direction: 'desc' }))).toEqual([
      'ven-3',
      'ven-10',
      'ven-1',
      'ven-2',
    ]);
  });

  it('is stable: equal values keep their input order in both directions', () => {
    expect(ids(sortRows(vens, columns, { columnId: 'online', direction: 'asc' }))).toEqual([
      'ven-2',
      'ven-3',
      'ven-10',
      'ven-1',
    ]);
    expect(ids(sortRows(vens, columns, { columnId: 'online', direction: 'desc' }))).toEqual([
      'ven-10',
      'ven-1',
      'ven-2',
      'ven-3',
    ]);
  });

  it('leaves the order alone without a sort or for an unknown column, and never mutates its input', () => {
    const before = [...vens];
    expect(sortRows(vens, columns, undefined)).toEqual(vens);
    expect(sortRows(vens, columns, { columnId: 'nope', direction: 'asc' })).toEqual(vens);
    sortRows(vens, columns, { columnId: 'id', direction: 'desc' });
    expect(vens).toEqual(before);
  });
});

describe('filterRows', () => {
  it('keeps rows where every term occurs in some searchable column, ignoring case', () => {
    expect(ids(filterRows(vens, columns, 'DEPOT'))).toEqual(['ven-10', 'ven-2']);
    expect(ids(filterRows(vens, columns, 'depot offline'))).toEqual(['ven-2']);
    expect(ids(filterRows(vens, columns, '  '))).toEqual(ids(vens));
  });

  it('searches the shown text, not the raw value, and skips unsearchable columns', () => {
    expect(ids(filterRows(vens, columns, 'online'))).toEqual(['ven-10', 'ven-1']);
    expect(filterRows(vens, columns, 'hidden')).toEqual([]);
    expect(ids(filterRows(vens, columns, '2026-01-03'))).toEqual(['ven-3']);
  });

  it('restricts a column:text term to that column', () => {
    expect(ids(filterRows(vens, columns, 'name:office load:3'))).toEqual(['ven-3']);
    expect(ids(filterRows(vens, columns, 'id:ven-1'))).toEqual(['ven-10', 'ven-1']);
    // Not a column: the whole term is searched as text.
    expect(filterRows(vens, columns, 'zone:north')).toEqual([]);
  });
});

describe('nextSort', () => {
  it('cycles a column ascending → descending → off, and a new column starts ascending', () => {
    const asc = nextSort(undefined, 'name');
    expect(asc).toEqual({ columnId: 'name', direction: 'asc' });
    const desc = nextSort(asc, 'name');
    expect(desc).toEqual({ columnId: 'name', direction: 'desc' });
    expect(nextSort(desc, 'name')).toBeUndefined();
    expect(nextSort(desc, 'id')).toEqual({ columnId: 'id', direction: 'asc' });
  });
});
