import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaHelpers } from './helpers.js';

export const migration = (helpers: SchemaHelpers): Migration => ({
  async up(db: Kysely<unknown>) {
    // A session opened through the OpenID provider has no API token: token_id becomes optional.
    // It keeps the provider's ID token instead, for ending the provider's session at sign-out (id_token_hint).
    if (helpers.dialect === 'postgres') {
      await sql`alter table sessions alter column token_id drop not null`.execute(db);
    } else {
      // SQLite cannot drop NOT NULL in place: the table is rebuilt (nothing refers to it).
      await db.schema
        .createTable('sessions_next')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('person', 'text', (c) => c.notNull().references('people.handle').onDelete('cascade'))
        .addColumn('token_id', 'text', (c) => c.references('tokens.id').onDelete('cascade'))
        .addColumn('csrf_secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into sessions_next select id_hash, person, token_id, csrf_secret, created_at, last_seen_at, expires_at from sessions`.execute(db);
      await db.schema.dropTable('sessions').execute();
      await db.schema.alterTable('sessions_next').renameTo('sessions').execute();
      await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    }
    await db.schema.alterTable('sessions').addColumn('id_token', 'text').execute();

    // Sign-ins begun at the provider and not yet back: found by the hash of the browser's ic_oidc cookie, used once.
    await db.schema
      .createTable('oidc_sign_ins')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oidc_sign_ins_expires').on('oidc_sign_ins').column('expires_at').execute();

    // Settings an admin changes at run time (audited), one row each: `token_sign_in` is 'on' or 'off'.
    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
  },
});
