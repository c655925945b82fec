/**
 * What the status page's subscribers are told of scheduled maintenance, pure. A window is
 * announced when it is scheduled; those who follow one of its components (or everything)
 * then hear when it is rescheduled, an hour before it starts, when it starts, when it is
 * over and when it is called off — as Statuspage tells its subscribers. The reminder,
 * starting and ending are the clock's doing, so a worker notices them
 * (src/processors/notifications/maintenance-notices.ts); the rest comes with the change
 * that causes it.
 */
import { maintenanceState, nextMaintenanceChange, type MaintenanceWindow } from './window.js';

export const NOTICE_KINDS = ['scheduled', 'rescheduled', 'reminder', 'started', 'completed', 'cancelled'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * A start or end noticed later than this (the server was down through it) is not sent:
 * by then it is stale news, and the page already says where the window stands.
 */
export const LATE_NOTICE_MS = 60 * 60_000;

/**
 * How long before a window starts its followers are reminded of it, as status pages do: the
 * announcement may have come weeks before.
 */
export const REMIND_BEFORE_MS = 60 * 60_000;

/**
 * Not reminded when they last heard of its times (scheduled or moved) less than this before
 * the reminder: that news was the reminder, and a second mail minutes after the first reads
 * as a duplicate.
 */
export const FRESH_NEWS_MS = 60 * 60_000;

/** What a window's followers have been told so far (src/store/maintenance.ts reads it). */
export interface NoticeHistory {
  kinds: ReadonlySet<NoticeKind>;
  keys: ReadonlySet<string>;
  /** When they last heard its times: its latest scheduled or rescheduled notice. */
  announcedAt: string | null;
}

export const NO_NOTICES: NoticeHistory = { kinds: new Set(), keys: new Set(), announcedAt: null };

export interface Notice {
  kind: NoticeKind;
  /** Unique per window and kind (noticeKey): a reschedule once per version, a reminder once per start. */
  key: string;
  version: number;
  /** Who hears it: those following one of these (for a reschedule, the components before and after). */
  components: string[];
  /** The window as it was when this happened: what the notice says, however it changes before it goes out. */
  window: MaintenanceWindow;
}

/** Once per window and kind; a reschedule once per version, a reminder once per start (moved later, it is owed again). */
function noticeKey(window: MaintenanceWindow, kind: NoticeKind): string {
  if (kind === 'rescheduled') return `${window.id}:${kind}:${window.version}`;
  if (kind === 'reminder') return `${window.id}:${kind}:${window.startsAt}`;
  return `${window.id}:${kind}`;
}

function notice(window: MaintenanceWindow, kind: NoticeKind, components = window.components): Notice {
  const key = noticeKey(window, kind);
  return { kind, key, version: window.version, components: [...new Set(components)].sort(), window };
}

export function scheduledNotice(window: MaintenanceWindow): Notice {
  return notice(window, 'scheduled');
}

/**
 * What a change to a window tells subscribers, given the kinds it has had: called off, over
 * (its end moved to now), or moved (its times or components, what subscribers plan around).
 * A change of its words alone is not sent: the page shows it, and a mail per typo would
 * teach people to ignore them. Nothing for a window never announced (scheduled before
 * subscribers were told of maintenance): news of a change to something never heard of.
 */
export function noticeOfChange(before: MaintenanceWindow, after: MaintenanceWindow, now: string, had: ReadonlySet<NoticeKind>): Notice | null {
  if (!had.has('scheduled')) return null;
  if (after.cancelledAt !== null) return notice(after, 'cancelled', [...before.components, ...after.components]);
  if (maintenanceState(before, now) === 'in_progress' && maintenanceState(after, now) === 'completed') return notice(after, 'completed');
  const moved =
    before.startsAt !== after.startsAt ||
    before.endsAt !== after.endsAt ||
    before.components.length !== after.components.length ||
    before.components.some((id) => !after.components.includes(id));
  return moved ? notice(after, 'rescheduled', [...before.components, ...after.components]) : null;
}

/**
 * The notices the clock owes a window at `now`, given what it has had: a reminder in the hour
 * before it starts, a start once it is in progress, an end once it is over (not a start as
 * well: its end says more). Only for a window that was announced (one scheduled before
 * subscribers were told of maintenance was never announced, so its start would be news from
 * nowhere), and not later than LATE_NOTICE_MS after the moment.
 */
export function noticesOwed(window: MaintenanceWindow, history: NoticeHistory, now: string): Notice[] {
  const had = history.kinds;
  if (!had.has('scheduled') || had.has('cancelled') || had.has('completed')) return [];
  const state = maintenanceState(window, now);
  const timely = (at: string) => Date.parse(now) - Date.parse(at) <= LATE_NOTICE_MS;
  if (state === 'scheduled') return isReminderOwed(window, history, now) ? [notice(window, 'reminder')] : [];
  if (state === 'in_progress' && !had.has('started') && timely(window.startsAt)) return [notice(window, 'started')];
  if (state === 'completed' && timely(window.endsAt)) return [notice(window, 'completed')];
  return [];
}

function remindAt(window: MaintenanceWindow): string {
  return new Date(Date.parse(window.startsAt) - REMIND_BEFORE_MS).toISOString();
}

function isReminderOwed(window: MaintenanceWindow, history: NoticeHistory, now: string): boolean {
  const at = remindAt(window);
  const stale = history.announcedAt !== null && Date.parse(at) - Date.parse(history.announcedAt) >= FRESH_NEWS_MS;
  return now >= at && !history.keys.has(noticeKey(window, 'reminder')) && stale;
}

/** The next moment the clock owes any of these windows a notice (a reminder, a start, an end), or null. */
export function nextNoticeMoment(windows: readonly MaintenanceWindow[], now: string): string | null {
  const reminders = windows.filter((w) => w.cancelledAt === null).map(remindAt);
  return [nextMaintenanceChange(windows, now), ...reminders].reduce<string | null>((next, at) => (at !== null && at > now && (next === null || at < next) ? at : next), null);
}

/**
 * Whether a kept notice is still worth sending at `now`: within LATE_NOTICE_MS of what it
 * tells, or, later than that (deliveries were stuck), when it announces a window that has
 * not started yet; a reminder only before the window starts.
 */
export function worthSending(notice: Pick<Notice, 'kind' | 'window'> & { createdAt: string }, now: string): boolean {
  // A reminder after the start is no reminder: the start's own notice says it.
  if (notice.kind === 'reminder') return now < notice.window.startsAt;
  if (Date.parse(now) - Date.parse(notice.createdAt) <= LATE_NOTICE_MS) return true;
  return (notice.kind === 'scheduled' || notice.kind === 'rescheduled') && now < notice.window.startsAt;
}
