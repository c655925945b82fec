import { sql, type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = ({ dialect, ref }: SchemaHelpers): IncidentMigration => ({
  heavyLocksAccepted: [
    {
      statement: 'create index "alert_groups_snapshot"',
      reason:
        'released and run before migrations could run outside a transaction (issue 18); alert_groups holds one row per group of alerts, ' +
        'not per alert, so the build holds alert intake for a moment',
    },
  ],
  async up(db: Kysely<unknown>) {
    // Alertmanager re-sends a group's unchanged snapshot every group_interval: recognised by
    // its digest, such a repeat is applied without reading its (up to 16 MiB) body again.
    await db.schema.alterTable('alert_inbox').addColumn('digest', 'text').execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_delivery', ref).execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_digest', 'text').execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_alerts', 'integer').execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_truncated', 'integer').execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_repeats', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_repeated_in', ref).execute();
    await db.schema.alterTable('alert_groups').addColumn('snapshot_repeated_at', 'text').execute();
    await db.schema.createIndex('alert_groups_snapshot').on('alert_groups').columns(['source', 'snapshot_digest']).execute();
    // An alert row is rewritten each time its snapshot changes; room on its page lets PostgreSQL
    // do that in place (a HOT update) instead of adding to all four of its indexes.
    if (dialect === 'postgres') await sql`alter table alerts set (fillfactor = 50)`.execute(db);
  },
});
