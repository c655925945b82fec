import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): IncidentMigration => ({
  async up(db: Kysely<unknown>) {
    // A follow-up's issue in GitHub or Jira (src/domain/follow-ups/export.ts). One row per
    // follow-up, ever (the primary key makes a second export impossible); sync_at is when
    // the sync worker next asks the tracker about it, null when it need not.
    await db.schema
      .createTable('follow_up_links')
      .addColumn('follow_up', 'text', (c) => c.primaryKey())
      .addColumn('tracker', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      .addColumn('url', 'text')
      .addColumn('claimed_at', 'text', (c) => c.notNull())
      .addColumn('exported_at', 'text')
      .addColumn('exported_by', 'text', (c) => c.notNull())
      .addColumn('remote_state', 'text')
      .addColumn('synced_at', 'text')
      .addColumn('sync_at', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('follow_up_links_sync_at').on('follow_up_links').columns(['sync_at']).execute();
    await db.schema.createIndex('follow_up_links_key').on('follow_up_links').columns(['tracker', 'key']).execute();
  },
});
