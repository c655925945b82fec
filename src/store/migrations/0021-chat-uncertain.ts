import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Since when a call for this delivery may have reached the platform with no outcome recorded (a crash, a lost answer): null when known not sent.
    await db.schema.alterTable('chat_deliveries').addColumn('uncertain_since', 'text').execute();
    // The pinned announcement's mark: its edits keep it, so a crash before it was recorded still finds it.
    await db.schema.alterTable('chat_rooms').addColumn('announcement_mark', 'text').execute();
  },
});
