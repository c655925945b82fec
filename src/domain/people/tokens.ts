/**
 * API tokens: when a new one expires, and who may hold how many. Pure; the secret itself is
 * made in src/commands/tokens.ts.
 */
import { DomainError } from '../model/errors.js';
import { parseDuration } from '../model/time.js';

/** An API token as its owner and admins see it: never the secret, nor its hash. */
export interface TokenInfo {
  id: string;
  person: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** More live tokens than this for one person is a leak waiting to happen: revoke some first. */
export const MAX_TOKENS_PER_PERSON = 25;

/** The shortest and longest lifetimes a token may be given (a minute; five years). */
const MIN_LIFETIME_MS = 60_000;
const MAX_LIFETIME_MS = 5 * 366 * 86_400_000;

/**
 * When a token issued now expires: `expiresIn` (a duration such as 30d, or `never`), else the
 * configured default. `never` is for service tokens, which only an admin issues.
 */
export function tokenExpiry(now: string, expiresIn: string | undefined, defaultMs: number | null, byAdmin: boolean): string | null {
  if (expiresIn === 'never') {
    if (!byAdmin) throw new DomainError('FORBIDDEN', 'Only an admin may issue a token that never expires (a service token).', { field: 'expiresIn' });
    return null;
  }
  const ms = expiresIn === undefined ? defaultMs : parseDuration(expiresIn);
  if (ms === null && expiresIn === undefined) return null;
  if (ms === null || ms < MIN_LIFETIME_MS || ms > MAX_LIFETIME_MS)
    throw new DomainError('VALIDATION_FAILED', 'expiresIn must be a duration from 1m to 5 years, such as 30d or 12h, or "never".', { field: 'expiresIn' });
  return new Date(Date.parse(now) + ms).toISOString();
}

export function requireRoomForToken(live: number, handle: string): void {
  if (live >= MAX_TOKENS_PER_PERSON)
    throw new DomainError('TOO_MANY_TOKENS', `@${handle} already has ${live} live tokens; revoke one first.`, { field: 'handle' });
}

export function isExpired(expiresAt: string | null, now: string): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= Date.parse(now);
}
