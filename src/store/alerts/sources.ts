/** Alert sources: who may send alerts, by the hash of their key. */
import type { Executor } from '../schema.js';
import type { AlertSource } from '../../domain/alerts/source.js';
import { DomainError } from '../../domain/model/errors.js';
import { column, keyset, pageOf, type Page, type PageRequest } from '../keyset.js';

export class AlertSourceStore {
  constructor(private readonly db: Executor) {}

  async insert(source: AlertSource, keyHash: string): Promise<void> {
    try {
      await this.db
        .insertInto('alert_sources')
        .values({ id: source.id, name: source.name, type: source.type, key_hash: keyHash, created_by: source.createdBy, created_at: source.createdAt })
        .execute();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new DomainError('ALERT_SOURCE_EXISTS', `There is already an alert source named "${source.name}".`, { field: 'name' });
      throw error;
    }
  }

  async list(): Promise<AlertSource[]> {
    const rows = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at }));
  }

  /** A page of the sources, by name. */
  async page(request: PageRequest): Promise<Page<AlertSource>> {
    const query = this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']);
    const rows = await keyset(query, [column('name'), column('id')], request).execute();
    const sources = rows.map((r) => ({ id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at }));
    return pageOf(sources, request, (s) => [s.name, s.id]);
  }

  /**
   * The source whose key hashes to `hash`: its current key, or the key its last rotation
   * replaced while that still overlaps at `now` (then `keyUntil` says until when).
   */
  async byKeyHash(hash: string, now: string): Promise<{ source: AlertSource; keyUntil: string | null } | null> {
    const r = await this.db
      .selectFrom('alert_sources')
      .select(['id', 'name', 'type', 'created_by', 'created_at', 'key_hash', 'previous_key_until'])
      .where((eb) => eb.or([eb('key_hash', '=', hash), eb.and([eb('previous_key_hash', '=', hash), eb('previous_key_until', '>', now)])]))
      .executeTakeFirst();
    if (!r) return null;
    return { source: { id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at }, keyUntil: r.key_hash === hash ? null : r.previous_key_until };
  }

  /** A new key (by its hash); the current one becomes the previous, accepted until `until`. Whatever was previous before is dropped. */
  async rotateKey(id: string, keyHash: string, until: string): Promise<void> {
    await this.db
      .updateTable('alert_sources')
      .set((eb) => ({ previous_key_hash: eb.ref('key_hash'), previous_key_until: until, key_hash: keyHash }))
      .where('id', '=', id)
      .execute();
  }

  async byId(id: string): Promise<AlertSource | null> {
    const r = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at } : null;
  }
}
