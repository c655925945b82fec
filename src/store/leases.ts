/**
 * Claiming due rows of a retried-delivery table for a while (a lease), the same for
 * webhook, e-mail and page deliveries: rows whose lease ran out are claimable again, and on
 * PostgreSQL concurrent claimers skip each other's rows instead of waiting. A claim uses up
 * one of the row's `remaining` attempts before the send, so a delivery whose sending kills
 * the process is not claimed again after every restart, for ever.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './migrations/index.js';

export type LeasedTable = 'webhook_deliveries' | 'email_deliveries' | 'page_deliveries';

export async function claimDue<T extends LeasedTable>(
  db: Kysely<Database> | Transaction<Database>,
  dialect: Dialect,
  table: T,
  now: string,
  until: string,
  limit: number,
): Promise<Selectable<Database[T]>[]> {
  // Both tables share these columns; Kysely cannot see that through a generic table name.
  const leased = db as unknown as Kysely<Pick<Database, 'webhook_deliveries'>>;
  const name = table as 'webhook_deliveries';
  // Claimed on every try and never recorded (the send killed the process, each time): given up on, not claimed for ever.
  await leased
    .updateTable(name)
    .set({ status: 'failed', next_attempt_at: null, claimed_until: null })
    .where('status', '=', 'pending')
    .where('remaining', '<=', 0)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .execute();
  let due = leased
    .selectFrom(name)
    .select('id')
    .where('status', '=', 'pending')
    .where('remaining', '>', 0)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  // The attempt is charged as it is claimed, before anything is sent (the rows answered carry the charge).
  const rows = await leased
    .updateTable(name)
    .set((eb) => ({ claimed_until: until, remaining: eb('remaining', '-', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows as unknown as Selectable<Database[T]>[];
}
