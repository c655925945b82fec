import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): IncidentMigration => ({
  async up(db: Kysely<unknown>) {
    // Follow-up action items (src/domain/follow-ups), version-checked rows. The reminder
    // marks hold the due date each reminder was sent for, so a restart repeats none and a
    // new due date earns new ones; remind_at is the next moment one may be owed (null: none).
    await db.schema
      .createTable('follow_ups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('due', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('source_entry', 'integer')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('due_reminded_for', 'text')
      .addColumn('overdue_reminded_for', 'text')
      .addColumn('remind_at', 'text')
      .execute();
    await db.schema.createIndex('follow_ups_due').on('follow_ups').columns(['due', 'id']).execute();
    await db.schema.createIndex('follow_ups_incident').on('follow_ups').columns(['incident']).execute();
    await db.schema.createIndex('follow_ups_owner').on('follow_ups').columns(['owner', 'state']).execute();
    await db.schema.createIndex('follow_ups_remind_at').on('follow_ups').columns(['remind_at']).execute();
  },
});
