/**
 * Pruning what is kept only for a while (src/domain/retention/policy.ts), oldest first, a
 * bounded batch per call so that a long backlog never holds the database in one
 * transaction. Two instances pruning at once delete each row once: rows are locked as they
 * are picked (PostgreSQL; SQLite runs one transaction at a time), and a delivery redelivered
 * meanwhile is pending again and no longer picked.
 */
import type { Retained } from '../domain/retention/policy.js';
import type { SelectQueryBuilder } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';

export class RetentionStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /** Deletes up to about `limit` records of one kind from before `before` (UTC ISO); answers how many went. */
  async prune(kind: Retained, before: string, limit: number): Promise<number> {
    switch (kind) {
      case 'idempotencyKeys':
        return this.idempotencyKeys(before, limit);
      case 'webhookDeliveries':
        return this.finishedDeliveries('webhook_deliveries', 'webhook_attempts', before, limit);
      case 'emailDeliveries':
        return this.finishedDeliveries('email_deliveries', 'email_attempts', before, limit);
      case 'chatDeliveries':
        return this.deleteIds('chat_deliveries', await this.pick(this.db.selectFrom('chat_deliveries').select('id').where('status', '<>', 'pending').where('created_at', '<', before).orderBy('created_at').orderBy('id').limit(limit)));
      case 'chatEventsReceived':
        return this.deleteIds('chat_inbox', await this.pick(this.db.selectFrom('chat_inbox').select('id').where('status', '<>', 'pending').where('received_at', '<', before).orderBy('received_at').orderBy('id').limit(limit)));
      case 'unconfirmedSubscribers':
        return this.unconfirmedSubscribers(before, limit);
    }
  }

  /** Keys carry no single-column id: everything up to the batch's newest time goes (ties make a batch a little larger). */
  private async idempotencyKeys(before: string, limit: number): Promise<number> {
    const edge = await this.db
      .selectFrom('idempotency_keys')
      .select('created_at')
      .where('created_at', '<', before)
      .orderBy('created_at')
      .offset(limit - 1)
      .limit(1)
      .executeTakeFirst();
    let query = this.db.deleteFrom('idempotency_keys').where('created_at', '<', before);
    if (edge) query = query.where('created_at', '<=', edge.created_at);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async finishedDeliveries(
    deliveries: 'webhook_deliveries' | 'email_deliveries',
    attempts: 'webhook_attempts' | 'email_attempts',
    before: string,
    limit: number,
  ): Promise<number> {
    const ids = await this.pick(
      this.db.selectFrom(deliveries).select('id').where('status', '<>', 'pending').where('created_at', '<', before).orderBy('created_at').orderBy('id').limit(limit),
    );
    if (ids.length === 0) return 0;
    await this.db.deleteFrom(attempts).where('delivery_id', 'in', ids).execute();
    return this.deleteIds(deliveries, ids);
  }

  private async unconfirmedSubscribers(before: string, limit: number): Promise<number> {
    const rows = await this.lock(this.db.selectFrom('status_subscribers').select('id').where('state', '=', 'pending').where('updated_at', '<', before).orderBy('updated_at').limit(limit)).execute();
    if (rows.length === 0) return 0;
    const result = await this.db.deleteFrom('status_subscribers').where('id', 'in', rows.map((r) => r.id)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async pick<T extends keyof Database>(query: SelectQueryBuilder<Database, T, { id: number }>): Promise<number[]> {
    const rows = await this.lock(query).execute();
    return rows.map((r) => Number(r.id));
  }

  /** Rows another instance is pruning are left to it. */
  private lock<T extends keyof Database, O>(query: SelectQueryBuilder<Database, T, O>): SelectQueryBuilder<Database, T, O> {
    return this.dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
  }

  private async deleteIds(table: 'webhook_deliveries' | 'email_deliveries' | 'chat_deliveries' | 'chat_inbox', ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db.deleteFrom(table).where('id', 'in', ids).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
