/** The intake inbox: deliveries stored, before they are answered, until they are applied. */
import { sql } from 'kysely';
import type { Executor } from '../schema.js';
import type { Dialect } from '../migrations/index.js';

/** A stored delivery, without its body (body()): a repeated 8 MB snapshot is applied without it. */
export interface InboxItem {
  id: number;
  source: string;
  /** Stored gzipped: it was large (see AlertInbox.accept). */
  gzipped: boolean;
  receivedAt: string;
  progress: number;
  digest: string | null;
}

export type NewDelivery = { source: string; body: Buffer; receivedAt: string; digest: string | null };

export class AlertInboxStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Stores deliveries in one statement (one round trip however many arrived together);
   * their ids, in the order given.
   */
  async add(deliveries: readonly NewDelivery[]): Promise<number[]> {
    if (deliveries.length === 0) return [];
    const rows = await this.db
      .insertInto('alert_inbox')
      .values(deliveries.map((d) => ({ source: d.source, body: d.body, received_at: d.receivedAt, digest: d.digest })))
      .returning('id')
      .execute();
    // Ids come from one sequence, drawn row by row in the order the rows were given.
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async item(id: number): Promise<InboxItem | null> {
    return (await this.items([id])).get(id) ?? null;
  }

  /** Several deliveries in one query (those still there), by id. */
  async items(ids: readonly number[]): Promise<Map<number, InboxItem>> {
    const out = new Map<number, InboxItem>();
    if (ids.length === 0) return out;
    // Gzip's magic bytes, looked at where the body is: reading 400 kB to see two would defeat the purpose.
    const gzipped =
      this.dialect === 'postgres' ? sql<boolean | number>`substring(body from 1 for 2) = decode('1f8b', 'hex')` : sql<boolean | number>`substr(body, 1, 2) = x'1f8b'`;
    const rows = await this.db
      .selectFrom('alert_inbox')
      .select(['id', 'source', 'received_at', 'progress', 'digest', gzipped.as('gzipped')])
      .where('id', 'in', [...ids])
      .execute();
    for (const r of rows)
      out.set(Number(r.id), { id: Number(r.id), source: r.source, gzipped: Boolean(r.gzipped), receivedAt: r.received_at, progress: Number(r.progress), digest: r.digest });
    return out;
  }

  /** The delivery's body as stored (gzipped when large); null once it is gone. */
  async body(id: number): Promise<Buffer | null> {
    const r = await this.db.selectFrom('alert_inbox').select('body').where('id', '=', id).executeTakeFirst();
    return r ? r.body : null;
  }

  /**
   * The delivery's progress, locked for this transaction; null when it is gone (processed)
   * or, on PostgreSQL, another instance is working on it right now.
   */
  async claim(id: number): Promise<number | null> {
    let query = this.db.selectFrom('alert_inbox').select('progress').where('id', '=', id);
    if (this.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const row = await query.executeTakeFirst();
    return row ? Number(row.progress) : null;
  }

  /**
   * Of these deliveries, the ids of those not started, locked for this transaction; on
   * PostgreSQL, those another instance is working on right now are left out.
   */
  async claimUnstarted(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    let query = this.db.selectFrom('alert_inbox').select(['id', 'progress']).where('id', 'in', [...ids]);
    if (this.dialect === 'postgres') query = query.orderBy('id').forUpdate().skipLocked();
    const rows = await query.execute();
    return new Set(rows.filter((r) => Number(r.progress) === 0).map((r) => Number(r.id)));
  }

  async removeMany(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('alert_inbox').where('id', 'in', [...ids]).execute();
  }

  async setProgress(id: number, progress: number): Promise<void> {
    await this.db.updateTable('alert_inbox').set({ progress }).where('id', '=', id).execute();
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('alert_inbox').where('id', '=', id).execute();
  }

  async failed(id: number, error: string): Promise<void> {
    await this.db
      .updateTable('alert_inbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000) }))
      .where('id', '=', id)
      .execute();
  }

  /** Deliveries waiting, oldest first, after `after`, skipping those that failed `maxAttempts` times. */
  async pending(after: number, maxAttempts: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('alert_inbox')
      .select('id')
      .where('id', '>', after)
      .where('attempts', '<', maxAttempts)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.id));
  }
}
