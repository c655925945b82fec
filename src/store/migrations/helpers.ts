import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type RawBuilder } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export type IndexKey = string | RawBuilder<unknown>;

/** What differs between the two databases in a table's definition; everything else is written once. */
export interface SchemaHelpers {
  dialect: Dialect;
  /** An auto-numbered key's type (64-bit on PostgreSQL)… */
  id: RawBuilder<unknown> | 'integer';
  /** …and the type of a column that refers to one. */
  ref: 'bigint' | 'integer';
  serialKey: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /**
   * An index on a table that may already hold many rows, for a migration marked `outsideTransaction`:
   * on PostgreSQL built CONCURRENTLY (writes go on) once the table has rows enough for a build to take
   * noticeable time, and safe to run again after a run cut short. On SQLite a plain index, as always.
   * A key part is a column's name or an expression.
   */
  createIndexOnline: (db: Kysely<unknown>, name: string, table: string, columns: IndexKey[]) => Promise<void>;
}

/** See docs/architecture.md, "Migrations and locks". */
export interface IncidentMigration extends Migration {
  /**
   * Run on its own, outside a transaction, on PostgreSQL (CREATE INDEX CONCURRENTLY cannot run
   * inside one); every statement must then be safe to run again, since a crash may leave it half
   * done. SQLite runs it in the migrations' transaction as any other.
   */
  outsideTransaction?: true;
  /**
   * Statements that take a lock blocking writes on an existing table that can grow, each with why
   * that is acceptable: `statement` is the start of the SQL as run on PostgreSQL.
   * test/store/migration-locks.test.ts fails on any such statement not listed here.
   */
  heavyLocksAccepted?: { statement: string; reason: string }[];
}

/** Below this many rows a plain CREATE INDEX holds writes for milliseconds, less than CONCURRENTLY spends waiting for other transactions. */
export const ONLINE_INDEX_MIN_ROWS = 10_000;

async function createIndexOnline(dialect: Dialect, db: Kysely<unknown>, name: string, table: string, columns: IndexKey[]): Promise<void> {
  const on = sql.join(columns.map((c) => (typeof c === 'string' ? sql.id(c) : sql`(${c})`)));
  if (dialect === 'sqlite') {
    await sql`create index if not exists ${sql.id(name)} on ${sql.table(table)} (${on})`.execute(db);
    return;
  }
  // A CONCURRENTLY build cut short leaves an invalid index behind, which `if not exists` would take as done.
  const leftover = await sql<{ valid: boolean }>`select indisvalid as valid from pg_index where indexrelid = to_regclass(${name})`.execute(db);
  if (leftover.rows[0] && !leftover.rows[0].valid) await sql`drop index concurrently if exists ${sql.id(name)}`.execute(db);
  const counted = await sql<{ rows: string }>`select count(*) as rows from (select 1 from ${sql.table(table)} limit ${ONLINE_INDEX_MIN_ROWS}) as head`.execute(db);
  // A size not known is taken as big.
  const small = counted.rows[0] !== undefined && Number(counted.rows[0].rows) < ONLINE_INDEX_MIN_ROWS;
  if (small) await sql`create index if not exists ${sql.id(name)} on ${sql.table(table)} (${on})`.execute(db);
  else await sql`create index concurrently if not exists ${sql.id(name)} on ${sql.table(table)} (${on})`.execute(db);
}

export function schemaHelpers(dialect: Dialect): SchemaHelpers {
  return {
    dialect,
    id: dialect === 'postgres' ? sql`bigserial` : 'integer',
    ref: dialect === 'postgres' ? 'bigint' : 'integer',
    serialKey: (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()),
    createIndexOnline: (db, name, table, columns) => createIndexOnline(dialect, db, name, table, columns),
  };
}
