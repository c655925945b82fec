import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ id, ref, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Written by IncidentStore.append in the events' transaction (when chat is on), like notification_outbox.
    await db.schema
      .createTable('chat_outbox')
      .addColumn('event_id', ref, (c) => c.primaryKey())
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // One call to the chat platform each; a lane (a channel) is sent in (event_id, step) order.
    await db.schema
      .createTable('chat_deliveries')
      .addColumn('id', id, serialKey)
      .addColumn('lane', 'text', (c) => c.notNull())
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('event_id', ref, (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('claimed_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      // One delivery per (event, step), whatever crashes or instances race.
      .addUniqueConstraint('chat_deliveries_event_step', ['event_id', 'step'])
      .execute();
    await db.schema.createIndex('chat_deliveries_pending').on('chat_deliveries').columns(['status', 'lane', 'event_id', 'step']).execute();
    // The incident's room on the platform, once created.
    await db.schema
      .createTable('chat_rooms')
      .addColumn('incident', 'integer', (c) => c.primaryKey())
      .addColumn('room', 'text', (c) => c.notNull())
      .addColumn('announcement', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('chat_rooms_room').on('chat_rooms').column('room').unique().execute();
    // What arrived from the platform (events, commands, interactions): stored before the answer, acted on after; the key dedupes retries.
    await db.schema
      .createTable('chat_inbox')
      .addColumn('id', id, serialKey)
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('claimed_until', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('chat_inbox_pending').on('chat_inbox').columns(['status', 'id']).execute();
    // A platform user found to be a person (by their chat id or e-mail), remembered.
    await db.schema
      .createTable('chat_users')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('handle', 'text', (c) => c.notNull())
      .addColumn('found_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('chat_users_handle').on('chat_users').column('handle').execute();
  },
});
