import { sql, type ColumnDefinitionBuilder, type RawBuilder } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** What differs between the two databases in a table's definition; everything else is written once. */
export interface SchemaHelpers {
  dialect: Dialect;
  /** An auto-numbered key's type (64-bit on PostgreSQL)… */
  id: RawBuilder<unknown> | 'integer';
  /** …and the type of a column that refers to one. */
  ref: 'bigint' | 'integer';
  serialKey: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

export function schemaHelpers(dialect: Dialect): SchemaHelpers {
  return {
    dialect,
    id: dialect === 'postgres' ? sql`bigserial` : 'integer',
    ref: dialect === 'postgres' ? 'bigint' : 'integer',
    serialKey: (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()),
  };
}
