import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // The components a status page subscriber follows, as a JSON array; null (every existing row) follows them all.
    await db.schema.alterTable('status_subscribers').addColumn('components', 'text').execute();
    await db.schema.alterTable('webhooks').addColumn('components', 'text').execute();
  },
});
