/**
 * The durable schedule of reminders (R4, R8, R11): one row per due moment, keyed by the
 * moment's stable key. `Repository.append` replaces an incident's unfired rows with the
 * ones its new state derives, in the same transaction. The scheduler claims due rows
 * with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; a single UPDATE…RETURNING on
 * SQLite) and fires each in its own transaction that re-checks `fired_at` under the
 * incident's row lock, so a firing commits exactly once even if a lease runs out.
 */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { DueMoment, ReminderKind } from '../domain/reminders/rules.js';

/** A row that keeps failing is left alone after this many attempts (and logged each time). */
export const MAX_REMINDER_ATTEMPTS = 5;

export interface StoredReminder {
  key: string;
  incident: number;
  kind: ReminderKind;
  dueAt: string;
  firedAt: string | null;
  outcome: 'fired' | 'skipped' | null;
  claimedBy: string | null;
  claimedUntil: string | null;
  attempts: number;
  lastError: string | null;
}

function toReminder(row: Selectable<Database['reminders']>): StoredReminder {
  return {
    key: row.key,
    incident: Number(row.incident),
    kind: row.kind,
    dueAt: row.due_at,
    firedAt: row.fired_at,
    outcome: row.outcome,
    claimedBy: row.claimed_by,
    claimedUntil: row.claimed_until,
    attempts: Number(row.attempts),
    lastError: row.last_error,
  };
}

export class ReminderStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Makes the incident's rows the derived set: rows whose key is no longer derived go
   * (fired or not), new keys are added, an unfired row takes its (possibly re-configured)
   * due time, a fired row stays fired (a key that has fired never fires again). Answers
   * the due times of the rows it added or moved.
   */
  async sync(incident: number, moments: DueMoment[], at: string): Promise<string[]> {
    const keys = moments.map((m) => m.key);
    let stale = this.db.deleteFrom('reminders').where('incident', '=', incident);
    if (keys.length) stale = stale.where('key', 'not in', keys);
    await stale.execute();
    if (!moments.length) return [];
    const added = await this.db
      .insertInto('reminders')
      .values(moments.map((m) => ({ key: m.key, incident: m.incident, kind: m.kind, due_at: m.dueAt, created_at: at })))
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ due_at: eb.ref('excluded.due_at') }))
          .where('reminders.fired_at', 'is', null)
          .whereRef('reminders.due_at', '<>', 'excluded.due_at'),
      )
      .returning('due_at')
      .execute();
    return added.map((r) => r.due_at);
  }

  async forIncident(incident: number): Promise<StoredReminder[]> {
    const rows = await this.db.selectFrom('reminders').selectAll().where('incident', '=', incident).orderBy('due_at').orderBy('key').execute();
    return rows.map(toReminder);
  }

  /**
   * Claims up to `limit` due, unfired rows nobody holds (or whose holder's lease ran out),
   * for `until`. Atomic: two instances never claim the same row at the same time.
   */
  async claimDue(instance: string, now: string, until: string, limit: number): Promise<StoredReminder[]> {
    let due = this.db
      .selectFrom('reminders')
      .select('key')
      .where('fired_at', 'is', null)
      .where('due_at', '<=', now)
      .where('attempts', '<', MAX_REMINDER_ATTEMPTS)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('due_at')
      .limit(limit);
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('reminders')
      .set((eb) => ({ claimed_by: instance, claimed_until: until, attempts: eb('attempts', '+', 1) }))
      .where('key', 'in', due)
      .returningAll()
      .execute();
    return rows.map(toReminder).sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.key.localeCompare(b.key));
  }

  /** Inside the firing transaction, after the incident's row lock: the row, if it is still unfired. */
  async unfired(key: string): Promise<StoredReminder | null> {
    let query = this.db.selectFrom('reminders').selectAll().where('key', '=', key).where('fired_at', 'is', null);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toReminder(row) : null;
  }

  async markFired(key: string, at: string, outcome: 'fired' | 'skipped'): Promise<void> {
    await this.db.updateTable('reminders').set({ fired_at: at, outcome, claimed_until: null, last_error: null }).where('key', '=', key).execute();
  }

  /** A firing that failed: kept claimed until its lease runs out, then retried. */
  async failed(key: string, error: string): Promise<void> {
    await this.db.updateTable('reminders').set({ last_error: error.slice(0, 2000) }).where('key', '=', key).execute();
  }

  /** When the scheduler next has something to do: the earliest due row, or the end of a lease on one. */
  async nextWake(): Promise<string | null> {
    const row = await this.db
      .selectFrom('reminders')
      .select(sql<string | null>`min(case when claimed_until is not null and claimed_until > due_at then claimed_until else due_at end)`.as('at'))
      .where('fired_at', 'is', null)
      .where('attempts', '<', MAX_REMINDER_ATTEMPTS)
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /** Incidents that may have reminders, after `after` by number: open, owing a postmortem, or with rows left. */
  async incidentsToSchedule(after: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .select('number')
      .where('number', '>', after)
      .where((eb) =>
        eb.or([eb('phase', 'in', ['active', 'resolved']), eb('number', 'in', eb.selectFrom('reminders').select('incident'))]),
      )
      .orderBy('number')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.number));
  }
}
