/**
 * Console sessions: an API token pasted once becomes a cookie. Pure rules about how long
 * a session lives; the cookie, the store and CSRF are the adapter's (src/sessions/service.ts,
 * src/http/routes/session.ts).
 *
 * A session ends at the first of: `idleMs` without a request, `maxAgeMs` after signing in,
 * signing out, or the token that opened it ceasing to exist (the store joins on it), so
 * taking a person's token away also takes their console away.
 */
export interface SessionSettings {
  idleMs: number;
  maxAgeMs: number;
}

/** At most how often `last_seen_at` is written: per request would be one disk sync per read. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionTimes {
  lastSeenAt: string;
  expiresAt: string;
}

export function expiresAt(openedAt: string, settings: SessionSettings): string {
  return new Date(Date.parse(openedAt) + settings.maxAgeMs).toISOString();
}

export function isLive(session: SessionTimes, now: string, settings: SessionSettings): boolean {
  const at = Date.parse(now);
  return at < Date.parse(session.expiresAt) && at < Date.parse(session.lastSeenAt) + settings.idleMs;
}

/** True when the session's last use is old enough to be worth writing down again. */
export function needsTouch(session: SessionTimes, now: string, settings: SessionSettings): boolean {
  return Date.parse(now) - Date.parse(session.lastSeenAt) >= Math.min(TOUCH_EVERY_MS, settings.idleMs / 10);
}

/** The last moment a session idle since then would still be live: older ones can be deleted. */
export function idleCutoff(now: string, settings: SessionSettings): string {
  return new Date(Date.parse(now) - settings.idleMs).toISOString();
}
