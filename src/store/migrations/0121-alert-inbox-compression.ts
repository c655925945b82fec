import { sql, type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = ({ dialect }: SchemaHelpers): IncidentMigration => ({
  async up(db: Kysely<unknown>) {
    if (dialect !== 'postgres') return;
    // An inbox body is compressed by PostgreSQL as it is stored (a storm's delivery of 50 alerts is about
    // 19 kB of JSON): pglz, the default, spends about eight times the CPU of lz4 on it, on a database that
    // shares its cores with intake. lz4 is there from PostgreSQL 14 when built with it; older bodies stay as they are.
    // A server without it keeps pglz, also after a later upgrade (this runs once). SET COMPRESSION takes ACCESS
    // EXCLUSIVE for a catalog change only, no rewrite: an instant, like adding a nullable column.
    const lz4 = await sql<{ lz4: boolean }>`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db);
    if (lz4.rows[0]?.lz4) await sql`alter table alert_inbox alter column body set compression lz4`.execute(db);
  },
});
