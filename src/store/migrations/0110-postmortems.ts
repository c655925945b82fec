import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): IncidentMigration => ({
  async up(db: Kysely<unknown>) {
    // Issue 16: every save of the postmortem document is kept, never overwritten; the
    // (incident, revision) key is what makes two concurrent saves of one revision collide.
    await db.schema
      .createTable('postmortem_revisions')
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('markdown', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('saved_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('postmortem_revisions_pk', ['incident', 'revision'])
      .execute();
    // The postmortem's stage in the read model, to list postmortems without folding every
    // incident; filled for existing rows by the rebuild of READ_MODEL_VERSION 10. Its index is
    // built online by 0111: incidents is a table that grows.
    await db.schema.alterTable('incidents').addColumn('postmortem_stage', 'text').execute();
    // The review invite's .ics travels with its e-mail through the durable lane.
    await db.schema.alterTable('email_deliveries').addColumn('attachments', 'text').execute();
  },
});
