/**
 * Single sign-on with an OpenID provider: who the provider's answer lets in, as whom, and
 * why not. Pure: the adapter (src/integrations/oidc.ts) has already checked state, nonce,
 * PKCE and the ID token; these rules only read the claims it verified.
 */
import type { OrgRole, Person } from '../people/person.js';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** What the console's button says: "Sign in with <name>". */
  name: string;
  scopes: string[];
  /** E-mail domains let in (lower case); empty: any domain. */
  allowedDomains: string[];
  /** The claim holding the person's groups or roles (a string or a list of strings), such as `groups`. */
  roleClaim: string | null;
  /** A value of `roleClaim` → the role a person created at first sign-in gets; the highest match wins. */
  roleMap: Record<string, OrgRole>;
  autoCreate: boolean;
}

/** What a sign-in begun at the provider must find again when the browser comes back: all three are checked. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the provider said about the person, after verification. */
export interface ProviderClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

export type RefusalReason = 'no-email' | 'email-unverified' | 'domain-not-allowed' | 'unknown-person' | 'ambiguous-email' | 'deactivated';

export type Admission =
  | { kind: 'existing'; person: Person }
  | { kind: 'create'; email: string; name: string; role: OrgRole; handleBase: string }
  | { kind: 'refused'; reason: RefusalReason; email: string | null; message: string };

const RANK: Record<OrgRole, number> = { viewer: 0, responder: 1, admin: 2 };
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why an issuer may not be used, or null: only https, except on a loopback address (local trials and tests). */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be a URL such as https://accounts.example.com';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopback(url)) return null;
  return 'must be https:// (plain http:// only on a loopback address such as 127.0.0.1)';
}

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

/** The role a new person gets from the claim's values: the highest mapped one, else viewer (the least a person can be). */
export function roleFromClaim(value: unknown, roleMap: Record<string, OrgRole>): OrgRole {
  const values = Array.isArray(value) ? value : [value];
  let role: OrgRole = 'viewer';
  for (const item of values) {
    const mapped = typeof item === 'string' ? roleMap[item] : undefined;
    if (mapped && RANK[mapped] > RANK[role]) role = mapped;
  }
  return role;
}

/** A handle made from an e-mail's local part (`Ana.Lima+x@…` → `ana.lima-x`); the caller makes it unique. */
export function handleFromEmail(email: string): string {
  const local = email.split('@')[0]!.toLowerCase();
  const cleaned = local.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 32);
  return cleaned || 'person';
}

/** The n-th handle to try for a new person (`ana`, `ana-2`, `ana-3`, …). */
export function nthHandle(base: string, n: number): string {
  return n <= 1 ? base : `${base.slice(0, 36)}-${n}`;
}

export function normalizedEmail(claims: ProviderClaims): string | null {
  return typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim().toLowerCase() : null;
}

/**
 * Who the claims let in. `matches` are the people with the claimed e-mail address. A provider that
 * says the address is unverified is not trusted with it: anyone could otherwise claim an
 * admin's address at a provider that lets people type one in.
 */
export function admit(claims: ProviderClaims, matches: Person[], settings: OidcSettings): Admission {
  const email = normalizedEmail(claims);
  if (!email) return refused('no-email', null, 'The provider did not say which e-mail address you signed in with; ask your admin to add the "email" scope.');
  if (claims.email_verified === false) return refused('email-unverified', email, `The provider has not verified ${email}; verify it there first.`);
  const domain = email.split('@')[1]!;
  if (settings.allowedDomains.length > 0 && !settings.allowedDomains.includes(domain))
    return refused('domain-not-allowed', email, `Addresses at ${domain} may not sign in here.`);
  const active = matches.filter((p) => p.deactivatedAt === null);
  if (active.length > 1) return refused('ambiguous-email', email, `${active.length} people here share ${email}; ask an admin to give each their own address.`);
  if (active.length === 1) return { kind: 'existing', person: active[0]! };
  // Someone who left stays out, even when the provider still lets them in and autoCreate would make them anew.
  if (matches.length > 0) return refused('deactivated', email, `@${matches[0]!.handle} has been deactivated; ask an admin if that is a mistake.`);
  if (!settings.autoCreate) return refused('unknown-person', email, `Nobody here has the e-mail address ${email}; ask an admin to add you.`);
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 120) : email;
  const role = settings.roleClaim ? roleFromClaim(claims[settings.roleClaim], settings.roleMap) : 'viewer';
  return { kind: 'create', email, name, role, handleBase: handleFromEmail(email) };
}

function refused(reason: RefusalReason, email: string | null, message: string): Admission {
  return { kind: 'refused', reason, email, message };
}
