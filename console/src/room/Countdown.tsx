/** R8: how long until the promised update is owed; amber when due soon, red once overdue. */
import { formatDuration, useNow, utcTime } from '../time.js';

export const DUE_SOON_MS = 5 * 60_000;

export type CountdownTone = 'calm' | 'due-soon' | 'overdue' | 'none';

export function countdownTone(nextUpdateBy: string | null, now: number, dueSoonMs: number, updateDue = false): CountdownTone {
  if (!nextUpdateBy) return 'none';
  const left = Date.parse(nextUpdateBy) - now;
  if (left <= 0) return 'overdue';
  return updateDue || left <= dueSoonMs ? 'due-soon' : 'calm';
}

export interface CountdownProps {
  nextUpdateBy: string | null;
  /** The server's word that the update is due soon (its reminder lead time may differ from ours). */
  updateDue?: boolean;
  dueSoonMs?: number;
  /** Resolved incidents, and severities without a cadence, owe no timed update. */
  resolved?: boolean;
}

export function Countdown({ nextUpdateBy, updateDue = false, dueSoonMs = DUE_SOON_MS, resolved = false }: CountdownProps) {
  const now = useNow(1000);
  if (resolved) return <div className="countdown none">No further update owed: resolved.</div>;
  const tone = countdownTone(nextUpdateBy, now, dueSoonMs, updateDue);
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
