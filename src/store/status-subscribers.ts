/** The status page's e-mail subscribers (double opt-in, one-click unsubscribe). Messages go out as email_deliveries. */
import type { Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { StatusSubscriber } from '../domain/subscribers/subscription.js';
import { column, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

function toSubscriber(row: Selectable<Database['status_subscribers']>): StatusSubscriber {
  return {
    id: row.id,
    address: row.address,
    state: row.state,
    confirmTokenHash: row.confirm_token_hash,
    unsubscribeToken: row.unsubscribe_token,
    confirmationsSent: Number(row.confirmations_sent),
    confirmSentAt: row.confirm_sent_at,
    confirmedAt: row.confirmed_at,
    unsubscribedAt: row.unsubscribed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    components: row.components === null ? null : (JSON.parse(row.components) as string[]),
  };
}

function toRow(s: StatusSubscriber): Selectable<Database['status_subscribers']> {
  return {
    id: s.id,
    address: s.address,
    state: s.state,
    confirm_token_hash: s.confirmTokenHash,
    unsubscribe_token: s.unsubscribeToken,
    confirmations_sent: s.confirmationsSent,
    confirm_sent_at: s.confirmSentAt,
    confirmed_at: s.confirmedAt,
    unsubscribed_at: s.unsubscribedAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    components: s.components === null ? null : JSON.stringify(s.components),
  };
}

export class StatusSubscriberStore {
  constructor(private readonly db: Executor) {}

  async byAddress(address: string): Promise<StatusSubscriber | null> {
    const row = await this.db.selectFrom('status_subscribers').selectAll().where('address', '=', address).executeTakeFirst();
    return row ? toSubscriber(row) : null;
  }

  async byConfirmTokenHash(hash: string): Promise<StatusSubscriber | null> {
    const row = await this.db.selectFrom('status_subscribers').selectAll().where('confirm_token_hash', '=', hash).executeTakeFirst();
    return row ? toSubscriber(row) : null;
  }

  async byUnsubscribeToken(token: string): Promise<StatusSubscriber | null> {
    const row = await this.db.selectFrom('status_subscribers').selectAll().where('unsubscribe_token', '=', token).executeTakeFirst();
    return row ? toSubscriber(row) : null;
  }

  /** Inserts a new address, or does nothing when a concurrent request inserted it first (answers whether it inserted). */
  async insert(subscriber: StatusSubscriber): Promise<boolean> {
    const result = await this.db
      .insertInto('status_subscribers')
      .values(toRow(subscriber))
      .onConflict((oc) => oc.column('address').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Replaces the row only if it is still as `previous` left it: concurrent changes do not overwrite each other. */
  async replace(subscriber: StatusSubscriber, previous: StatusSubscriber): Promise<boolean> {
    const { id, ...values } = toRow(subscriber);
    const result = await this.db
      .updateTable('status_subscribers')
      .set(values)
      .where('id', '=', id)
      .where('updated_at', '=', previous.updatedAt)
      .where('state', '=', previous.state)
      .where('confirmations_sent', '=', previous.confirmationsSent)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async confirmed(): Promise<StatusSubscriber[]> {
    return (await this.db.selectFrom('status_subscribers').selectAll().where('state', '=', 'confirmed').orderBy('id').execute()).map(toSubscriber);
  }

  async list(): Promise<StatusSubscriber[]> {
    return (await this.db.selectFrom('status_subscribers').selectAll().orderBy('created_at').orderBy('id').execute()).map(toSubscriber);
  }

  /** A page of the subscribers, oldest first. */
  async page(request: PageRequest): Promise<Page<StatusSubscriber>> {
    const rows = await keyset(this.db.selectFrom('status_subscribers').selectAll(), [column('created_at'), column('id')], request).execute();
    return pageOf(rows.map(toSubscriber), request, (s) => [s.createdAt, s.id]);
  }

  async get(id: string): Promise<StatusSubscriber | null> {
    const row = await this.db.selectFrom('status_subscribers').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSubscriber(row) : null;
  }
}
