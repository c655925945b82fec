import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // The READ_MODEL_VERSION the incidents rows were folded with; 0 makes the next start rebuild them.
    await sql`insert into counters (name, value) values ('read_model', 0)`.execute(db);
  },
});
