/**
 * Refused credentials from one client address: after `failures` refusals within `windowMs`,
 * the address is refused outright (429) for `blockMs`. A burst — the refusals of one window —
 * is reported once when it starts and once when it is blocked, never per try. Pure: the
 * adapter keeps one `Attempts` per address and passes the time in.
 */
export interface ThrottleSettings {
  failures: number;
  windowMs: number;
  blockMs: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { failures: 10, windowMs: 60_000, blockMs: 5 * 60_000 };

export interface Attempts {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/** Seconds until this address may try again, or null when it may now. */
export function retryAfter(attempts: Attempts | undefined, now: number): number | null {
  if (!attempts || attempts.blockedUntil <= now) return null;
  return Math.max(1, Math.ceil((attempts.blockedUntil - now) / 1000));
}

/** What a refusal does: the new count, and whether it starts a burst or blocks the address (each reported once). */
export function noteRefusal(attempts: Attempts | undefined, now: number, settings: ThrottleSettings): { attempts: Attempts; report: 'burst' | 'blocked' | null } {
  const fresh = !attempts || now - attempts.windowStart >= settings.windowMs;
  const next: Attempts = fresh ? { failures: 1, windowStart: now, blockedUntil: 0 } : { ...attempts, failures: attempts.failures + 1 };
  if (next.failures === settings.failures) {
    next.blockedUntil = now + settings.blockMs;
    return { attempts: next, report: 'blocked' };
  }
  return { attempts: next, report: fresh ? 'burst' : null };
}

/** An entry past its window and its block says nothing any more and may be forgotten. */
export function isStale(attempts: Attempts, now: number, settings: ThrottleSettings): boolean {
  return now - attempts.windowStart >= settings.windowMs && attempts.blockedUntil <= now;
}
