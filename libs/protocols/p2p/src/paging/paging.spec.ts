import { compareIds } from '../units/id-order';
import { pageOf, parsePaging } from './paging';

const ids = Array.from({ length: 23 }, (_, i) => `item${String(i).padStart(2, '0')}`);
const entries = ids.map((id) => ({ id, item: { id } }));
const page = (query: Parameters<typeof parsePaging>[0]) => {
  const parsed = parsePaging(query);
  if (!parsed.ok) throw new Error(parsed.message);
  return pageOf(entries, parsed.paging);
};

describe('P2P-STO-PAGE paging (§13.4)', () => {
  it('defaults: 23 ids, no parameters → 10 ids, 3 pages; page=2 → the last 3', () => {
    expect(page({})).toMatchObject({ ids: ids.slice(0, 10), totalItems: 23, totalPages: 3, pageSize: 10 });
    expect(page({ page: '2' }).ids).toEqual(ids.slice(20));
    expect(page({ page: '', pageSize: '' }).pageSize).toBe(10);
    expect(page({ page: '0' }).items[0]).toEqual({ id: 'item00' });
  });

  it('min 5, cap 100: pageSize=2 is served as 5 (5 pages); 500 as 100', () => {
    expect(page({ pageSize: '2' })).toMatchObject({ pageSize: 5, totalPages: 5 });
    expect(page({ pageSize: '500' })).toMatchObject({ pageSize: 100, totalPages: 1 });
  });

  it('the page-size alias; camelCase wins when both are given', () => {
    expect(page({ 'page-size': '7' }).pageSize).toBe(7);
    expect(page({ 'page-size': '7', pageSize: '6' }).pageSize).toBe(6);
  });

  it('past the end is empty, not an error; totalPages is the ceiling (45/10 → 5, not 6)', () => {
    expect(page({ page: '9' })).toMatchObject({ ids: [], items: [], totalItems: 23 });
    const parsed = parsePaging({});
    if (!parsed.ok) throw new Error('unexpected');
    expect(
      pageOf(
        Array.from({ length: 45 }, (_, i) => ({ id: String(i), item: i })),
        parsed.paging,
      ).totalPages,
    ).toBe(5);
    expect(pageOf([], parsed.paging)).toEqual({ ids: [], items: [], totalItems: 0, totalPages: 0, pageSize: 10 });
  });

  it('400 for abc, -1, more than 9 digits, or a parameter given twice, with the exact message', () => {
    expect(parsePaging({ page: 'abc' })).toEqual({
      ok: false,
      parameter: 'page',
      message: "The parameter 'page' has an invalid value.",
    });
    expect(parsePaging({ page: '-1' })).toMatchObject({ ok: false, parameter: 'page' });
    expect(parsePaging({ pageSize: '1234567890' })).toEqual({
      ok: false,
      parameter: 'pageSize',
      message: "The parameter 'pageSize' has an invalid value.",
    });
    expect(parsePaging({ 'page-size': 'x' })).toMatchObject({ ok: false, parameter: 'pageSize' });
    expect(parsePaging({ page: ['1', '2'] })).toMatchObject({ ok: false, parameter: 'page' });
  });

  it('§13.3 byte order: b10 before b9', () => {
    expect(['b9', 'b10', 'B1'].sort(compareIds)).toEqual(['B1', 'b10', 'b9']);
  });
});
