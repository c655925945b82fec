/** Idempotency-Key answers: a retried write gets the first answer and changes nothing. */
import { sql } from 'kysely';
import type { Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';

export interface IdempotentAnswer {
  fingerprint: string;
  status: number;
  body: string;
}

export class IdempotencyStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Makes concurrent requests with one Idempotency-Key wait for each other until the first
   * commits, so the others read its answer instead of redoing (and being refused) the change.
   * PostgreSQL only: SQLite runs one transaction at a time.
   */
  async lock(person: string, key: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${person}\n${key}`}, 0))`.execute(this.db);
  }

  async get(person: string, key: string): Promise<IdempotentAnswer | null> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status', 'body'])
      .where('person', '=', person)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? { fingerprint: row.fingerprint, status: Number(row.status), body: row.body } : null;
  }

  async put(person: string, key: string, answer: IdempotentAnswer, at: string): Promise<void> {
    await this.db
      .insertInto('idempotency_keys')
      .values({ person, key, fingerprint: answer.fingerprint, status: answer.status, body: answer.body, created_at: at })
      .execute();
  }
}
