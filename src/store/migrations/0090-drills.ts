import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): IncidentMigration => ({
  async up(db: Kysely<unknown>) {
    // A drill and its stored schedule: the next scripted step and when it falls due, claimed
    // with a lease (claimed_until) by the drill worker of any instance (src/processors/drills.ts).
    await db.schema
      .createTable('drills')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('script_name', 'text', (c) => c.notNull())
      .addColumn('script', 'text', (c) => c.notNull())
      .addColumn('speed', 'real', (c) => c.notNull())
      .addColumn('notify', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('alert_source', 'text', (c) => c.notNull())
      .addColumn('next_step', 'integer', (c) => c.notNull())
      .addColumn('next_due_at', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('first_alert_at', 'text')
      .addColumn('incident', 'integer')
      .addColumn('ended_at', 'text')
      .addColumn('ended_how', 'text')
      .addColumn('scorecard', 'text')
      .execute();
    await db.schema.createIndex('drills_due').on('drills').columns(['state', 'next_due_at']).execute();
    // Which incidents are drills (nullable, so existing rows are untouched): the status page, insights and
    // the outboxes leave them out; drill_quiet is 1 unless the drill asked to notify.
    await db.schema.alterTable('incidents').addColumn('drill', 'text').execute();
    await db.schema.alterTable('incidents').addColumn('drill_quiet', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
});
