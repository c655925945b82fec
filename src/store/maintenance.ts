/** Scheduled maintenance windows (src/maintenance), version-checked on every change. */
import type { Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { MaintenanceState, MaintenanceWindow, ReminderLead } from '../domain/maintenance/window.js';
import type { Notice, NoticeHistory, NoticeKind, NoticeNews } from '../domain/maintenance/notices.js';
import { DomainError } from '../domain/model/errors.js';
import { column, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

function toWindow(row: Selectable<Database['maintenances']>): MaintenanceWindow {
  return {
    id: row.id,
    title: row.title,
    message: row.message,
    components: JSON.parse(row.components) as string[],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    remindBefore: JSON.parse(row.remind_before) as ReminderLead[],
    cancelledAt: row.cancelled_at,
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(w: MaintenanceWindow): Selectable<Database['maintenances']> {
  return {
    id: w.id,
    title: w.title,
    message: w.message,
    components: JSON.stringify(w.components),
    starts_at: w.startsAt,
    ends_at: w.endsAt,
    remind_before: JSON.stringify(w.remindBefore),
    cancelled_at: w.cancelledAt,
    version: w.version,
    created_by: w.createdBy,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

/** A notice as kept: to be fanned out to subscribers once (`fannedOutAt` null until then). */
export type StoredNotice = Notice & {
  id: number;
  maintenanceId: string;
  createdAt: string;
};

function newsOf(kind: NoticeKind, remindBefore: string | null): NoticeNews {
  // A reminder kept before windows chose their lead times has none: every one was the hour's.
  return kind === 'reminder' ? { kind, remindBefore: (remindBefore ?? '1h') as ReminderLead } : { kind };
}

export class MaintenanceStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(window: MaintenanceWindow): Promise<void> {
    await this.db.insertInto('maintenances').values(toRow(window)).execute();
  }

  /** With `lock`, later writers of the same window wait for this transaction (PostgreSQL row lock). */
  async get(id: string, lock = false): Promise<MaintenanceWindow | null> {
    let query = this.db.selectFrom('maintenances').selectAll().where('id', '=', id);
    if (lock && this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toWindow(row) : null;
  }

  /** Replaces a window, refused when someone else changed it since `expectedVersion`. */
  async replace(window: MaintenanceWindow, expectedVersion: number): Promise<void> {
    const { id, ...values } = toRow(window);
    const result = await this.db.updateTable('maintenances').set(values).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', `Maintenance ${id} changed while this change was being made; reload and retry.`);
  }

  /** Windows that end at or after `since` (and every one not yet over), earliest start first. */
  async list(since?: string): Promise<MaintenanceWindow[]> {
    let query = this.db.selectFrom('maintenances').selectAll();
    if (since) query = query.where('ends_at', '>=', since);
    return (await query.orderBy('starts_at').orderBy('id').execute()).map(toWindow);
  }

  /** A page of windows, earliest start first; `state` as maintenanceState (src/domain/maintenance/window.ts) tells it at `now`. */
  async page(filter: { state?: MaintenanceState; now: string }, request: PageRequest): Promise<Page<MaintenanceWindow>> {
    let query = this.db.selectFrom('maintenances').selectAll();
    const { state, now } = filter;
    if (state === 'cancelled') query = query.where('cancelled_at', 'is not', null);
    else if (state) query = query.where('cancelled_at', 'is', null);
    if (state === 'scheduled') query = query.where('starts_at', '>', now);
    if (state === 'in_progress') query = query.where('starts_at', '<=', now).where('ends_at', '>', now);
    if (state === 'completed') query = query.where('ends_at', '<=', now);
    const rows = await keyset(query, [column('starts_at'), column('id')], request).execute();
    return pageOf(rows.map(toWindow), request, (w) => [w.startsAt, w.id]);
  }

  /** Keeps a notice for subscribers; false when the window already has it (its key). */
  async addNotice(maintenanceId: string, notice: Notice, at: string): Promise<boolean> {
    const row = await this.db
      .insertInto('maintenance_notices')
      .values({
        maintenance_id: maintenanceId,
        kind: notice.kind,
        remind_before: notice.kind === 'reminder' ? notice.remindBefore : null,
        key: notice.key,
        version: notice.version,
        components: JSON.stringify(notice.components),
        maintenance: JSON.stringify(notice.window),
        created_at: at,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** What each of these windows' followers have been told (src/domain/maintenance/notices.ts). */
  async noticeHistory(maintenanceIds: readonly string[]): Promise<Map<string, NoticeHistory>> {
    const histories = new Map<string, { kinds: Set<NoticeKind>; keys: Set<string>; announcedAt: string | null }>();
    if (!maintenanceIds.length) return histories;
    const rows = await this.db
      .selectFrom('maintenance_notices')
      .select(['maintenance_id', 'kind', 'key', 'created_at'])
      .where('maintenance_id', 'in', maintenanceIds)
      .execute();
    for (const row of rows) {
      let history = histories.get(row.maintenance_id);
      if (!history) histories.set(row.maintenance_id, (history = { kinds: new Set(), keys: new Set(), announcedAt: null }));
      const kind = row.kind as NoticeKind;
      history.kinds.add(kind);
      history.keys.add(row.key);
      if ((kind === 'scheduled' || kind === 'rescheduled') && (history.announcedAt === null || row.created_at > history.announcedAt)) history.announcedAt = row.created_at;
    }
    return histories;
  }

  /** Notices not yet fanned out, oldest first. */
  async pendingNotices(limit: number): Promise<StoredNotice[]> {
    const rows = await this.db.selectFrom('maintenance_notices').selectAll().where('fanned_out_at', 'is', null).orderBy('id').limit(limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      maintenanceId: row.maintenance_id,
      ...newsOf(row.kind as NoticeKind, row.remind_before),
      key: row.key,
      version: Number(row.version),
      components: JSON.parse(row.components) as string[],
      window: JSON.parse(row.maintenance) as MaintenanceWindow,
      createdAt: row.created_at,
    }));
  }

  /** Marks a notice fanned out; false when another instance got there first. */
  async claimNotice(id: number, at: string): Promise<boolean> {
    const result = await this.db.updateTable('maintenance_notices').set({ fanned_out_at: at }).where('id', '=', id).where('fanned_out_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
