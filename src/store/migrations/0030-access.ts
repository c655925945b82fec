import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // A person who left keeps their name in history: deactivated, never deleted.
    await db.schema.alterTable('people').addColumn('deactivated_at', 'text').execute();
    // Edits are version-checked (If-Match), like components; the table is small, so a default is cheap.
    await db.schema.alterTable('people').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    // Tokens issued before this migration never expire (null), as they were issued.
    await db.schema.alterTable('tokens').addColumn('expires_at', 'text').execute();
    await db.schema.alterTable('tokens').addColumn('last_used_at', 'text').execute();
    await db.schema.createIndex('tokens_person').on('tokens').column('person').execute();
  },
});
