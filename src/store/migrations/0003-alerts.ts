import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = ({ dialect, id, ref, serialKey }: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('alert_sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Deliveries as received (gzipped bytes), kept until processed: what was answered 2xx survives a crash.
    await db.schema
      .createTable('alert_inbox')
      .addColumn('id', id, serialKey)
      .addColumn('source', 'text', (c) => c.notNull().references('alert_sources.id'))
      .addColumn('body', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createTable('alert_groups')
      .addColumn('id', id, serialKey)
      .addColumn('source', 'text', (c) => c.notNull().references('alert_sources.id'))
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('severity', 'text')
      .addColumn('suggested_components', 'text', (c) => c.notNull())
      .addColumn('common_labels', 'text', (c) => c.notNull())
      .addColumn('differing_labels', 'text', (c) => c.notNull())
      .addColumn('alerts', 'integer', (c) => c.notNull())
      .addColumn('firing', 'integer', (c) => c.notNull())
      .addColumn('resolved', 'integer', (c) => c.notNull())
      .addColumn('received', 'integer', (c) => c.notNull())
      .addColumn('truncated_alerts', 'integer', (c) => c.notNull())
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('acknowledged_by', 'text')
      .addColumn('acknowledged_at', 'text')
      .addColumn('seconds_to_acknowledge', 'integer')
      .addColumn('incident', 'integer', (c) => c.references('incidents.number'))
      .addColumn('dismissed_reason', 'text')
      .addColumn('dismissed_by', 'text')
      .addColumn('dismissed_at', 'text')
      .addUniqueConstraint('alert_groups_source_key', ['source', 'group_key'])
      .execute();
    await db.schema.createIndex('alert_groups_state_seen').on('alert_groups').columns(['state', 'last_seen_at']).execute();
    await db.schema
      .createTable('alerts')
      .addColumn('id', id, serialKey)
      .addColumn('group_id', ref, (c) => c.notNull().references('alert_groups.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('severity', 'text')
      .addColumn('summary', 'text')
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('annotations', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text')
      .addColumn('generator_url', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('received', 'integer', (c) => c.notNull())
      // The inbox deliveries that last touched it and last changed its status.
      .addColumn('seen_in', ref, (c) => c.notNull())
      .addColumn('changed_in', ref, (c) => c.notNull())
      .addUniqueConstraint('alerts_group_fingerprint', ['group_id', 'fingerprint'])
      .execute();
    await db.schema.createIndex('alerts_source_fingerprint').on('alerts').columns(['source', 'fingerprint']).execute();
    await db.schema.createIndex('alerts_group_changed').on('alerts').columns(['group_id', 'changed_in']).execute();
  },
});
