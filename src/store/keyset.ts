/**
 * Keyset pagination, written once for every list: a page is the rows after the last one
 * the client saw, in a stable order whose last key is unique (ties broken by id), so a row
 * inserted or removed between two pages shifts nothing (no OFFSET). The same SQL runs on
 * SQLite and PostgreSQL.
 */
import { sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';

export type SortValue = string | number;

/** One part of a list's order: a column (or expression) and its direction. */
export interface SortKey {
  expr: RawBuilder<unknown>;
  desc?: boolean;
}

/** What a client asked for: how many rows, after which sort key (null: from the start). */
export interface PageRequest {
  limit: number;
  after: readonly SortValue[] | null;
}

/** A page of rows and, when there are more, the sort key of its last row. */
export interface Page<T> {
  items: T[];
  next: SortValue[] | null;
}

export const column = (name: string): SortKey => ({ expr: sql.ref(name) });
export const descending = (key: SortKey): SortKey => ({ ...key, desc: true });

/**
 * "Comes after `values` in this order". One row-value comparison when every key runs the
 * same way (an index on the keys serves it); otherwise the expanded form
 * (k1 > v1) or (k1 = v1 and k2 < v2) or ….
 */
function beyond(keys: readonly SortKey[], values: readonly SortValue[]): Expression<SqlBool> {
  const op = (key: SortKey) => sql.raw(key.desc ? '<' : '>');
  if (keys.every((k) => k.desc === keys[0]!.desc))
    return sql<SqlBool>`(${sql.join(keys.map((k) => k.expr))}) ${op(keys[0]!)} (${sql.join(values.map((v) => sql.val(v)))})`;
  const branches = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((k, j) => sql`${k.expr} = ${values[j]}`);
    return sql`(${sql.join([...equal, sql`${key.expr} ${op(key)} ${values[i]}`], sql` and `)})`;
  });
  return sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
}

/** The query ordered by `keys`, from after the request's key, one row more than the limit (to know whether there are more). */
export function keyset<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, keys: readonly SortKey[], request: PageRequest): SelectQueryBuilder<DB, TB, O> {
  if (request.after && request.after.length !== keys.length) throw new Error(`a sort key of ${keys.length} values was expected, got ${request.after.length}`);
  let ordered = request.after ? query.where(beyond(keys, request.after)) : query;
  for (const key of keys) ordered = ordered.orderBy(key.expr, key.desc ? 'desc' : 'asc');
  return ordered.limit(request.limit + 1);
}

/** The page out of `keyset`'s rows: at most `limit` of them, and the last one's key when one more was found. */
export function pageOf<T>(rows: T[], request: PageRequest, keyOf: (row: T) => SortValue[]): Page<T> {
  if (rows.length <= request.limit) return { items: rows, next: null };
  const items = rows.slice(0, request.limit);
  return { items, next: keyOf(items[items.length - 1]!) };
}

/**
 * The same page of a list held in memory (a list derived from an incident's events), in the
 * order `keyOf` gives, which must be the list's order.
 */
export function pageInMemory<T>(sorted: readonly T[], request: PageRequest, keyOf: (row: T) => SortValue[], desc = false): Page<T> {
  const compare = (a: readonly SortValue[], b: readonly SortValue[]) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  };
  const after = request.after;
  const start = after ? sorted.findIndex((row) => compare(keyOf(row), after) > 0) : 0;
  return pageOf(start < 0 ? [] : sorted.slice(start, start + request.limit + 1), request, keyOf);
}
