/**
 * R8 — silence reads as abandonment — and the reminders of R4 (role gap) and R11
 * (postmortem owed): the moments an incident's state makes due, and what firing one
 * records.
 *
 * A due moment is derived from the state alone, with a key that names what it is about
 * (`INC-4:update_overdue:2026-06-06T15:00:00.000Z`). Nothing cancels or moves a reminder
 * by hand: posting an update, changing severity, filling a role or resolving changes
 * the state, the derived set changes with it, and the scheduler's table follows.
 *
 * The rules:
 * - update due soon: `dueSoon` before `nextUpdateBy` (skipped when the promise itself
 *   was made less than `dueSoon` ahead, and when it fires after the deadline passed);
 * - update overdue: at `nextUpdateBy`;
 * - overdue escalation: `escalateAfter` (default half the severity's cadence) after the
 *   deadline, then again every `escalateAfter` — counted from when the last one was
 *   recorded, so a server that was down does not fire a burst — while the same promise
 *   stays unkept;
 * - SEV1 role gap (a policy of `roles: separate`): `roleGap` after declaring, or after
 *   the roles or severity last changed, or after the last nudge, while a gap remains;
 * - postmortem owed: every `postmortemOwed` after resolving (from the last reminder)
 *   until the postmortem has an owner and a date.
 * Every promise counts, whichever update it is for (`src/domain/updates/deadlines.ts`): the
 * first one after declaring, one on the cadence, or — without a cadence — the final one.
 */
import type { CommandOf, DecideContext, Decision } from '../model/commands.js';
import type { IncidentEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { addMs } from '../model/time.js';
import { assessRoles } from '../roles/rules.js';
import { findSeverity, type ReminderSettings, type SeverityLevel, type SeverityPolicy } from '../model/policy.js';
import { incidentId } from '../model/ids.js';
import { owedUpdate } from '../updates/deadlines.js';

export const REMINDER_KINDS = ['update_due_soon', 'update_overdue', 'overdue_escalation', 'role_gap', 'postmortem_owed'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export interface DueMoment {
  /** Stable while the state it was derived from stands; a new promise or episode is a new key. */
  key: string;
  incident: number;
  kind: ReminderKind;
  dueAt: string;
}

/**
 * How long an incident may stay overdue before it is escalated (again): `escalateAfter`, or half
 * the cadence, or — for a severity without one — half its first-update window.
 */
export function escalationDelay(level: Pick<SeverityLevel, 'updateEveryMs' | 'firstUpdateWithinMs'>, settings: ReminderSettings): number {
  return settings.escalateAfterMs ?? Math.round((level.updateEveryMs ?? level.firstUpdateWithinMs) / 2);
}

const later = (a: string, b: string | null) => (b !== null && b > a ? b : a);

/** Every moment the incident's state makes due, earliest first. Pure. */
export function dueMoments(state: IncidentState, policy: SeverityPolicy, settings: ReminderSettings): DueMoment[] {
  const id = `${incidentId(state.number)}`;
  const out: DueMoment[] = [];
  const add = (kind: ReminderKind, anchor: string, dueAt: string) => out.push({ key: `${id}:${kind}:${anchor}`, incident: state.number, kind, dueAt });

  if (state.phase === 'active') {
    const level = findSeverity(policy, state.severity);
    const promise = state.nextUpdateBy;
    if (promise !== null && level) {
      const delay = escalationDelay(level, settings);
      const soon = addMs(promise, -settings.dueSoonMs);
      if (settings.dueSoonMs > 0 && (state.promisedAt === null || soon > state.promisedAt)) add('update_due_soon', promise, soon);
      add('update_overdue', promise, promise);
      const last = state.reminded.escalation?.promisedBy === promise ? state.reminded.escalation : null;
      add('overdue_escalation', `${promise}:${(last?.count ?? 0) + 1}`, addMs(last?.at ?? promise, delay));
    }
    if (assessRoles(state, policy).roleGaps.length > 0) {
      const from = later(state.rolesChangedAt, state.reminded.roleGapAt);
      add('role_gap', from, addMs(from, settings.roleGapMs));
    }
  } else if (state.phase === 'resolved') {
    const from = later(state.resolvedAt, state.reminded.postmortemAt);
    add('postmortem_owed', from, addMs(from, settings.postmortemOwedMs));
  }
  return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.key.localeCompare(b.key));
}

/** When the promised update becomes due soon (the reminder lead time before it), or null when none is owed. */
export function updateDueSoonAt(state: Pick<IncidentState, 'phase' | 'nextUpdateBy'>, dueSoonMs: number): string | null {
  if (state.phase !== 'active' || state.nextUpdateBy === null) return null;
  return addMs(state.nextUpdateBy, -dueSoonMs);
}

/** The incident answer's `updateDue`: the promised update is within the reminder lead time, not yet overdue. */
export function isUpdateDueSoon(state: Pick<IncidentState, 'phase' | 'nextUpdateBy'>, now: string, dueSoonMs: number): boolean {
  const dueSoonAt = updateDueSoonAt(state, dueSoonMs);
  return dueSoonAt !== null && now < state.nextUpdateBy! && now >= dueSoonAt;
}

const NOTHING: Decision = { events: [], warnings: [] };

/**
 * Fires the reminder `key` if the state still makes it due by now; otherwise (the update
 * was posted, the role filled, the incident resolved…) records nothing. A due-soon
 * reminder that comes after the deadline has passed is dropped: the overdue one says it.
 */
export function decideFireReminder(state: IncidentState, command: CommandOf<'FireReminder'>, ctx: DecideContext): Decision {
  const due = dueMoments(state, ctx.policy, command.settings).find((d) => d.key === command.key);
  if (!due || due.dueAt > ctx.now) return NOTHING;
  const event = reminderEvent(state, due, ctx);
  return event ? { events: [event], warnings: [] } : NOTHING;
}

function reminderEvent(state: IncidentState, due: DueMoment, ctx: DecideContext): IncidentEvent | null {
  const lastUpdateAt = state.lastUpdate?.postedAt ?? null;
  const promisedBy = state.nextUpdateBy;
  const level = findSeverity(ctx.policy, state.severity);
  const owed = owedUpdate(state, level);
  switch (due.kind) {
    case 'update_due_soon':
      if (promisedBy === null || ctx.now >= promisedBy) return null;
      return { type: 'UpdateDueSoon', promisedBy, lastUpdateAt, owed };
    case 'update_overdue':
      if (promisedBy === null) return null;
      return { type: 'UpdateOverdue', promisedBy, lastUpdateAt, owed };
    case 'overdue_escalation': {
      if (promisedBy === null) return null;
      const last = state.reminded.escalation?.promisedBy === promisedBy ? state.reminded.escalation.count : 0;
      return { type: 'OverdueEscalated', promisedBy, lastUpdateAt, escalation: last + 1, escalateTo: [...(level?.escalateTo ?? [])], owed };
    }
    case 'role_gap':
      return { type: 'RoleGapNudged', commander: state.roles.incident_commander, gaps: assessRoles(state, ctx.policy).roleGaps.map((g) => g.code) };
    case 'postmortem_owed':
      if (state.phase !== 'resolved') return null;
      return { type: 'PostmortemReminded', commander: state.roles.incident_commander, resolvedAt: state.resolvedAt };
  }
}
