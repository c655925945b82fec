/**
 * Scheduled maintenance (issue 5, item 6), pure: a planned window names components and a
 * start and end (UTC). Where it stands is a function of the time, never stored, so a window
 * starts and ends on the page without anyone touching it; only cancelling is recorded.
 */
import { DomainError } from '../model/errors.js';
import { toUtcIso } from '../model/time.js';

export const MAINTENANCE_STATES = ['scheduled', 'in_progress', 'completed', 'cancelled'] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

/**
 * How long before a window starts its followers may be reminded of it, nearest first: the
 * choices status.io offers (in any combination), written as durations are elsewhere in the API.
 */
export const REMINDER_LEADS = ['1h', '24h', '72h'] as const;
export type ReminderLead = (typeof REMINDER_LEADS)[number];
export const REMINDER_LEAD_WORDS: Record<ReminderLead, string> = { '1h': '1 hour', '24h': '24 hours', '72h': '72 hours' };

/** Every window was reminded an hour ahead before the choice existed: a client that does not choose keeps that. */
export const DEFAULT_REMIND_BEFORE: readonly ReminderLead[] = ['1h'];

export interface MaintenanceWindow {
  id: string;
  title: string;
  /** What will happen and what users will notice, as shown on the status page. */
  message: string;
  components: string[];
  startsAt: string;
  endsAt: string;
  /** The reminders its followers are owed before it starts (src/domain/maintenance/notices.ts), nearest first; none is no reminder. */
  remindBefore: ReminderLead[];
  cancelledAt: string | null;
  /** Bumped by every change, for `If-Match`. */
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface MaintenanceFields {
  title: string;
  message: string;
  components: string[];
  startsAt: string;
  endsAt: string;
  remindBefore: ReminderLead[];
}

/** A new window's fields; without a choice of reminders, DEFAULT_REMIND_BEFORE. */
export type ScheduleInput = Omit<MaintenanceFields, 'remindBefore'> & { remindBefore?: readonly ReminderLead[] };

/** Longest window accepted: longer "maintenance" is an outage by another name. */
export const MAX_WINDOW_MS = 7 * 86_400_000;

export function maintenanceState(window: Pick<MaintenanceWindow, 'startsAt' | 'endsAt' | 'cancelledAt'>, now: string): MaintenanceState {
  if (window.cancelledAt !== null) return 'cancelled';
  if (now < window.startsAt) return 'scheduled';
  if (now < window.endsAt) return 'in_progress';
  return 'completed';
}

/** The components under maintenance at `now`: those named by a window in progress. */
export function componentsUnderMaintenance(windows: readonly MaintenanceWindow[], now: string): string[] {
  const ids = new Set<string>();
  for (const w of windows) if (maintenanceState(w, now) === 'in_progress') for (const id of w.components) ids.add(id);
  return [...ids].sort();
}

/** The next moment after `now` at which some window starts or ends: the page must change then, with no event to say so. */
export function nextMaintenanceChange(windows: readonly MaintenanceWindow[], now: string): string | null {
  let next: string | null = null;
  for (const w of windows) {
    if (w.cancelledAt !== null) continue;
    for (const at of [w.startsAt, w.endsAt]) if (at > now && (next === null || at < next)) next = at;
  }
  return next;
}

/** One of each, in REMINDER_LEADS' order, however they were sent. */
function reminders(chosen: readonly ReminderLead[]): ReminderLead[] {
  return REMINDER_LEADS.filter((lead) => chosen.includes(lead));
}

/** A time as given (any offset) in the stored UTC form. */
function utc(text: string, field: 'startsAt' | 'endsAt'): string {
  const at = toUtcIso(text);
  if (at === null) throw new DomainError('VALIDATION_FAILED', `${field} must be a time, e.g. 2026-06-06T22:00:00Z.`, { field });
  return at;
}

function check(fields: MaintenanceFields, knownComponents: readonly string[], now: string, mode: { creating: boolean; endingNow: boolean }): void {
  const { creating, endingNow } = mode;
  if (fields.endsAt <= fields.startsAt) throw new DomainError('VALIDATION_FAILED', 'endsAt must be after startsAt.', { field: 'endsAt' });
  if (fields.endsAt <= now && !endingNow) throw new DomainError('VALIDATION_FAILED', 'endsAt is in the past: a window that is over cannot be scheduled.', { field: 'endsAt' });
  if (creating && fields.startsAt < now)
    throw new DomainError('VALIDATION_FAILED', 'startsAt is in the past: announce maintenance ahead of time (startsAt now or later).', { field: 'startsAt' });
  if (Date.parse(fields.endsAt) - Date.parse(fields.startsAt) > MAX_WINDOW_MS)
    throw new DomainError('VALIDATION_FAILED', 'A maintenance window may last at most 7 days.', { field: 'endsAt' });
  const unknown = fields.components.filter((id) => !knownComponents.includes(id));
  if (unknown.length)
    throw new DomainError('UNKNOWN_COMPONENT', `Unknown component ${unknown.join(', ')}; known: ${knownComponents.join(', ') || '(none)'}.`, { field: 'components' });
}

/** A new window, refused when it is over before it starts, already past, or names unknown components. */
export function decideSchedule(
  input: ScheduleInput,
  context: { id: string; actor: string; now: string; knownComponents: readonly string[] },
): MaintenanceWindow {
  const fields = {
    ...input,
    startsAt: utc(input.startsAt, 'startsAt'),
    endsAt: utc(input.endsAt, 'endsAt'),
    components: [...new Set(input.components)],
    remindBefore: reminders(input.remindBefore ?? DEFAULT_REMIND_BEFORE),
  };
  check(fields, context.knownComponents, context.now, { creating: true, endingNow: false });
  return { id: context.id, ...fields, cancelledAt: null, version: 1, createdBy: context.actor, createdAt: context.now, updatedAt: context.now };
}

/**
 * A change to a window that is not over. Once it is in progress its start is history:
 * only its end, text and components may move (ending it early is moving `endsAt` to now).
 */
export function decideChange(
  window: MaintenanceWindow,
  patch: Partial<MaintenanceFields>,
  context: { now: string; knownComponents: readonly string[] },
): MaintenanceWindow {
  const state = maintenanceState(window, context.now);
  if (state === 'cancelled' || state === 'completed')
    throw new DomainError('MAINTENANCE_OVER', `Maintenance ${window.id} is ${state}; schedule a new window instead.`);
  patch = {
    ...patch,
    ...(patch.startsAt === undefined ? {} : { startsAt: utc(patch.startsAt, 'startsAt') }),
    ...(patch.endsAt === undefined ? {} : { endsAt: utc(patch.endsAt, 'endsAt') }),
  };
  if (state === 'in_progress' && patch.startsAt !== undefined && patch.startsAt !== window.startsAt)
    throw new DomainError('VALIDATION_FAILED', 'This window is in progress: its start cannot move (change endsAt to end it sooner or later).', { field: 'startsAt' });
  const endsNow = patch.endsAt !== undefined && patch.endsAt <= context.now && state === 'in_progress';
  const fields: MaintenanceFields = {
    title: patch.title ?? window.title,
    message: patch.message ?? window.message,
    components: patch.components ? [...new Set(patch.components)] : window.components,
    startsAt: patch.startsAt ?? window.startsAt,
    endsAt: endsNow ? context.now : (patch.endsAt ?? window.endsAt),
    remindBefore: patch.remindBefore ? reminders(patch.remindBefore) : window.remindBefore,
  };
  check(fields, context.knownComponents, context.now, { creating: state === 'scheduled' && patch.startsAt !== undefined, endingNow: endsNow });
  return { ...window, ...fields, version: window.version + 1, updatedAt: context.now };
}

/** Calling off a window that has not ended; one in progress ends now, on the page, as cancelled. */
export function decideCancel(window: MaintenanceWindow, now: string): MaintenanceWindow {
  const state = maintenanceState(window, now);
  if (state === 'cancelled' || state === 'completed') throw new DomainError('MAINTENANCE_OVER', `Maintenance ${window.id} is already ${state}.`);
  return { ...window, cancelledAt: now, version: window.version + 1, updatedAt: now };
}
