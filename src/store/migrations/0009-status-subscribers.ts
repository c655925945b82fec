import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Scheduled maintenance (src/maintenance): where a window stands is derived from its times; only cancelling is stored.
    await db.schema
      .createTable('maintenances')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('components', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('cancelled_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('maintenances_ends').on('maintenances').columns(['ends_at', 'starts_at']).execute();
    // The status page's e-mail subscribers (double opt-in); their messages ride email_deliveries.
    await db.schema
      .createTable('status_subscribers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('address', 'text', (c) => c.notNull().unique())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('confirm_token_hash', 'text', (c) => c.unique())
      .addColumn('unsubscribe_token', 'text', (c) => c.notNull().unique())
      .addColumn('confirmations_sent', 'integer', (c) => c.notNull())
      .addColumn('confirm_sent_at', 'text')
      .addColumn('confirmed_at', 'text')
      .addColumn('unsubscribed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('status_subscribers_state').on('status_subscribers').column('state').execute();
    // Webhook subscribers of the status page are webhooks of the public audience: same signing, log and retries.
    await db.schema.alterTable('webhooks').addColumn('audience', 'text', (c) => c.notNull().defaultTo('internal')).execute();
    // Extra headers of a message (List-Unsubscribe for subscribers); null for none.
    await db.schema.alterTable('email_deliveries').addColumn('headers', 'text').execute();
  },
});
