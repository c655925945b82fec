import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, write, type HttpDeps } from '../context.js';
import { ErrorBody, MeSchema, PersonBody, PersonParams, PersonPatchBody, PersonSchema, SeveritySchema } from '../schemas.js';
import { presentPerson, presentSeverity } from '../../presenters/api.js';
import { createPerson } from '../../commands/people.js';
import { deactivatePerson, editPerson, reactivatePerson } from '../../commands/person-lifecycle.js';
import { authorize, permissionsOf } from '../../domain/people/policy.js';
import { DomainError } from '../../domain/model/errors.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const PEOPLE = paging('people', ['text']);
const PeopleQuery = Type.Object(
  { active: Type.Optional(Type.Boolean({ description: 'only active (true) or only deactivated (false) people' })), ...pageQuery(PEOPLE) },
  { additionalProperties: false },
);

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

  app.get(
    '/people',
    { schema: { tags, summary: 'Everyone who can be named in an incident, and those deactivated (active: false), by handle', querystring: PeopleQuery, response: { 200: Type.Array(PersonSchema, pageHeaders) } } },
    async (request, reply) => {
      authorize(actor(request), 'people.read');
      const page = await deps.store.people.page(request.query.active, pageRequest(PEOPLE, request.query));
      return sendPage(request, reply, PEOPLE, page).map(presentPerson);
    },
  );

  app.get(
    '/people/:handle',
    { schema: { tags, summary: 'One person', params: PersonParams, response: { 200: PersonSchema, '4xx': ErrorBody } } },
    async (request, reply) => {
      authorize(actor(request), 'people.read');
      const person = await deps.store.people.get(request.params.handle);
      if (!person) throw new DomainError('PERSON_NOT_FOUND', `There is nobody with the handle @${request.params.handle}.`, { field: 'handle' });
      reply.header('etag', `"${person.version}"`);
      return presentPerson(person);
    },
  );

  app.patch(
    '/people/:handle',
    {
      schema: {
        tags,
        summary: 'Change a person: name, e-mail, role, chat ids (admin; If-Match: "<version>" to refuse a concurrent edit). The last active admin keeps the role.',
        params: PersonParams,
        body: PersonPatchBody,
        response: { 200: PersonSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const { chat, ...rest } = request.body;
        const change = await editPerson(ctx, request.params.handle, { ...rest, ...(chat ? { chat: chat as Record<string, string> } : {}) }, expectedVersion(request));
        return { status: 200, body: presentPerson(change.after) };
      }),
  );

  app.post(
    '/people/:handle/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate a person who left (admin): every token and session is revoked at once and open event streams end; history keeps their name',
        params: PersonParams,
        response: { 200: PersonSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => ({ status: 200, body: presentPerson((await deactivatePerson(ctx, request.params.handle, expectedVersion(request))).after) })),
  );

  app.post(
    '/people/:handle/reactivate',
    {
      schema: { tags, summary: 'Reactivate a person (admin); they need a new token to sign in', params: PersonParams, response: { 200: PersonSchema, '4xx': ErrorBody } },
    },
    (request, reply) => write(deps, request, reply, async (ctx) => ({ status: 200, body: presentPerson((await reactivatePerson(ctx, request.params.handle)).after) })),
  );

  app.get('/severities', { schema: { tags: ['policy'], summary: 'The severity policy in force', response: { 200: Type.Array(SeveritySchema) } } }, async (request) => {
    authorize(actor(request), 'severities.read');
    return deps.config.policy.levels.map(presentSeverity);
  });
}
