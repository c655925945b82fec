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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** When the page (`page`) or a configured component (`component:<id>`) first appeared and last changed. */
export interface StatusPageRecord {
  key: string;
  fingerprint: string;
  createdAt: string;
  updatedAt: string;
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

  async records(): Promise<StatusPageRecord[]> {
    const rows = await this.db.selectFrom('status_page_records').selectAll().orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, fingerprint: r.fingerprint, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  /** Records a key first seen; another instance recording it at the same moment wins, harmlessly. */
  async insertRecord(record: StatusPageRecord): Promise<void> {
    await this.db
      .insertInto('status_page_records')
      .values({ key: record.key, fingerprint: record.fingerprint, created_at: record.createdAt, updated_at: record.updatedAt })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }

  /** Dates a changed definition, only if nobody recorded this one already. */
  async touchRecord(key: string, fingerprint: string, at: string): Promise<void> {
    await this.db
      .updateTable('status_page_records')
      .set({ fingerprint, updated_at: at })
      .where('key', '=', key)
      .where('fingerprint', '<>', fingerprint)
      .execute();
  }

  /** The time of the first event ever recorded: what "since when" means for a component configured before times were kept. */
  async firstEventAt(): Promise<string | null> {
    const row = await this.db.selectFrom('incident_events').select((eb) => eb.fn.min('recorded_at').as('first')).executeTakeFirst();
    return (row?.first as string | null | undefined) ?? null;
  }
}
