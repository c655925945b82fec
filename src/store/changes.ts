/** What changed: change events (src/domain/changes), newest first, deduplicated per sender. */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Change, ChangeKind } from '../domain/changes/change.js';
import { column, descending, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

export interface ChangeFilter {
  from?: string;
  to?: string;
  component?: string;
  kind?: ChangeKind;
}

function toChange(row: Selectable<Database['changes']>): Change {
  return {
    id: row.id,
    summary: row.summary,
    at: row.at,
    kind: row.kind as ChangeKind,
    origin: row.origin,
    components: JSON.parse(row.components) as string[],
    links: JSON.parse(row.links) as Change['links'],
    customDetails: row.custom_details === null ? null : (JSON.parse(row.custom_details) as Record<string, unknown>),
    sourceId: row.source_id,
    recordedBy: row.recorded_by,
    receivedAt: row.received_at,
    dedupKey: row.dedup_key,
  };
}

/** Who sent a change, as deduplication sees it: a sender's keys are its own. */
export const senderOf = (change: Pick<Change, 'sourceId' | 'recordedBy'>) => (change.sourceId ? `source:${change.sourceId}` : `person:${change.recordedBy}`);

/** A component id inside the stored JSON array, for LIKE (its wildcards escaped). */
const componentPattern = (component: string) => `%${JSON.stringify(component).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export class ChangeStore {
  constructor(private readonly db: Executor) {}

  /**
   * Keeps the change unless its sender already sent one under the same dedup key; either way
   * answers the change kept under that key and the fingerprint it was kept with.
   */
  async insert(change: Change, fingerprint: string): Promise<{ change: Change; fingerprint: string; created: boolean }> {
    const sender = senderOf(change);
    const inserted = await this.db
      .insertInto('changes')
      .values({
        id: change.id,
        summary: change.summary,
        at: change.at,
        kind: change.kind,
        origin: change.origin,
        components: JSON.stringify(change.components),
        links: JSON.stringify(change.links),
        custom_details: change.customDetails === null ? null : JSON.stringify(change.customDetails),
        sender,
        source_id: change.sourceId,
        recorded_by: change.recordedBy,
        received_at: change.receivedAt,
        dedup_key: change.dedupKey,
        fingerprint,
      })
      .onConflict((oc) => oc.columns(['sender', 'dedup_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    const row = await this.db.selectFrom('changes').selectAll().where('sender', '=', sender).where('dedup_key', '=', change.dedupKey).executeTakeFirstOrThrow();
    return { change: toChange(row), fingerprint: row.fingerprint, created: inserted !== undefined };
  }

  async byId(id: string): Promise<Change | null> {
    const row = await this.db.selectFrom('changes').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChange(row) : null;
  }

  /** A page of the changes, newest first. */
  async page(filter: ChangeFilter, request: PageRequest): Promise<Page<Change>> {
    const rows = await keyset(this.filtered(filter), [descending(column('at')), descending(column('id'))], request).execute();
    return pageOf(rows.map(toChange), request, (c) => [c.at, c.id]);
  }

  /** Every change of a window (an incident's: an hour and the incident's length), at most `limit`, newest first. */
  async within(from: string, to: string, limit: number): Promise<Change[]> {
    const rows = await this.filtered({ from, to }).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toChange);
  }

  private filtered(filter: ChangeFilter) {
    let query = this.db.selectFrom('changes').selectAll();
    if (filter.from) query = query.where('at', '>=', filter.from);
    if (filter.to) query = query.where('at', '<=', filter.to);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.component) query = query.where(sql<boolean>`components like ${componentPattern(filter.component)} escape '\\'`);
    return query;
  }
}
