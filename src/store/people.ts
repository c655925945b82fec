/** People and their API tokens. */
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { Person } from '../domain/people/person.js';
import type { TokenInfo } from '../domain/people/tokens.js';
import { DomainError } from '../domain/model/errors.js';
import { isUniqueViolation } from './errors.js';
import { column, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

type PersonRow = Omit<Database['people'], 'version'> & { version: number };

export function toPerson(row: PersonRow): Person {
  return {
    handle: row.handle,
    name: row.name,
    email: row.email,
    role: row.role,
    chat: JSON.parse(row.chat) as Record<string, string>,
    createdAt: row.created_at,
    deactivatedAt: row.deactivated_at,
    version: row.version,
  };
}


function toTokenInfo(row: Database['tokens']): TokenInfo {
  return { id: row.id, person: row.person, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, expiresAt: row.expires_at };
}

/** A live token and who it belongs to, as a request presents it. */
export interface TokenHolder {
  person: Person;
  tokenId: string;
  lastUsedAt: string | null;
}

export class PeopleStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  async count(): Promise<number> {
    const row = await this.db.selectFrom('people').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(person: Person): Promise<void> {
    try {
      await this.db
        .insertInto('people')
        .values({
          handle: person.handle,
          name: person.name,
          email: person.email,
          role: person.role,
          chat: JSON.stringify(person.chat),
          created_at: person.createdAt,
          deactivated_at: person.deactivatedAt,
          version: person.version,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('PERSON_EXISTS', `@${person.handle} already exists.`, { field: 'handle' });
      throw error;
    }
  }

  /** With `lock`, on PostgreSQL the row stays locked until the transaction ends (an edit reads, decides, then writes). */
  async get(handle: string, lock = false): Promise<Person | null> {
    let query = this.db.selectFrom('people').selectAll().where('handle', '=', handle);
    if (lock && this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toPerson(row) : null;
  }

  /** Everyone whose e-mail address is this one, ignoring case (`email` in lower case). */
  async byEmail(email: string): Promise<Person[]> {
    const rows = await this.db.selectFrom('people').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email)).orderBy('handle').execute();
    return rows.map(toPerson);
  }

  async list(): Promise<Person[]> {
    const rows = await this.db.selectFrom('people').selectAll().orderBy('handle').execute();
    return rows.map(toPerson);
  }

  /** A page of people by handle; `active` keeps only the active (true) or the deactivated (false). */
  async page(active: boolean | undefined, request: PageRequest): Promise<Page<Person>> {
    let query = this.db.selectFrom('people').selectAll();
    if (active !== undefined) query = query.where('deactivated_at', active ? 'is' : 'is not', null);
    const rows = await keyset(query, [column('handle')], request).execute();
    return pageOf(rows.map(toPerson), request, (p) => [p.handle]);
  }

  /**
   * How many active admins there are besides `handle`, their rows locked on PostgreSQL: two
   * admins demoting each other at once queue here, so one of them stays an admin.
   */
  async otherActiveAdmins(handle: string): Promise<number> {
    let query = this.db
      .selectFrom('people')
      .select('handle')
      .where('role', '=', 'admin')
      .where('deactivated_at', 'is', null)
      .where('handle', '!=', handle);
    if (this.dialect === 'postgres') query = query.forUpdate();
    return (await query.execute()).length;
  }

  /** Writes an edit made from `fromVersion`; false when someone else's edit came first. */
  async update(person: Person, fromVersion: number): Promise<boolean> {
    const result = await this.db
      .updateTable('people')
      .set({
        name: person.name,
        email: person.email,
        role: person.role,
        chat: JSON.stringify(person.chat),
        deactivated_at: person.deactivatedAt,
        version: person.version,
      })
      .where('handle', '=', person.handle)
      .where('version', '=', fromVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The handles of everyone deactivated (few: people who left), for showing role gaps. */
  async inactiveHandles(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('people').select('handle').where('deactivated_at', 'is not', null).execute();
    return new Set(rows.map((r) => r.handle));
  }

  async insertToken(token: { id: string; person: string; name: string; hash: string; createdAt: string; expiresAt?: string | null }): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ id: token.id, person: token.person, name: token.name, hash: token.hash, created_at: token.createdAt, expires_at: token.expiresAt ?? null })
      .execute();
  }

  /** The person a token names, if the token is live (not expired) and its person active. */
  async byToken(hash: string, now: string): Promise<TokenHolder | null> {
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('people', 'people.handle', 'tokens.person')
      .selectAll('people')
      .select(['tokens.id as token_id', 'tokens.last_used_at'])
      .where('tokens.hash', '=', hash)
      .where('people.deactivated_at', 'is', null)
      .where((eb) => eb.or([eb('tokens.expires_at', 'is', null), eb('tokens.expires_at', '>', now)]))
      .executeTakeFirst();
    return row ? { person: toPerson(row), tokenId: row.token_id, lastUsedAt: row.last_used_at } : null;
  }

  async byTokenHash(hash: string, now: string): Promise<Person | null> {
    return (await this.byToken(hash, now))?.person ?? null;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async tokens(handle: string): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().where('person', '=', handle).orderBy('created_at').orderBy('id').execute();
    return rows.map(toTokenInfo);
  }

  /** A page of a person's tokens, oldest first. */
  async tokenPage(handle: string, request: PageRequest): Promise<Page<TokenInfo>> {
    const rows = await keyset(this.db.selectFrom('tokens').selectAll().where('person', '=', handle), [column('created_at'), column('id')], request).execute();
    return pageOf(rows.map(toTokenInfo), request, (t) => [t.createdAt, t.id]);
  }

  async token(id: string): Promise<TokenInfo | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTokenInfo(row) : null;
  }

  /** Revokes one token; the sessions it opened go with it. */
  async deleteToken(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_id', '=', id).execute();
    await this.db.deleteFrom('tokens').where('id', '=', id).execute();
  }

  /** Revokes every token and console session of a person; answers how many tokens there were. */
  async revokeAll(handle: string): Promise<number> {
    await this.db.deleteFrom('sessions').where('person', '=', handle).execute();
    const result = await this.db.deleteFrom('tokens').where('person', '=', handle).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
