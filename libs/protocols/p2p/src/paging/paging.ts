import { compareIds } from '../units/id-order';

/** A query parameter as an HTTP framework hands it over: absent, once, or given more than once. */
export type QueryValue = string | readonly string[] | undefined;

export interface PagingQuery {
  page?: QueryValue;
  pageSize?: QueryValue;
  'page-size'?: QueryValue;
}

export interface Paging {
  page: number;
  pageSize: number;
}

export type PagingResult =
  { ok: true; paging: Paging } | { ok: false; parameter: 'page' | 'pageSize'; message: string };

const DIGITS = /^[0-9]{1,9}$/;

function invalid(parameter: 'page' | 'pageSize'): PagingResult {
  return { ok: false, parameter, message: `The parameter '${parameter}' has an invalid value.` };
}

/** One parameter: absent or "" → the default; else 1–9 digits; given twice → invalid. */
function readNumber(value: QueryValue, fallback: number): number | null {
  if (Array.isArray(value)) return null;
  if (value === undefined || value === '') return fallback;
  return DIGITS.test(value as string) ? Number(value) : null;
}

/**
 * P2P-STO-PAGE (§13.4): `page` defaults to 0, `pageSize` (or `page-size`, camelCase winning) to 10, raised to 5
 * and capped at 100; malformed or repeated values are invalid with the exact §15 message.
 */
export function parsePaging(query: PagingQuery): PagingResult {
  const page = readNumber(query.page, 0);
  if (page === null) return invalid('page');
  const size = readNumber(query.pageSize ?? query['page-size'], 10);
  if (size === null) return invalid('pageSize');
  return { ok: true, paging: { page, pageSize: Math.min(Math.max(size, 5), 100) } };
}

export interface Page<T> {
  ids: string[];
  items: T[];
  totalItems: number;
  totalPages: number;
  pageSize: number;
}

/** §13.3/§13.4: the window `[page·size, (page+1)·size)` of the ids in UTF-8 byte order; past the end it is empty. */
export function pageOf<T>(entries: readonly { id: string; item: T }[], paging: Paging): Page<T> {
  const ordered = [...entries].sort((a, b) => compareIds(a.id, b.id));
  const window = ordered.slice(paging.page * paging.pageSize, (paging.page + 1) * paging.pageSize);
  return {
    ids: window.map((entry) => entry.id),
    items: window.map((entry) => entry.item),
    totalItems: entries.length,
    totalPages: Math.ceil(entries.length / paging.pageSize),
    pageSize: paging.pageSize,
  };
}
