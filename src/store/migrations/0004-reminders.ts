import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // The due moments of R4, R8 and R11, derived from each incident's state (src/reminders).
    await db.schema
      .createTable('reminders')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('incident', 'integer', (c) => c.notNull().references('incidents.number'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('fired_at', 'text')
      .addColumn('outcome', 'text')
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('reminders_unfired_due').on('reminders').columns(['fired_at', 'due_at']).execute();
    await db.schema.createIndex('reminders_incident').on('reminders').column('incident').execute();
  },
});
