import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ id, ref, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // A webhook can be switched off and on again (PATCH /webhooks/{id}) without losing its secret or its log.
    await db.schema.alterTable('webhooks').addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    // Every e-mail attempt and its outcome, as webhook_attempts are for webhooks.
    await db.schema
      .createTable('email_attempts')
      .addColumn('id', id, serialKey)
      .addColumn('delivery_id', ref, (c) => c.notNull().references('email_deliveries.id'))
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('email_attempts_delivery').on('email_attempts').columns(['delivery_id', 'attempt']).execute();
  },
});
