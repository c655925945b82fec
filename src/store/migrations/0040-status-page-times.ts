import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // When the status page and each configured component first appeared and last changed:
    // the configuration file has no times, and Statuspage readers show these dates.
    // key is `page` or `component:<id>`; fingerprint is the configured definition, so a change to it is dated.
    await db.schema
      .createTable('status_page_records')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
});
