import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // When a responder published the incident, so the status page reads only what may be public.
    // Filled for existing rows by the read-model rebuild (READ_MODEL_VERSION 4).
    await db.schema.alterTable('incidents').addColumn('published_at', 'text').execute();
  },
});
