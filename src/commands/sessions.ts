/** Opening, finding and closing console sessions in the store. The cookie's value is never stored, only its hash. */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { Repository } from '../store/repository.js';
import type { StoredSession } from '../store/sessions.js';
import { hashToken } from './tokens.js';
import { DomainError } from '../domain/model/errors.js';
import type { AuditOrigin } from '../domain/audit/entry.js';
import { expiresAt, idleCutoff, isLive, needsTouch, type SessionSettings } from '../domain/sessions/rules.js';

export interface OpenedSession {
  /** The cookie's value: 256 random bits, shown to the browser only. */
  id: string;
  session: StoredSession;
}

/** Opens a session for `person` in `tx` and records the sign-in; `tokenId` is the token signed in with, null for the OpenID provider. */
export async function startSession(
  tx: Repository,
  input: { person: string; tokenId: string | null; idToken: string | null; csrfSecret: string; now: string; settings: SessionSettings; origin: AuditOrigin },
): Promise<OpenedSession> {
  const id = randomBytes(32).toString('base64url');
  const idHash = hashToken(id);
  // Sign-in is when expired sessions are swept: no timer needed, and the table stays small.
  await tx.sessions.deleteExpired(input.now, idleCutoff(input.now, input.settings));
  await tx.sessions.insert({
    idHash,
    person: input.person,
    tokenId: input.tokenId,
    idToken: input.idToken,
    csrfSecret: input.csrfSecret,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt: expiresAt(input.now, input.settings),
  });
  const how = input.tokenId ? { target: input.tokenId, after: null } : { target: null, after: { method: 'oidc' } };
  await tx.audit.append(input.now, { actor: input.person, action: 'session.opened', before: null, ...how }, input.origin);
  const session = await tx.sessions.find(idHash, input.now);
  return { id, session: session! };
}

/** Signs in with an API token; `csrfSecret` is the secret the session's writes will be checked against. */
export async function openSession(
  store: Store,
  input: { token: string; csrfSecret: string; now: string; settings: SessionSettings; origin: AuditOrigin },
): Promise<OpenedSession> {
  const opened = await store.transaction(async (tx) => {
    const token = await tx.sessions.token(hashToken(input.token), input.now);
    if (!token) return null;
    return startSession(tx, { ...input, person: token.person, tokenId: token.id, idToken: null });
  });
  // The refusal is counted and audited once per burst by the caller (src/http/throttle.ts).
  if (!opened) throw new DomainError('UNAUTHENTICATED', 'That API token is not valid.', { field: 'token' });
  return opened;
}

/**
 * The live session a cookie names, its last use noted (unless `touch` is false: a check that
 * is not the person's doing must not keep the session from idling out); null when there is
 * none (expired, signed out, token gone).
 */
export async function findSession(store: Store, cookie: string, now: string, settings: SessionSettings, touch = true): Promise<StoredSession | null> {
  const idHash = hashToken(cookie);
  const session = await store.sessions.find(idHash, now);
  if (!session) return null;
  if (!isLive(session, now, settings)) {
    await store.sessions.delete(idHash);
    return null;
  }
  if (touch && needsTouch(session, now, settings)) await store.sessions.touch(idHash, now);
  return session;
}

/** Signing out; `who` (the session's person) is recorded in the audit log when given. */
export async function closeSession(store: Store, cookie: string, who?: { person: string; now: string; origin: AuditOrigin }): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.sessions.delete(hashToken(cookie));
    if (who) await tx.audit.append(who.now, { actor: who.person, action: 'session.closed', target: null, before: null, after: null }, who.origin);
  });
}
