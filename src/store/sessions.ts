/** Console sessions: one row per sign-in, found by the hash of the cookie's value. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { Person } from '../domain/people/person.js';
import { toPerson } from './people.js';

export interface StoredSession {
  idHash: string;
  person: Person;
  /** null: opened through the OpenID provider. */
  tokenId: string | null;
  /** The provider's ID token (OpenID sign-ins only), for ending its session too. */
  idToken: string | null;
  csrfSecret: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export class SessionStore {
  constructor(
    private readonly db: Kysely<Database> | Transaction<Database>,
    readonly dialect: Dialect,
  ) {}

  async insert(session: Omit<StoredSession, 'person'> & { person: string }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: session.idHash,
        person: session.person,
        token_id: session.tokenId,
        csrf_secret: session.csrfSecret,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        expires_at: session.expiresAt,
        id_token: session.idToken,
      })
      .execute();
  }

  /** The session with its person as they are now; none once the token that opened it (if any) is gone or expired, or its person deactivated. */
  async find(idHash: string, now: string): Promise<StoredSession | null> {
    const row = await this.db
      .selectFrom('sessions')
      .leftJoin('tokens', 'tokens.id', 'sessions.token_id')
      .innerJoin('people', 'people.handle', 'sessions.person')
      .select([
        'sessions.id_hash',
        'sessions.token_id',
        'sessions.csrf_secret',
        'sessions.created_at',
        'sessions.last_seen_at',
        'sessions.expires_at',
        'sessions.id_token',
        'people.handle',
        'people.name',
        'people.email',
        'people.role',
        'people.chat',
        'people.created_at as person_created_at',
        'people.deactivated_at',
        'people.version',
      ])
      .where('sessions.id_hash', '=', idHash)
      .where('people.deactivated_at', 'is', null)
      .where((eb) => eb.or([eb('sessions.token_id', 'is', null), eb('tokens.expires_at', 'is', null), eb('tokens.expires_at', '>', now)]))
      .where((eb) => eb.or([eb('sessions.token_id', 'is', null), eb('tokens.id', 'is not', null)]))
      .executeTakeFirst();
    if (!row) return null;
    return {
      idHash: row.id_hash,
      tokenId: row.token_id,
      idToken: row.id_token,
      csrfSecret: row.csrf_secret,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      person: toPerson({ ...row, created_at: row.person_created_at }),
    };
  }

  /** The live token with this hash and its (active) owner, for opening a session with it. */
  async token(hash: string, now: string): Promise<{ id: string; person: string } | null> {
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('people', 'people.handle', 'tokens.person')
      .select(['tokens.id', 'tokens.person'])
      .where('tokens.hash', '=', hash)
      .where('people.deactivated_at', 'is', null)
      .where((eb) => eb.or([eb('tokens.expires_at', 'is', null), eb('tokens.expires_at', '>', now)]))
      .executeTakeFirst();
    return row ?? null;
  }

  /** Ends every session opened with an API token but `keep` (token sign-in has been turned off). */
  async deleteTokenSessions(keep: string | null): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('token_id', 'is not', null);
    if (keep) query = query.where('id_hash', '!=', keep);
    await query.execute();
  }

  async touch(idHash: string, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Drops sessions past their absolute expiry or idle since before `idleSince`. */
  async deleteExpired(now: string, idleSince: string): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
      .execute();
  }
}
