/** Follow-up action items (src/domain/follow-ups), version-checked, with their reminder marks. */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { FollowUp, FollowUpPriority, FollowUpState } from '../domain/follow-ups/follow-up.js';
import { nextReminderAt, type FollowUpReminderKind, type ReminderMarks } from '../domain/follow-ups/reminders.js';
import { DomainError } from '../domain/model/errors.js';
import { column, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

export interface FollowUpFilter {
  state?: FollowUpState;
  owner?: string;
  incident?: number;
  /** Open and past their due date at `today` (a UTC day). */
  overdue?: boolean;
  /** Due strictly before this day. */
  dueBefore?: string;
  today: string;
  /** Leaves out those of private incidents the person is not in (admins see all). */
  visibleTo: { handle: string; admin: boolean };
}

export type StoredFollowUp = FollowUp & ReminderMarks;

function toItem(row: Selectable<Database['follow_ups']>): FollowUp {
  return {
    id: row.id,
    incident: Number(row.incident),
    title: row.title,
    owner: row.owner,
    due: row.due,
    priority: row.priority as FollowUpPriority,
    state: row.state as FollowUpState,
    reason: row.reason,
    sourceEntry: row.source_entry === null ? null : Number(row.source_entry),
    version: Number(row.version),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
  };
}

function toFollowUp(row: Selectable<Database['follow_ups']>): StoredFollowUp {
  return { ...toItem(row), dueRemindedFor: row.due_reminded_for, overdueRemindedFor: row.overdue_reminded_for };
}

function toRow(f: FollowUp, marks: ReminderMarks): Selectable<Database['follow_ups']> {
  return {
    id: f.id,
    incident: f.incident,
    title: f.title,
    owner: f.owner,
    due: f.due,
    priority: f.priority,
    state: f.state,
    reason: f.reason,
    source_entry: f.sourceEntry,
    version: f.version,
    created_by: f.createdBy,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
    closed_at: f.closedAt,
    closed_by: f.closedBy,
    due_reminded_for: marks.dueRemindedFor,
    overdue_reminded_for: marks.overdueRemindedFor,
    remind_at: nextReminderAt(f, marks),
  };
}

export class FollowUpStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async insert(item: FollowUp): Promise<void> {
    await this.db.insertInto('follow_ups').values(toRow(item, { dueRemindedFor: null, overdueRemindedFor: null })).execute();
  }

  /** With `lock`, later writers of the same item wait for this transaction (PostgreSQL row lock). */
  async get(id: string, lock = false): Promise<StoredFollowUp | null> {
    let query = this.db.selectFrom('follow_ups').selectAll().where('id', '=', id);
    if (lock && this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toFollowUp(row) : null;
  }

  /** Replaces an item (its reminder marks kept), refused when someone else changed it since `expectedVersion`. */
  async replace(item: FollowUp, previous: StoredFollowUp): Promise<void> {
    const { id, ...values } = toRow(item, previous);
    const result = await this.db.updateTable('follow_ups').set(values).where('id', '=', id).where('version', '=', previous.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw new DomainError('VERSION_CONFLICT', `Follow-up ${id} changed while this change was being made; reload and retry.`);
  }

  /** Records that the `kind` reminder went out for the item's current due date. */
  async markReminded(item: StoredFollowUp, kind: FollowUpReminderKind): Promise<void> {
    const marks: ReminderMarks = kind === 'due' ? { ...item, dueRemindedFor: item.due } : { ...item, overdueRemindedFor: item.due };
    await this.db
      .updateTable('follow_ups')
      .set({ due_reminded_for: marks.dueRemindedFor, overdue_reminded_for: marks.overdueRemindedFor, remind_at: nextReminderAt(item, marks) })
      .where('id', '=', item.id)
      .execute();
  }

  /** Ids of items whose next reminder moment has come, earliest first. */
  async dueForReminder(now: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('follow_ups').select('id').where('remind_at', '<=', now).orderBy('remind_at').orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** The earliest reminder moment of any item, or null. */
  async nextReminderAt(): Promise<string | null> {
    const row = await this.db.selectFrom('follow_ups').select(sql<string | null>`min(remind_at)`.as('at')).executeTakeFirst();
    return row?.at ?? null;
  }

  /** A page of items, earliest due first; private incidents' only for those who may see them. */
  async page(filter: FollowUpFilter, request: PageRequest): Promise<Page<FollowUp>> {
    let query = this.db
      .selectFrom('follow_ups')
      .innerJoin('incidents', 'incidents.number', 'follow_ups.incident')
      .selectAll('follow_ups');
    if (!filter.visibleTo.admin) {
      const quoted = JSON.stringify(filter.visibleTo.handle);
      const position = this.dialect === 'postgres' ? sql<number>`strpos(incidents.participants, ${quoted})` : sql<number>`instr(incidents.participants, ${quoted})`;
      query = query.where((eb) => eb.or([eb('incidents.private', '=', 0), eb(position, '>', 0)]));
    }
    if (filter.state) query = query.where('follow_ups.state', '=', filter.state);
    if (filter.owner) query = query.where('follow_ups.owner', '=', filter.owner);
    if (filter.incident !== undefined) query = query.where('follow_ups.incident', '=', filter.incident);
    if (filter.overdue === true) query = query.where('follow_ups.state', '=', 'open').where('follow_ups.due', '<', filter.today);
    if (filter.overdue === false) query = query.where((eb) => eb.or([eb('follow_ups.state', '!=', 'open'), eb('follow_ups.due', '>=', filter.today)]));
    if (filter.dueBefore) query = query.where('follow_ups.due', '<', filter.dueBefore);
    const rows = await keyset(query, [column('follow_ups.due'), column('follow_ups.id')], request).execute();
    return pageOf(rows.map(toItem), request, (f) => [f.due, f.id]);
  }
}

