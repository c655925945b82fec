/** People and their API tokens. */
import type { Database, Executor } from './schema.js';
import type { Person } from '../domain/people/person.js';
import { DomainError } from '../domain/model/errors.js';
import { isUniqueViolation } from './errors.js';

function toPerson(row: Database['people']): Person {
  return {
    handle: row.handle,
    name: row.name,
    email: row.email,
    role: row.role,
    chat: JSON.parse(row.chat) as Record<string, string>,
    createdAt: row.created_at,
  };
}

export class PeopleStore {
  constructor(private readonly db: Executor) {}

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
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('PERSON_EXISTS', `@${person.handle} already exists.`, { field: 'handle' });
      throw error;
    }
  }

  async get(handle: string): Promise<Person | null> {
    const row = await this.db.selectFrom('people').selectAll().where('handle', '=', handle).executeTakeFirst();
    return row ? toPerson(row) : null;
  }

  async list(): Promise<Person[]> {
    const rows = await this.db.selectFrom('people').selectAll().orderBy('handle').execute();
    return rows.map(toPerson);
  }

  async insertToken(token: { id: string; person: string; name: string; hash: string; createdAt: string }): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ id: token.id, person: token.person, name: token.name, hash: token.hash, created_at: token.createdAt })
      .execute();
  }

  async byTokenHash(hash: string): Promise<Person | null> {
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('people', 'people.handle', 'tokens.person')
      .selectAll('people')
      .where('tokens.hash', '=', hash)
      .executeTakeFirst();
    return row ? toPerson(row) : null;
  }
}
