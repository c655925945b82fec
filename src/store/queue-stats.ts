/**
 * How much work is waiting, for `/metrics`: per queue the number of items waiting (counted
 * up to QUEUE_COUNT_CAP, so a scrape stays cheap however far behind a queue is) and when the
 * oldest of them arrived (or fell due). Read at scrape time, outside any transaction.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from './schema.js';

/** Counts stop here: past it the queue is "at least this deep", which is all an alert needs. */
export const QUEUE_COUNT_CAP = 100_000;

export interface QueueStat {
  queue: string;
  /** Items waiting, at most QUEUE_COUNT_CAP. */
  depth: number;
  /** When the oldest waiting item was queued (reminders: fell due), ISO-8601; null when none waits. */
  oldest: string | null;
}

export interface FailedStat {
  channel: 'webhook' | 'email' | 'chat';
  /** Deliveries given up on (status `failed`) still kept, at most QUEUE_COUNT_CAP. */
  failed: number;
}

interface QueueQuery {
  queue: string;
  table: string;
  since: string;
  where: RawBuilder<unknown>;
}

function queues(now: string): QueueQuery[] {
  const pending = sql`status = 'pending'`;
  return [
    { queue: 'notification_outbox', table: 'notification_outbox', since: 'created_at', where: sql`1 = 1` },
    { queue: 'webhook_deliveries', table: 'webhook_deliveries', since: 'created_at', where: pending },
    { queue: 'email_deliveries', table: 'email_deliveries', since: 'created_at', where: pending },
    { queue: 'reminders_due', table: 'reminders', since: 'due_at', where: sql`fired_at is null and due_at <= ${now}` },
    { queue: 'alert_inbox', table: 'alert_inbox', since: 'received_at', where: sql`1 = 1` },
    { queue: 'chat_outbox', table: 'chat_outbox', since: 'created_at', where: sql`1 = 1` },
    { queue: 'chat_deliveries', table: 'chat_deliveries', since: 'created_at', where: pending },
    { queue: 'chat_inbox', table: 'chat_inbox', since: 'received_at', where: pending },
  ];
}

async function cappedCount(db: Executor, table: string, where: RawBuilder<unknown>): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from (select 1 from ${sql.table(table)} where ${where} limit ${QUEUE_COUNT_CAP}) capped`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export class QueueStatsStore {
  constructor(private readonly db: Executor) {}

  async queues(now: string): Promise<QueueStat[]> {
    return Promise.all(
      queues(now).map(async ({ queue, table, since, where }) => {
        const depth = await cappedCount(this.db, table, where);
        if (depth === 0) return { queue, depth, oldest: null };
        const { rows } = await sql<{ oldest: string | null }>`select min(${sql.ref(since)}) as oldest from ${sql.table(table)} where ${where}`.execute(this.db);
        return { queue, depth, oldest: rows[0]?.oldest ?? null };
      }),
    );
  }

  async failed(): Promise<FailedStat[]> {
    const failed = sql`status = 'failed'`;
    return [
      { channel: 'webhook', failed: await cappedCount(this.db, 'webhook_deliveries', failed) },
      { channel: 'email', failed: await cappedCount(this.db, 'email_deliveries', failed) },
      { channel: 'chat', failed: await cappedCount(this.db, 'chat_deliveries', failed) },
    ];
  }
}
