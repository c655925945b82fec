/** API tokens: issue (shown once), list without secrets, revoke. Yourself, or anyone as an admin. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, write, type HttpDeps } from '../context.js';
import { ErrorBody, PersonParams, TokenBody, TokenInfoSchema, TokenSchema } from '../schemas.js';
import { presentToken } from '../../presenters/api.js';
import { createToken, listTokens, revokeToken } from '../../commands/api-tokens.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const TOKENS = paging('tokens', ['text', 'text']);

export async function tokenRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['access'];

  app.get(
    '/people/:handle/tokens',
    {
      schema: {
        tags,
        summary: "A person's API tokens: id, name, created, last used, expiry; never the secret; oldest first",
        params: PersonParams,
        querystring: Type.Object(pageQuery(TOKENS)),
        response: { 200: Type.Array(TokenInfoSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const now = deps.clock.now().toISOString();
      const page = await listTokens({ tx: deps.store, actor: actor(request) }, request.params.handle, pageRequest(TOKENS, request.query));
      return sendPage(request, reply, TOKENS, page).map((t) => presentToken(t, now));
    },
  );

  app.post(
    '/people/:handle/tokens',
    {
      schema: {
        tags,
        summary: 'Issue an API token, expiring after expiresIn (default auth.tokenLifetime); shown once (a replay with the same Idempotency-Key answers token: null)',
        params: PersonParams,
        body: TokenBody,
        response: { 201: TokenSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const issued = await createToken(ctx, request.params.handle, request.body);
        return { status: 201, body: issued, replayBody: { ...issued, token: null } };
      }),
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a token (its owner or an admin): refused on the next request, its sessions and open streams end',
        params: Type.Object({ id: Type.String({ pattern: '^tok_[A-Za-z0-9_]{1,40}$', description: 'the token id (tok_…), never the secret' }) }),
        response: { 204: Type.Null(), '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        await revokeToken(ctx, request.params.id);
        return { status: 204, body: null };
      }),
  );
}
