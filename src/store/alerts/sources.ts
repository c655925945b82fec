/** Alert sources: who may send alerts, by the hash of their key. */
import type { Executor } from '../schema.js';
import type { AlertSource } from '../../domain/alerts/source.js';
import { DomainError } from '../../domain/model/errors.js';

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

  async byKeyHash(hash: string): Promise<AlertSource | null> {
    const r = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).where('key_hash', '=', hash).executeTakeFirst();
    return r ? { id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at } : null;
  }

  async byId(id: string): Promise<AlertSource | null> {
    const r = await this.db.selectFrom('alert_sources').select(['id', 'name', 'type', 'created_by', 'created_at']).where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, name: r.name, type: r.type, createdBy: r.created_by, createdAt: r.created_at } : null;
  }
}
