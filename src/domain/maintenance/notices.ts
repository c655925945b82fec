/**
 * What the status page's subscribers are told of scheduled maintenance, pure. A window is
 * announced when it is scheduled; those who follow one of its components (or everything)
 * then hear when it is rescheduled, at the reminders chosen for it (72, 24 or 1 hour before
 * it starts, as status.io offers), when it starts, when it is over and when it is called off
 * — as Statuspage tells its subscribers. Reminders, starting and ending are the clock's doing,
 * so a worker notices them (src/processors/notifications/maintenance-notices.ts); the rest
 * comes with the change that causes it.
 */
import { maintenanceState, nextMaintenanceChange, REMINDER_LEADS, type MaintenanceWindow, type ReminderLead } from './window.js';

export const NOTICE_KINDS = ['scheduled', 'rescheduled', 'reminder', 'started', 'completed', 'cancelled'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/**
 * A reminder, start or end noticed later than this (the server was down through it) is not
 * sent: by then it is stale news, a reminder's "in 24 hours" is no longer true, and the page
 * already says where the window stands.
 */
export const LATE_NOTICE_MS = 60 * 60_000;

const HOUR_MS = 60 * 60_000;
const LEAD_MS: Record<ReminderLead, number> = { '1h': HOUR_MS, '24h': 24 * HOUR_MS, '72h': 72 * HOUR_MS };

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

/** Which news a notice is; a reminder also says how long before the start it is. */
export type NoticeNews = { kind: Exclude<NoticeKind, 'reminder'> } | { kind: 'reminder'; remindBefore: ReminderLead };

export type Notice = NoticeNews & {
  /** Unique per window and kind (noticeKey): a reschedule once per version, a reminder once per lead time and start. */
  key: string;
  version: number;
  /** Who hears it: those following one of these (for a reschedule, the components before and after). */
  components: string[];
  /** The window as it was when this happened: what the notice says, however it changes before it goes out. */
  window: MaintenanceWindow;
};

/** Once per window and kind; a reschedule once per version. */
function noticeKey(window: MaintenanceWindow, kind: Exclude<NoticeKind, 'reminder'>): string {
  return kind === 'rescheduled' ? `${window.id}:${kind}:${window.version}` : `${window.id}:${kind}`;
}

/** Once per lead time and start: moved later, each is owed again. */
function reminderKey(window: MaintenanceWindow, lead: ReminderLead): string {
  return `${window.id}:reminder:${lead}:${window.startsAt}`;
}

/** Whether its followers had this reminder for this start. One kept before there was a choice, keyed without its lead time, was the hour's: an upgrade in that hour sends no second. */
function reminded(window: MaintenanceWindow, lead: ReminderLead, keys: ReadonlySet<string>): boolean {
  return keys.has(reminderKey(window, lead)) || (lead === '1h' && keys.has(`${window.id}:reminder:${window.startsAt}`));
}

const followers = (components: readonly string[]) => [...new Set(components)].sort();

function notice(window: MaintenanceWindow, kind: Exclude<NoticeKind, 'reminder'>, components = window.components): Notice {
  return { kind, key: noticeKey(window, kind), version: window.version, components: followers(components), window };
}

function reminder(window: MaintenanceWindow, lead: ReminderLead): Notice {
  return { kind: 'reminder', remindBefore: lead, key: reminderKey(window, lead), version: window.version, components: followers(window.components), window };
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
 * The notices the clock owes a window at `now`, given what it has had: a reminder before it
 * starts (reminderOwed), a start once it is in progress, an end once it is over (not a start
 * as well: its end says more). Only for a window that was announced (one scheduled before
 * subscribers were told of maintenance was never announced, so its start would be news from
 * nowhere), and not later than LATE_NOTICE_MS after the moment.
 */
export function noticesOwed(window: MaintenanceWindow, history: NoticeHistory, now: string): Notice[] {
  const had = history.kinds;
  if (!had.has('scheduled') || had.has('cancelled') || had.has('completed')) return [];
  const state = maintenanceState(window, now);
  const timely = (at: string) => Date.parse(now) - Date.parse(at) <= LATE_NOTICE_MS;
  if (state === 'scheduled') {
    const owed = reminderOwed(window, history, now);
    return owed ? [owed] : [];
  }
  if (state === 'in_progress' && !had.has('started') && timely(window.startsAt)) return [notice(window, 'started')];
  if (state === 'completed' && timely(window.endsAt)) return [notice(window, 'completed')];
  return [];
}

/**
 * How late a reminder may still go out: its "in 1 hour" must stay about true, so a quarter of its
 * lead at most, and never more than LATE_NOTICE_MS.
 */
function reminderLatenessMs(lead: ReminderLead): number {
  return Math.min(LATE_NOTICE_MS, LEAD_MS[lead] / 4);
}

function remindAt(window: MaintenanceWindow, lead: ReminderLead): string {
  return new Date(Date.parse(window.startsAt) - LEAD_MS[lead]).toISOString();
}

/**
 * Of the lead times chosen, only the nearest whose moment has come is considered: one passed
 * over (the server was down through it, or the window was scheduled after it) is not sent late,
 * and never beside a nearer one minutes later. It is owed once per start, within
 * reminderLatenessMs of its moment, and not when its followers heard of the window's times less
 * than FRESH_NEWS_MS before it.
 */
function reminderOwed(window: MaintenanceWindow, history: NoticeHistory, now: string): Notice | null {
  const lead = REMINDER_LEADS.find((l) => window.remindBefore.includes(l) && remindAt(window, l) <= now);
  if (lead === undefined || reminded(window, lead, history.keys)) return null;
  const at = Date.parse(remindAt(window, lead));
  const late = Date.parse(now) - at > reminderLatenessMs(lead);
  const justTold = history.announcedAt === null || at - Date.parse(history.announcedAt) < FRESH_NEWS_MS;
  return late || justTold ? null : reminder(window, lead);
}

/** The next moment the clock owes any of these windows a notice (each reminder chosen, a start, an end), or null. */
export function nextNoticeMoment(windows: readonly MaintenanceWindow[], now: string): string | null {
  const reminders = windows.filter((w) => w.cancelledAt === null).flatMap((w) => w.remindBefore.map((lead) => remindAt(w, lead)));
  return [nextMaintenanceChange(windows, now), ...reminders].reduce<string | null>((next, at) => (at !== null && at > now && (next === null || at < next) ? at : next), null);
}

/**
 * Whether a kept notice is still worth sending at `now`: within LATE_NOTICE_MS of what it
 * tells, or, later than that (deliveries were stuck), when it announces a window that has
 * not started yet; a reminder only as late as it could have been owed.
 */
export function worthSending(notice: NoticeNews & Pick<Notice, 'window'> & { createdAt: string }, now: string): boolean {
  // One kept longer would tell of the start "in 1 hour" when it is not, or go out beside the next
  // reminder; a quarter of its lead late at most, it also never goes out after the start.
  if (notice.kind === 'reminder') return Date.parse(now) - Date.parse(remindAt(notice.window, notice.remindBefore)) <= reminderLatenessMs(notice.remindBefore);
  if (Date.parse(now) - Date.parse(notice.createdAt) <= LATE_NOTICE_MS) return true;
  return (notice.kind === 'scheduled' || notice.kind === 'rescheduled') && now < notice.window.startsAt;
}
