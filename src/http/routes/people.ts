import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, write, type HttpDeps } from '../context.js';
import { ErrorBody, Handle, MeSchema, PersonBody, PersonSchema, SeveritySchema, TokenBody, TokenSchema } from '../schemas.js';
import { presentPerson, presentSeverity } from '../../presenters/api.js';
import { createPerson, createToken } from '../../commands/people.js';
import { authorize, permissionsOf } from '../../domain/people/policy.js';

export async function peopleRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['people'];

  app.get('/me', { schema: { tags, summary: 'Who the token belongs to, and what they may do', response: { 200: MeSchema } } }, async (request) => {
    const person = actor(request);
    return { person: presentPerson(person), permissions: permissionsOf(person) };
  });

  app.post(
    '/people',
    { schema: { tags, summary: 'Add a person (admin)', body: PersonBody, response: { 201: PersonSchema, '4xx': ErrorBody } } },
    (request, reply) => write(deps, request, reply, async (ctx) => ({ status: 201, body: presentPerson(await createPerson(ctx, request.body)) })),
  );

  app.get('/people', { schema: { tags, summary: 'Everyone who can be named in an incident', response: { 200: Type.Array(PersonSchema) } } }, async (request) => {
    authorize(actor(request), 'people.read');
    return (await deps.store.people.list()).map(presentPerson);
  });

  app.post(
    '/people/:handle/tokens',
    {
      schema: {
        tags,
        summary: 'Issue an API token; it is shown once (a replay with the same Idempotency-Key answers token: null)',
        params: Type.Object({ handle: Handle }),
        body: TokenBody,
        response: { 201: TokenSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const issued = await createToken(ctx, request.params.handle, request.body.name);
        return { status: 201, body: issued, replayBody: { ...issued, token: null } };
      }),
  );

  app.get('/severities', { schema: { tags: ['policy'], summary: 'The severity policy in force', response: { 200: Type.Array(SeveritySchema) } } }, async (request) => {
    authorize(actor(request), 'severities.read');
    return deps.config.policy.levels.map(presentSeverity);
  });
}
