/** The status page's components created through the API (configured ones live in the configuration). */
import type { Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { StatusComponent } from '../domain/status-page/components.js';

function toComponent(row: Selectable<Database['status_components']>): StatusComponent {
  return {
    id: row.id,
    name: row.name,
    group: row.group_name,
    description: row.description,
    order: Number(row.sort_order),
    source: 'api',
    version: Number(row.version),
  };
}

export class StatusComponentStore {
  constructor(private readonly db: Executor) {}

  async list(): Promise<StatusComponent[]> {
    return (await this.db.selectFrom('status_components').selectAll().orderBy('sort_order').orderBy('id').execute()).map(toComponent);
  }

  async get(id: string): Promise<StatusComponent | null> {
    const row = await this.db.selectFrom('status_components').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toComponent(row) : null;
  }

  async insert(component: StatusComponent, at: string): Promise<void> {
    await this.db
      .insertInto('status_components')
      .values({
        id: component.id,
        name: component.name,
        group_name: component.group,
        description: component.description,
        sort_order: component.order,
        version: component.version,
        created_at: at,
        updated_at: at,
      })
      .execute();
  }

  /** Writes the new fields only if nobody changed the component since `expectedVersion`; answers whether it did. */
  async update(component: StatusComponent, expectedVersion: number, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('status_components')
      .set({
        name: component.name,
        group_name: component.group,
        description: component.description,
        sort_order: component.order,
        version: component.version,
        updated_at: at,
      })
      .where('id', '=', component.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
