import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // The reminders a window's followers get (src/domain/maintenance/notices.ts), a JSON array of lead times.
    // Every window until now was reminded an hour ahead; a constant default fills the rows without rewriting them.
    await db.schema
      .alterTable('maintenances')
      .addColumn('remind_before', 'text', (c) => c.notNull().defaultTo('["1h"]'))
      .execute();
    // Which of them a kept reminder is; null for the other kinds, and for a reminder kept before there was a choice.
    await db.schema.alterTable('maintenance_notices').addColumn('remind_before', 'text').execute();
  },
});
