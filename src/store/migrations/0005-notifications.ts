import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ id, ref, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Written by Repository.append in the events' transaction: a row becomes visible exactly when its event commits.
    await db.schema
      .createTable('notification_outbox')
      .addColumn('event_id', ref, (c) => c.primaryKey())
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('include_private', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', id, serialKey)
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id'))
      .addColumn('event_id', ref, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('remaining', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      // One delivery per (event, subscription), whatever crashes or instances race.
      .addUniqueConstraint('webhook_deliveries_event_webhook', ['event_id', 'webhook_id'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('webhook_deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'id']).execute();
    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', id, serialKey)
      .addColumn('delivery_id', ref, (c) => c.notNull().references('webhook_deliveries.id'))
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'attempt']).execute();
    // Who follows an incident's updates by e-mail, and each person's notification preferences.
    await db.schema
      .createTable('incident_subscribers')
      .addColumn('incident', 'integer', (c) => c.notNull().references('incidents.number'))
      .addColumn('handle', 'text', (c) => c.notNull().references('people.handle'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('incident_subscribers_pk', ['incident', 'handle'])
      .execute();
    await db.schema
      .createTable('notification_preferences')
      .addColumn('handle', 'text', (c) => c.primaryKey().references('people.handle'))
      .addColumn('channels', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('email_deliveries')
      .addColumn('id', id, serialKey)
      .addColumn('event_id', ref, (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('html', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('remaining', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      // One message per (event, person).
      .addUniqueConstraint('email_deliveries_event_recipient', ['event_id', 'recipient'])
      .execute();
    await db.schema.createIndex('email_deliveries_due').on('email_deliveries').columns(['status', 'next_attempt_at']).execute();
  },
});
