import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ id, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Append-only: the store has no update or delete for it (src/store/audit.ts).
    await db.schema
      .createTable('audit_log')
      .addColumn('id', id, serialKey)
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('address', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'id']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'id']).execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  },
});
