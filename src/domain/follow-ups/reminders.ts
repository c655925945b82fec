/**
 * Reminders to a follow-up's owner, pure: one when it falls due, one when it is overdue,
 * each at most once per due date. What was sent is remembered as the due date it was sent
 * for, so moving the date earns fresh reminders and a restart repeats none.
 */
import { dueMoments, type FollowUp } from './follow-up.js';

export type FollowUpReminderKind = 'due' | 'overdue';

export interface ReminderMarks {
  /** The due date the "due" reminder was sent for, if any. */
  dueRemindedFor: string | null;
  overdueRemindedFor: string | null;
}

/** The reminder owed now, if any. An item found already overdue gets only the overdue one. */
export function reminderOwed(item: Pick<FollowUp, 'state' | 'due'>, marks: ReminderMarks, now: string): FollowUpReminderKind | null {
  if (item.state !== 'open') return null;
  const at = dueMoments(item.due);
  if (now >= at.overdue) return marks.overdueRemindedFor === item.due ? null : 'overdue';
  if (now >= at.due) return marks.dueRemindedFor === item.due ? null : 'due';
  return null;
}

/** When this item next needs a look: its next reminder moment not yet sent, or null. */
export function nextReminderAt(item: Pick<FollowUp, 'state' | 'due'>, marks: ReminderMarks): string | null {
  if (item.state !== 'open') return null;
  const at = dueMoments(item.due);
  if (marks.dueRemindedFor !== item.due && marks.overdueRemindedFor !== item.due) return at.due;
  if (marks.overdueRemindedFor !== item.due) return at.overdue;
  return null;
}
