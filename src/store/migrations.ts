import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** One set of migrations for both databases; only the auto-numbered key differs. */
export function migrations(dialect: Dialect): MigrationProvider {
  // An auto-numbered key (64-bit on PostgreSQL), and a column that refers to one.
  const id = dialect === 'postgres' ? sql`bigserial` : 'integer';
  const ref = dialect === 'postgres' ? 'bigint' : 'integer';
  const serialKey = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  const all: Record<string, Migration> = {
    '0001_incidents': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('people')
          .addColumn('handle', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('email', 'text')
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('chat', 'text', (c) => c.notNull().defaultTo('{}'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('person', 'text', (c) => c.notNull().references('people.handle'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('incidents')
          .addColumn('number', 'integer', (c) => c.primaryKey())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('private', 'integer', (c) => c.notNull())
          .addColumn('declared_at', 'text', (c) => c.notNull())
          .addColumn('next_update_by', 'text')
          .addColumn('participants', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('incidents_phase_declared').on('incidents').columns(['phase', 'declared_at']).execute();
        await db.schema
          .createTable('incident_events')
          .addColumn('id', dialect === 'postgres' ? sql`bigserial` : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('incident', 'integer', (c) => c.notNull().references('incidents.number'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('recorded_at', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addUniqueConstraint('incident_events_incident_seq', ['incident', 'seq'])
          .execute();
        await db.schema
          .createTable('idempotency_keys')
          .addColumn('person', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['person', 'key'])
          .execute();
        await db.schema
          .createTable('counters')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'integer', (c) => c.notNull())
          .execute();
        await sql`insert into counters (name, value) values ('incident', 0)`.execute(db);
      },
    },
    '0002_read_model': {
      async up(db: Kysely<unknown>) {
        // The READ_MODEL_VERSION the incidents rows were folded with; 0 makes the next start rebuild them.
        await sql`insert into counters (name, value) values ('read_model', 0)`.execute(db);
      },
    },
    '0003_alerts': {
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
    },
    '0004_reminders': {
      async up(db: Kysely<unknown>) {
        // The due moments of R4, R8 and R11, derived from each incident's state (src/reminders).
        await db.schema
          .createTable('reminders')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('incident', 'integer', (c) => c.notNull().references('incidents.number'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('due_at', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('fired_at', 'text')
          .addColumn('outcome', 'text')
          .addColumn('claimed_by', 'text')
          .addColumn('claimed_until', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .execute();
        await db.schema.createIndex('reminders_unfired_due').on('reminders').columns(['fired_at', 'due_at']).execute();
        await db.schema.createIndex('reminders_incident').on('reminders').column('incident').execute();
      },
    },
    '0005_notifications': {
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
    },
    '0006_notification_controls': {
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
    },
    '0007_status_page': {
      async up(db: Kysely<unknown>) {
        // Status page components created through the API; those in the configuration are not stored.
        await db.schema
          .createTable('status_components')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('group_name', 'text')
          .addColumn('description', 'text')
          .addColumn('sort_order', 'integer', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0008_sessions': {
      async up(db: Kysely<unknown>) {
        // Console sign-ins (src/sessions): the cookie's id is stored hashed, with the CSRF secret its writes are checked against.
        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('person', 'text', (c) => c.notNull().references('people.handle').onDelete('cascade'))
          // The token the session was opened with: a session lives no longer than its token.
          .addColumn('token_id', 'text', (c) => c.notNull().references('tokens.id').onDelete('cascade'))
          .addColumn('csrf_secret', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
      },
    },
    '0009_status_subscribers': {
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
    },
    '0010_published_at': {
      async up(db: Kysely<unknown>) {
        // When a responder published the incident, so the status page reads only what may be public.
        // Filled for existing rows by the read-model rebuild (READ_MODEL_VERSION 4).
        await db.schema.alterTable('incidents').addColumn('published_at', 'text').execute();
      },
    },
    '0011_alert_snapshots': {
      async up(db: Kysely<unknown>) {
        // Alertmanager re-sends a group's unchanged snapshot every group_interval: recognised by
        // its digest, such a repeat is applied without reading its (up to 16 MiB) body again.
        await db.schema.alterTable('alert_inbox').addColumn('digest', 'text').execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_delivery', ref).execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_digest', 'text').execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_alerts', 'integer').execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_truncated', 'integer').execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_repeats', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_repeated_in', ref).execute();
        await db.schema.alterTable('alert_groups').addColumn('snapshot_repeated_at', 'text').execute();
        await db.schema.createIndex('alert_groups_snapshot').on('alert_groups').columns(['source', 'snapshot_digest']).execute();
        // An alert row is rewritten each time its snapshot changes; room on its page lets PostgreSQL
        // do that in place (a HOT update) instead of adding to all four of its indexes.
        if (dialect === 'postgres') await sql`alter table alerts set (fillfactor = 50)`.execute(db);
      },
    },
  };
  return { getMigrations: async () => all };
}
