/**
 * Signing in through the OpenID provider once it has vouched for someone (the provider side is
 * src/integrations/oidc.ts), and the switch that turns token sign-in off for the console.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { Repository } from '../store/repository.js';
import type { CommandContext } from './context.js';
import type { Person } from '../domain/people/person.js';
import type { AuditOrigin } from '../domain/audit/entry.js';
import type { SessionSettings } from '../domain/sessions/rules.js';
import { admit, nthHandle, type Admission, type OidcSettings, type PendingSignIn, type ProviderClaims } from '../domain/sessions/single-sign-on.js';
import { authorize } from '../domain/people/policy.js';
import { DomainError } from '../domain/model/errors.js';
import { hashToken } from './tokens.js';
import { startSession, type OpenedSession } from './sessions.js';
import { auditedPerson, RESERVED_HANDLES } from './people.js';
import { recordAudit } from './audit.js';

/** How long a browser may take at the provider between leaving and coming back. */
const SIGN_IN_WINDOW_MS = 10 * 60_000;
/** Handles tried for a new person before giving up (`ana`, `ana-2`, …). */
const HANDLE_TRIES = 50;
const TOKEN_SIGN_IN = 'token_sign_in';

/** Keeps what the browser's return must match, under a new random cookie value (answered). */
export async function beginProviderSignIn(store: Store, pending: PendingSignIn, now: string): Promise<string> {
  const cookie = randomBytes(32).toString('base64url');
  await store.signIn.begin(hashToken(cookie), pending, now, new Date(Date.parse(now) + SIGN_IN_WINDOW_MS).toISOString());
  return cookie;
}

/** The sign-in this browser began, once: a second return with the same cookie finds nothing. */
export function takeProviderSignIn(store: Store, cookie: string, now: string): Promise<PendingSignIn | null> {
  return store.signIn.take(hashToken(cookie), now);
}

export type ProviderSignIn = { opened: OpenedSession; created: boolean } | { refused: Extract<Admission, { kind: 'refused' }> };

/**
 * Opens a session for the person the verified claims name, creating them first when the
 * configuration says so; every refusal is recorded in the audit log with its reason.
 */
export async function signInWithProvider(
  store: Store,
  input: { claims: ProviderClaims; idToken: string; oidc: OidcSettings; csrfSecret: string; now: string; settings: SessionSettings; origin: AuditOrigin },
): Promise<ProviderSignIn> {
  return store.transaction(async (tx) => {
    const email = typeof input.claims.email === 'string' ? input.claims.email.trim().toLowerCase() : null;
    const matches = email ? await tx.people.byEmail(email) : [];
    const admission = admit(input.claims, matches, input.oidc);
    if (admission.kind === 'refused') {
      const actor = admission.reason === 'deactivated' ? (matches[0]?.handle ?? null) : null;
      const after = { method: 'oidc', reason: admission.reason, email: admission.email, subject: input.claims.sub };
      await tx.audit.append(input.now, { actor, action: 'session.refused', target: null, before: null, after }, input.origin);
      return { refused: admission };
    }
    const created = admission.kind === 'create';
    const person = admission.kind === 'existing' ? admission.person : await createFromProvider(tx, admission, input.now, input.origin);
    const opened = await startSession(tx, { person: person.handle, tokenId: null, idToken: input.idToken, csrfSecret: input.csrfSecret, now: input.now, settings: input.settings, origin: input.origin });
    return { opened, created };
  });
}

async function createFromProvider(tx: Repository, admission: Extract<Admission, { kind: 'create' }>, now: string, origin: AuditOrigin): Promise<Person> {
  for (let n = 1; n <= HANDLE_TRIES; n++) {
    const handle = nthHandle(admission.handleBase, n);
    if (RESERVED_HANDLES.includes(handle) || (await tx.people.get(handle))) continue;
    const person: Person = { handle, name: admission.name, email: admission.email, role: admission.role, chat: {}, createdAt: now, deactivatedAt: null, version: 1 };
    await tx.people.insert(person);
    // Created by their own first sign-in: they are the actor, the provider the reason.
    await recordAudit({ tx, now, actor: person, origin }, 'person.created', handle, { after: { ...auditedPerson(person), via: 'oidc' } });
    return person;
  }
  throw new DomainError('PERSON_EXISTS', `No free handle near @${admission.handleBase}; an admin must add this person by hand.`, { field: 'email' });
}

/** Whether people may sign in to the console with an API token (on unless an admin turned it off). */
export async function tokenSignInAllowed(tx: Repository): Promise<boolean> {
  return (await tx.signIn.setting(TOKEN_SIGN_IN)) !== 'off';
}

/**
 * Turns console sign-in with an API token on or off (admins). Off ends the sessions tokens
 * opened, except `keep` (the admin's own, so the switch does not sign them out mid-change);
 * bearer tokens keep working for the API and the CLI.
 */
export async function setTokenSignIn(ctx: CommandContext, on: boolean, keep: string | null): Promise<boolean> {
  authorize(ctx.actor, 'people.manage');
  // Without a provider, the token form is the only way into the console.
  if (!on && !ctx.config.auth.oidc)
    throw new DomainError('SINGLE_SIGN_ON_OFF', 'Token sign-in can be turned off only when single sign-on is configured (auth.oidc).', { field: 'tokenSignIn' });
  const before = await tokenSignInAllowed(ctx.tx);
  if (before === on) return on;
  await ctx.tx.signIn.setSetting(TOKEN_SIGN_IN, on ? 'on' : 'off', ctx.now, ctx.actor.handle);
  if (!on) await ctx.tx.sessions.deleteTokenSessions(keep ? hashToken(keep) : null);
  const methods = (allowed: boolean) => ({ signInMethods: allowed ? ['api-token', 'oidc'] : ['oidc'] });
  await recordAudit(ctx, 'auth.settings_changed', null, { before: methods(before), after: methods(on) });
  return on;
}
