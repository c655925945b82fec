import { type Kysely } from 'kysely';
import type { IncidentMigration, SchemaHelpers } from './helpers.js';

export const migration = ({ createIndexOnline }: SchemaHelpers): IncidentMigration => ({
  // Postmortems listed by stage (GET /api/v1/postmortems), newest first; built without blocking writes to incidents.
  outsideTransaction: true,
  async up(db: Kysely<unknown>) {
    await createIndexOnline(db, 'incidents_postmortem_stage', 'incidents', ['postmortem_stage', 'declared_at']);
  },
});
