import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): IncidentMigration => ({
  async up(db: Kysely<unknown>) {
    // What changed (src/domain/changes): one row per change event. A sender's retry carries the
    // same dedup key (its Idempotency-Key or dedup_key), so (sender, dedup_key) is unique; the
    // fingerprint tells a retry from a different event reusing the key.
    await db.schema
      .createTable('changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('origin', 'text')
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('links', 'text', (c) => c.notNull())
      .addColumn('custom_details', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text')
      .addColumn('recorded_by', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('dedup_key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('changes_dedup').on('changes').columns(['sender', 'dedup_key']).unique().execute();
    await db.schema.createIndex('changes_at').on('changes').columns(['at', 'id']).execute();
  },
});
