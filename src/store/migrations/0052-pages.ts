import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ id, ref, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Pages out (PagerDuty, Opsgenie, the paging webhook): queued by the notification fan-out in the event's
    // transaction, sent and retried like webhook deliveries (src/store/leases.ts).
    await db.schema
      .createTable('page_deliveries')
      .addColumn('id', id, serialKey)
      .addColumn('event_id', ref, (c) => c.notNull())
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('page_key', 'text', (c) => c.notNull())
      .addColumn('people', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('remaining', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      // One page per (event, tool, page), whatever crashes or instances race: each event pages once.
      .addUniqueConstraint('page_deliveries_event_page', ['event_id', 'provider', 'page_key', 'action'])
      .execute();
    await db.schema.createIndex('page_deliveries_due').on('page_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('page_deliveries_page').on('page_deliveries').columns(['page_key']).execute();
    // An acknowledgement recorded on the timeline: one per (tool, page), so a repeated ack records nothing.
    await db.schema
      .createTable('page_acks')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('page_key', 'text', (c) => c.notNull())
      .addColumn('incident', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('page_acks_pk', ['provider', 'page_key'])
      .execute();
  },
});
