import { sql, type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = ({ createIndexOnline }: SchemaHelpers): IncidentMigration => ({
  // Built online: alerts is the table that grows fastest. Databases that ran the first version (a plain
  // CREATE INDEX in the migrations' transaction) have the same index and do not build it again.
  outsideTransaction: true,
  async up(db: Kysely<unknown>) {
    // A page of a group's alerts (GET /alerts/{groupId}, src/store/alerts/alerts.ts) in its order, firing first:
    // without it every page of a 20,000-alert group sorts the whole group.
    await createIndexOnline(db, 'alerts_group_page', 'alerts', ['group_id', sql`case when status = 'firing' then 0 else 1 end`, 'starts_at', 'id']);
  },
});
