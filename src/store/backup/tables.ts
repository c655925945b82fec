/**
 * Every table of ours as the database itself describes it, so that a backup, a restore or a
 * move between databases copies what is there (each migration's tables included) without a
 * list kept by hand: the tables in an order where a row's references come before it, their
 * columns, and on PostgreSQL the auto-numbered column whose sequence must follow the copy.
 */
import { sql } from 'kysely';
import type { Executor } from '../schema.js';
import type { Dialect } from '../migrations/index.js';

export interface TableInfo {
  name: string;
  columns: string[];
  /** PostgreSQL: the column numbered by a sequence (bigserial), if any. */
  serial: string | null;
}

/** Kysely's own bookkeeping: each side's migrations are its own, checked rather than copied. */
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

type Row = Record<string, unknown>;

export async function tablesOf(db: Executor, dialect: Dialect): Promise<TableInfo[]> {
  const columns = new Map<string, string[]>();
  const serial = new Map<string, string>();
  const parents = new Map<string, Set<string>>();
  if (dialect === 'postgres') {
    const cols = await sql<{ table_name: string; column_name: string; column_default: string | null }>`
      select c.table_name, c.column_name, c.column_default
      from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`.execute(db);
    for (const c of cols.rows) {
      columns.set(c.table_name, [...(columns.get(c.table_name) ?? []), c.column_name]);
      if (c.column_default?.startsWith('nextval(')) serial.set(c.table_name, c.column_name);
    }
    const refs = await sql<{ child: string; parent: string }>`
      select tc.table_name as child, ccu.table_name as parent
      from information_schema.table_constraints tc
      join information_schema.constraint_column_usage ccu on ccu.constraint_schema = tc.constraint_schema and ccu.constraint_name = tc.constraint_name
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(db);
    for (const r of refs.rows) parents.set(r.child, (parents.get(r.child) ?? new Set()).add(r.parent));
  } else {
    const cols = await sql<{ table_name: string; column_name: string }>`
      select m.name as table_name, p.name as column_name
      from sqlite_master m join pragma_table_info(m.name) p
      where m.type = 'table' and m.name not like 'sqlite_%'
      order by m.name, p.cid`.execute(db);
    for (const c of cols.rows) columns.set(c.table_name, [...(columns.get(c.table_name) ?? []), c.column_name]);
    const refs = await sql<{ child: string; parent: string }>`
      select m.name as child, f."table" as parent from sqlite_master m join pragma_foreign_key_list(m.name) f where m.type = 'table'`.execute(db);
    for (const r of refs.rows) parents.set(r.child, (parents.get(r.child) ?? new Set()).add(r.parent));
  }
  const names = [...columns.keys()].filter((name) => !MIGRATOR_TABLES.has(name)).sort();
  return parentsFirst(names, parents).map((name) => ({ name, columns: columns.get(name)!, serial: serial.get(name) ?? null }));
}

function parentsFirst(names: string[], parents: Map<string, Set<string>>): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: Set<string>) => {
    if (placed.has(name) || path.has(name)) return;
    path.add(name);
    for (const parent of parents.get(name) ?? []) if (parent !== name && names.includes(parent)) place(parent, path);
    placed.add(name);
    ordered.push(name);
  };
  for (const name of names) place(name, new Set());
  return ordered;
}

/**
 * A table's rows in batches, in the order they are stored: by rowid (SQLite) or physical
 * position (PostgreSQL), keyset-paged so a large table is read once, not once per page.
 */
export async function* rowsOf(db: Executor, dialect: Dialect, table: TableInfo, batch = 1000): AsyncGenerator<unknown[][]> {
  const list = sql.join(table.columns.map((c) => sql.ref(c)));
  let after: string | number | null = null;
  for (;;) {
    const position = dialect === 'postgres' ? sql`ctid` : sql`rowid`;
    const from = after === null ? sql`` : dialect === 'postgres' ? sql`where ctid > ${after}::tid` : sql`where rowid > ${after}`;
    const result = await sql<Row>`select ${position} as "__position", ${list} from ${sql.table(table.name)} ${from} order by ${position} limit ${batch}`.execute(db);
    if (result.rows.length === 0) return;
    yield result.rows.map((row) => table.columns.map((c) => row[c]));
    if (result.rows.length < batch) return;
    after = result.rows[result.rows.length - 1]!.__position as string | number;
  }
}

/** Inserts rows given as value lists in `columns` order, in statements small enough for either database's parameter limit. */
export async function insertRows(db: Executor, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => sql`(${sql.join(row.map((v) => sql`${v}`))})`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(values)}`.execute(db);
  }
}

/** PostgreSQL: each copied table's sequence continues after its highest number, so the next insert does not collide. */
export async function followSequences(db: Executor, tables: TableInfo[]): Promise<void> {
  for (const table of tables) {
    if (!table.serial) continue;
    await sql`select setval(pg_get_serial_sequence(${table.name}, ${table.serial}), coalesce((select max(${sql.ref(table.serial)}) from ${sql.table(table.name)}), 0) + 1, false)`.execute(db);
  }
}

export async function countRows(db: Executor, table: string): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]!.n);
}
