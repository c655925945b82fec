/**
 * Single sign-on (issue 14): `GET /auth/oidc/login` sends the browser to the OpenID provider,
 * `GET /auth/oidc/callback` brings it back signed in with the same ic_session cookie a token
 * sign-in gives. What the return must match (state, nonce, PKCE verifier) is kept server-side
 * under the hash of a short-lived ic_oidc cookie, so it is bound to the browser that left and
 * works across instances. Plus the sign-in options the console asks for, and the admin switch
 * for token sign-in.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, write, type HttpDeps } from '../context.js';
import { ErrorBody, SignInOptionsSchema } from '../schemas.js';
import { answerAs, errorResponses } from '../openapi.js';
import { DomainError } from '../../domain/model/errors.js';
import { OidcFailure, type OidcClient } from '../../integrations/oidc.js';
import { beginProviderSignIn, setTokenSignIn, signInWithProvider, takeProviderSignIn, tokenSignInAllowed } from '../../commands/single-sign-on.js';
import { closeSession } from '../../commands/sessions.js';
import { authorize } from '../../domain/people/policy.js';
import { signInRefusedPage } from '../../presenters/sign-in-refused.js';
import { cookieOptions, originOf, publicBase, SESSION_COOKIE } from './session.js';

const PENDING_COOKIE = 'ic_oidc';
const OIDC_PATH = '/api/v1/auth/oidc';
export const CALLBACK_PATH = `${OIDC_PATH}/callback`;

const SignInSettings = Type.Object({ tokenSignIn: Type.Boolean({ description: 'false: people sign in to the console only through the OpenID provider; API tokens still work as bearer tokens' }) }, { additionalProperties: false });
const CallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096, description: "the provider's authorization code" })),
    state: Type.Optional(Type.String({ maxLength: 1024, description: 'the state sent with the login redirect' })),
    error: Type.Optional(Type.String({ maxLength: 200, description: 'why the provider refused, when it did' })),
  },
  { additionalProperties: true },
);

function refusedPage(deps: HttpDeps, reply: FastifyReply, oidc: OidcClient, status: number, message: string) {
  reply.clearCookie(PENDING_COOKIE, { path: OIDC_PATH });
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(signInRefusedPage({ organization: deps.config.organization.name, provider: oidc.settings.name, message }));
}

function providerOf(request: FastifyRequest): OidcClient {
  const oidc = request.server.oidc;
  if (!oidc) throw new DomainError('SINGLE_SIGN_ON_OFF', 'Single sign-on is not configured here (auth.oidc); sign in with an API token.');
  return oidc;
}

/** The public routes: sign-in options and the provider round trip. */
export async function singleSignOnRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['access'];

  app.get(
    '/auth/options',
    { schema: { tags, summary: 'How the console may be signed in to: the OpenID provider (if configured) and whether the token form is on', security: [], response: { 200: SignInOptionsSchema } } },
    async () => {
      const oidc = deps.config.auth.oidc;
      return { tokenSignIn: await tokenSignInAllowed(deps.store), oidc: oidc ? { name: oidc.name, loginUrl: `${OIDC_PATH}/login` } : null };
    },
  );

  app.get(
    '/auth/oidc/login',
    {
      schema: {
        tags,
        summary: 'Start signing in through the OpenID provider: redirects there (Authorization Code with PKCE) and sets the short-lived ic_oidc cookie',
        security: [],
        response: {
          302: Type.Null({ description: 'To the provider' }),
          ...errorResponses(409, 429),
          502: answerAs('text/html', 'An HTML page: the provider could not be reached'),
        },
      },
    },
    async (request, reply) => {
      const oidc = providerOf(request);
      request.server.signInThrottle.check(request, reply);
      let started: Awaited<ReturnType<OidcClient['begin']>>;
      try {
        started = await oidc.begin(`${publicBase(deps, request)}${CALLBACK_PATH}`);
      } catch (error) {
        if (!(error instanceof OidcFailure)) throw error;
        request.log.warn({ err: error }, 'OpenID provider unreachable');
        return refusedPage(deps, reply, oidc, 502, error.message);
      }
      const cookie = await beginProviderSignIn(deps.store, started.pending, deps.clock.now().toISOString());
      reply.setCookie(PENDING_COOKIE, cookie, { ...cookieOptions(deps, request), path: OIDC_PATH, maxAge: 600 });
      return reply.header('cache-control', 'no-store').redirect(started.url, 302);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      schema: {
        tags,
        summary: "The provider's return (the redirect URI to register there): checks state, nonce, PKCE and the ID token, then sets ic_session and redirects to the console",
        security: [],
        querystring: CallbackQuery,
        response: {
          303: Type.Null({ description: 'Signed in: to the console' }),
          400: answerAs('text/html', 'An HTML page: the sign-in was not started here, took too long or was already used'),
          401: answerAs('text/html', 'An HTML page: the provider refused, or its answer did not check out'),
          403: answerAs('text/html', 'An HTML page: this person may not sign in'),
          ...errorResponses(409, 429),
          502: answerAs('text/html', 'An HTML page: the provider could not be reached'),
        },
      },
    },
    async (request, reply) => {
      const oidc = providerOf(request);
      const throttle = request.server.signInThrottle;
      throttle.check(request, reply);
      const now = deps.clock.now().toISOString();
      const cookie = request.cookies[PENDING_COOKIE];
      const pending = cookie ? await takeProviderSignIn(deps.store, cookie, now) : null;
      if (!pending) {
        await throttle.refused(request, 'oidc');
        return refusedPage(deps, reply, oidc, 400, 'This sign-in was not started from this browser, has taken longer than 10 minutes, or was already used; start again.');
      }
      const query = request.url.slice(request.url.indexOf('?'));
      let verified: Awaited<ReturnType<OidcClient['finish']>>;
      try {
        verified = await oidc.finish(new URL(`${CALLBACK_PATH}${query}`, publicBase(deps, request)), pending);
      } catch (error) {
        if (!(error instanceof OidcFailure)) throw error;
        request.log.warn({ reason: error.reason, err: error }, 'OpenID sign-in refused');
        if (error.reason === 'unreachable') return refusedPage(deps, reply, oidc, 502, error.message);
        await throttle.refused(request, 'oidc');
        return refusedPage(deps, reply, oidc, 401, error.message);
      }
      request.session = {};
      reply.generateCsrf();
      const result = await signInWithProvider(deps.store, {
        ...verified,
        oidc: oidc.settings,
        csrfSecret: request.session._csrf!,
        now,
        settings: deps.config.sessions,
        origin: originOf(request),
      });
      if ('refused' in result) return refusedPage(deps, reply, oidc, 403, result.refused.message);
      const previous = request.cookies[SESSION_COOKIE];
      // Signing in again in the same browser replaces the session it had.
      if (previous) await closeSession(deps.store, previous);
      reply.clearCookie(PENDING_COOKIE, { path: OIDC_PATH });
      reply.setCookie(SESSION_COOKIE, result.opened.id, cookieOptions(deps, request));
      return reply.header('cache-control', 'no-store').redirect('/', 303);
    },
  );
}

/** The admin switch, behind the person hook. */
export async function signInSettingsRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['access'];

  app.get(
    '/auth/settings',
    { schema: { tags, summary: 'Sign-in settings (admins)', response: { 200: SignInSettings, '4xx': ErrorBody } } },
    async (request) => {
      authorize(actor(request), 'people.manage');
      return { tokenSignIn: await tokenSignInAllowed(deps.store) };
    },
  );

  app.put(
    '/auth/settings',
    {
      schema: {
        tags,
        summary: "Turn console sign-in with an API token on or off (admins; audited). Off ends the sessions tokens opened, except the caller's; needs auth.oidc",
        body: SignInSettings,
        response: { 200: SignInSettings, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        // The caller's own session (when the change comes through the console) stays open.
        const own = request.session ? (request.cookies[SESSION_COOKIE] ?? null) : null;
        return { status: 200, body: { tokenSignIn: await setTokenSignIn(ctx, request.body.tokenSignIn, own) } };
      }),
  );
}
