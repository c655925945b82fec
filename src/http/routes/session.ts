/**
 * Console sign-in: `POST /session` turns an API token into the `ic_session` cookie; every
 * /api/v1 route then accepts that cookie as well as `Authorization: Bearer`. A write made
 * with the cookie must carry `X-CSRF-Token`, checked by @fastify/csrf-protection against
 * the secret kept in the server-side session (the plugin's `request.session` mode).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import Type from 'typebox';
import { authenticate, type HttpDeps } from '../context.js';
import { errorResponses } from '../openapi.js';
import { DomainError } from '../../domain/model/errors.js';
import { consolePermissions } from '../../domain/people/policy.js';
import { hashToken } from '../../commands/tokens.js';
import { closeSession, findSession, openSession } from '../../commands/sessions.js';
import { tokenSignInAllowed } from '../../commands/single-sign-on.js';
import type { StoredSession } from '../../store/sessions.js';
import type { Person } from '../../domain/people/person.js';

export const SESSION_COOKIE = 'ic_session';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session's CSRF secret, where @fastify/csrf-protection looks for it; null for bearer requests. */
    session: { _csrf?: string } | null;
  }
}

const SessionBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200, description: 'an API token' }) }, { additionalProperties: false });
const SessionSchema = Type.Object({
  person: Type.Object({ handle: Type.String(), name: Type.String(), role: Type.String() }),
  csrfToken: Type.String({ description: 'send it as X-CSRF-Token on every write made with the cookie' }),
  permissions: Type.Object({ declare: Type.Boolean(), respond: Type.Boolean(), admin: Type.Boolean() }),
});

/** Cookies and CSRF for the whole app; call once on the root instance, before the routes. */
export async function registerSessions(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/session',
    // Only the header: a form field or another header name would be one more way in.
    getToken: (request) => request.headers[CSRF_HEADER] as string | undefined,
  });
  app.decorateRequest('session', null);
}

function settings(deps: HttpDeps) {
  return deps.config.sessions;
}

async function sessionFromCookie(deps: HttpDeps, request: FastifyRequest): Promise<StoredSession | null> {
  const value = request.cookies[SESSION_COOKIE];
  if (!value) return null;
  return findSession(deps.store, value, deps.clock.now().toISOString(), settings(deps));
}

/**
 * Who the request's credentials name now, or null: for a long-lived answer (the realtime
 * stream) to notice a sign-out, an expired session, a revoked token or a changed role.
 */
export async function currentPerson(deps: HttpDeps, request: FastifyRequest): Promise<Person | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? deps.store.people.byTokenHash(hashToken(match[1]!), deps.clock.now().toISOString()) : null;
  }
  const value = request.cookies[SESSION_COOKIE];
  const session = value ? await findSession(deps.store, value, deps.clock.now().toISOString(), settings(deps), false) : null;
  return session?.person ?? null;
}

/**
 * Bearer token when the request has an Authorization header (no CSRF: a browser never adds
 * one by itself), else the session cookie, whose writes must carry the CSRF token. Answers
 * the reply when the CSRF check has refused the request (the hook must then stop).
 */
export async function authenticateRequest(deps: HttpDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (request.headers.authorization !== undefined || !request.cookies[SESSION_COOKIE]) {
    const throttle = request.server.signInThrottle;
    throttle.check(request, reply);
    try {
      await authenticate(deps, request);
    } catch (error) {
      // A token that was tried and refused counts; no header at all is not a guess.
      if (request.headers.authorization !== undefined && error instanceof DomainError && error.code === 'UNAUTHENTICATED') await throttle.refused(request, 'token');
      throw error;
    }
    return undefined;
  }
  const session = await sessionFromCookie(deps, request);
  if (!session) throw new DomainError('UNAUTHENTICATED', 'Your session has ended; sign in again.', { field: SESSION_COOKIE });
  request.person = session.person;
  request.session = { _csrf: session.csrfSecret };
  if (SAFE_METHODS.has(request.method)) return undefined;
  return refusedByCsrf(request, reply) ? reply : undefined;
}

