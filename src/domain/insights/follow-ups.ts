/**
 * Follow-ups in insights, pure: how many were opened, done and dropped in the period, and
 * how many were overdue as it ended. Counted from the follow-ups as they stand now (a
 * reopened one counts by its latest close), for the incidents the period's filters keep.
 */
import { isOverdue, type FollowUp } from '../follow-ups/follow-up.js';

export interface FollowUpFigures {
  /** Opened in [from, to). */
  opened: number;
  /** Marked done in [from, to). */
  done: number;
  /** Marked won't do in [from, to). */
  wontDo: number;
  /** At the period's last moment (or now, if earlier): opened by then, past their due day, not closed by then. */
  overdue: number;
  /** That moment (the period's end is exclusive: its last millisecond). */
  overdueAt: string;
}

export function followUpFigures(items: readonly Pick<FollowUp, 'state' | 'due' | 'createdAt' | 'closedAt'>[], from: string, to: string, now: string): FollowUpFigures {
  const within = (t: string | null) => t !== null && t >= from && t < to;
  const last = new Date(Date.parse(to) - 1).toISOString();
  const end = last < now ? last : now;
  const closedIn = (state: FollowUp['state']) => items.filter((i) => i.state === state && within(i.closedAt)).length;
  // Open at `end`: opened by then and not closed by then, whatever happened since.
  const openAtEnd = items.filter((i) => i.createdAt <= end && (i.closedAt === null || i.closedAt > end));
  return {
    opened: items.filter((i) => within(i.createdAt)).length,
    done: closedIn('done'),
    wontDo: closedIn('wont_do'),
    overdue: openAtEnd.filter((i) => isOverdue({ state: 'open', due: i.due }, end)).length,
    overdueAt: end,
  };
}
