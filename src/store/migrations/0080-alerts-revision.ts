import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Counts every write to a group's alerts, in the writing transaction: alert intake keeps the alerts of busy groups
    // in memory and reads them again only when this moved without it (another instance, an ack path, a restart).
    // A constant default: no table rewrite on PostgreSQL (11+).
    await db.schema
      .alterTable('alert_groups')
      .addColumn('alerts_revision', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
});
