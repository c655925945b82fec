import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ id, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // What the status page's subscribers are told of a maintenance window (src/domain/maintenance/notices.ts):
    // written with the change, or when the clock starts or ends a window; fanned out to subscribers once.
    await db.schema
      .createTable('maintenance_notices')
      .addColumn('id', id, serialKey)
      .addColumn('maintenance_id', 'text', (c) => c.notNull().references('maintenances.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      // One notice per window and kind (per version for a change), whatever instances race.
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('components', 'text', (c) => c.notNull())
      // The window as it was (JSON): a notice says what was true when it happened.
      .addColumn('maintenance', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('fanned_out_at', 'text')
      .execute();
    await db.schema.createIndex('maintenance_notices_window').on('maintenance_notices').columns(['maintenance_id', 'kind']).execute();
    await db.schema.createIndex('maintenance_notices_pending').on('maintenance_notices').columns(['fanned_out_at', 'id']).execute();
  },
});
