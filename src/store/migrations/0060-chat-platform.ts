import { type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (_: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // Which platform a remembered user is on: a deployment that moves from Slack to Mattermost never takes a Slack id for a Mattermost one.
    // A constant default: no table rewrite on PostgreSQL (11+), and the rows there before are Slack's.
    await db.schema
      .alterTable('chat_users')
      .addColumn('platform', 'text', (c) => c.notNull().defaultTo('slack'))
      .execute();
  },
});