/** True when @fastify/csrf-protection has refused the request; it has then answered 403 (errors.ts names it CSRF_TOKEN_INVALID). */
function refusedByCsrf(request: FastifyRequest, reply: FastifyReply): boolean {
  let passed = false;
  // Synchronous: it either calls back or answers.
  request.server.csrfProtection(request, reply, () => (passed = true));
  return !passed;
}

export function cookieOptions(deps: HttpDeps, request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    // request.protocol believes X-Forwarded-Proto only when TRUST_PROXY is set.
    secure: request.protocol === 'https',
    maxAge: Math.floor(settings(deps).maxAgeMs / 1000),
  };
}

/** The server's address as browsers and the OpenID provider reach it: INCIDENT_PUBLIC_URL, else what the request says. */
export function publicBase(deps: HttpDeps, request: FastifyRequest): string {
  return deps.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Where a request came from, for the audit log. */
export function originOf(request: FastifyRequest) {
  return { address: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
}

function sessionAnswer(person: Person, csrfToken: string) {
  return { person: { handle: person.handle, name: person.name, role: person.role }, csrfToken, permissions: consolePermissions(person) };
}

export async function sessionRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['access'];

  app.post(
    '/session',
    {
      schema: {
        tags,
        summary: 'Sign in to the console with an API token: sets the ic_session cookie (HttpOnly, SameSite=Lax)',
        security: [],
        body: SessionBody,
        response: { 201: SessionSchema, ...errorResponses(401, 403, 429) },
      },
    },
    async (request, reply) => {
      const previous = request.cookies[SESSION_COOKIE];
      request.server.signInThrottle.check(request, reply);
      if (!(await tokenSignInAllowed(deps.store)))
        throw new DomainError('TOKEN_SIGN_IN_OFF', `Signing in with an API token is turned off here; sign in with ${deps.config.auth.oidc?.name ?? 'single sign-on'}.`, { field: 'token' });
      request.session = {};
      const csrfToken = reply.generateCsrf();
      const opened = await openSession(deps.store, {
        token: request.body.token,
        csrfSecret: request.session._csrf!,
        now: deps.clock.now().toISOString(),
        settings: settings(deps),
        origin: originOf(request),
      }).catch(async (error: unknown) => {
        if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') await request.server.signInThrottle.refused(request, 'session');
        throw error;
      });
      // Signing in again in the same browser replaces the session it had.
      if (previous) await closeSession(deps.store, previous);
      reply.setCookie(SESSION_COOKIE, opened.id, cookieOptions(deps, request));
      return reply.code(201).send(sessionAnswer(opened.session.person, csrfToken));
    },
  );

  app.get(
    '/session',
    { schema: { tags, summary: 'Who the session cookie signs in, with a CSRF token for its writes', security: [], response: { 200: SessionSchema, ...errorResponses(401) } } },
    async (request, reply) => {
      const session = await sessionFromCookie(deps, request);
      if (!session) throw new DomainError('UNAUTHENTICATED', 'Not signed in: sign in with your API token.', { field: SESSION_COOKIE });
      request.session = { _csrf: session.csrfSecret };
      return reply.send(sessionAnswer(session.person, reply.generateCsrf()));
    },
  );

  app.delete(
    '/session',
    {
      schema: {
        tags,
        summary: "Sign out: ends the session and clears the cookie (needs X-CSRF-Token); a session opened through the OpenID provider answers where to end the provider's session too",
        security: [],
        response: { 200: Type.Object({ endSessionUrl: Type.String({ description: "the provider's end_session_endpoint: send the browser there" }) }), 204: Type.Null({ description: 'Signed out' }), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const value = request.cookies[SESSION_COOKIE];
      const session = value ? await sessionFromCookie(deps, request) : null;
      // Signing out of a session that has already ended is done; a live one needs its CSRF token like any write.
      if (session) {
        request.session = { _csrf: session.csrfSecret };
        if (refusedByCsrf(request, reply)) return reply;
        await closeSession(deps.store, value!, { person: session.person.handle, now: deps.clock.now().toISOString(), origin: originOf(request) });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      const oidc = request.server.oidc;
      const endSessionUrl = session && session.tokenId === null && oidc ? await oidc.endSessionUrl(session.idToken, `${publicBase(deps, request)}/`) : null;
      if (endSessionUrl) return reply.code(200).send({ endSessionUrl });
      return reply.code(204).send(null);
    },
  );
}
