import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Per room, how far the reactions have been read back through the platform's REST API (its clock, UTC):
    // a reconnect or a restart reads on from here, so no reaction is lost while nobody listened.
    await db.schema
      .createTable('chat_cursors')
      .addColumn('room', 'text', (c) => c.primaryKey())
      .addColumn('seen_until', 'text', (c) => c.notNull())
      .execute();
  },
});
