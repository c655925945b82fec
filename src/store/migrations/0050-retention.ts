import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

// Built online (issue 18): these tables are the ones that grow, and an installation upgrading to this
// release may hold millions of rows in them. Databases that ran the first version (a plain CREATE INDEX
// in the migrations' transaction) have the same indexes and do not run it again.
export const migration = ({ createIndexOnline }: SchemaHelpers): IncidentMigration => ({
  outsideTransaction: true,
  async up(db: Kysely<unknown>) {
    // What the retention worker (src/processors/retention.ts) looks for, oldest first, a small batch at a time:
    // without these each batch would read the whole table.
    await createIndexOnline(db, 'idempotency_keys_created', 'idempotency_keys', ['created_at']);
    await createIndexOnline(db, 'webhook_deliveries_created', 'webhook_deliveries', ['created_at', 'id']);
    await createIndexOnline(db, 'email_deliveries_created', 'email_deliveries', ['created_at', 'id']);
    await createIndexOnline(db, 'chat_deliveries_created', 'chat_deliveries', ['created_at', 'id']);
    await createIndexOnline(db, 'chat_inbox_received', 'chat_inbox', ['received_at', 'id']);
    await createIndexOnline(db, 'status_subscribers_state_updated', 'status_subscribers', ['state', 'updated_at']);
  },
});
