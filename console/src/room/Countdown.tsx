/** R8: how long until the promised update is owed; amber when due soon, red once overdue. */
import { formatDuration, useNow, utcTime } from '../time.js';

export type CountdownTone = 'calm' | 'due-soon' | 'overdue' | 'none';

export function countdownTone(nextUpdateBy: string | null, updateDueAt: string | null, now: number): CountdownTone {
  if (!nextUpdateBy) return 'none';
  if (Date.parse(nextUpdateBy) <= now) return 'overdue';
  return updateDueAt !== null && Date.parse(updateDueAt) <= now ? 'due-soon' : 'calm';
}

export interface CountdownProps {
  nextUpdateBy: string | null;
  /** The incident answer's `updateDueAt`: the server's reminder lead time (reminders.dueSoon) decides when it turns amber. */
  updateDueAt: string | null;
  /** Resolved incidents, and severities without a cadence, owe no timed update. */
  resolved?: boolean;
}

export function Countdown({ nextUpdateBy, updateDueAt, resolved = false }: CountdownProps) {
  const now = useNow(1000);
  if (resolved) return <div className="countdown none">No further update owed: resolved.</div>;
  const tone = countdownTone(nextUpdateBy, updateDueAt, now);
  if (!nextUpdateBy) return <div className="countdown none">Next update: at resolution (no cadence for this severity).</div>;
  const left = Date.parse(nextUpdateBy) - now;
  return (
    <div className={`countdown ${tone}`} role="timer" aria-label="Next update countdown" title={`Promised by ${utcTime(nextUpdateBy)}`}>
      {tone === 'overdue' ? (
        <>
          <strong>Update overdue</strong> by {formatDuration(-left)}: silence reads as abandonment, post an update now.
        </>
      ) : (
        <>
          <strong>{tone === 'due-soon' ? 'Update due soon' : 'Next update'}</strong> in {formatDuration(left)} (by {utcTime(nextUpdateBy).slice(11)})
        </>
      )}
    </div>
  );
}
