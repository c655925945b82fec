import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // The credential a rotation replaced, kept working until *_until (src/domain/people/rotation.ts).
    await db.schema.alterTable('webhooks').addColumn('previous_secret', 'text').execute();
    await db.schema.alterTable('webhooks').addColumn('previous_secret_until', 'text').execute();
    await db.schema.alterTable('alert_sources').addColumn('previous_key_hash', 'text').execute();
    await db.schema.alterTable('alert_sources').addColumn('previous_key_until', 'text').execute();
    await db.schema.createIndex('alert_sources_previous_key').on('alert_sources').column('previous_key_hash').execute();
  },
});
