import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { ErrorBody, IncidentParams, UpdateBody, UpdateSchema } from '../schemas.js';
import { presentUpdate } from '../../presenters/api.js';
import { updatesOf } from '../../domain/updates/history.js';
import { postUpdate } from '../../commands/post-update.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import { authorize } from '../../domain/people/policy.js';

export async function updateRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['updates'];

  app.post(
    '/incidents/:id/updates',
    { schema: { tags, summary: 'Post a status update: Status, Impact, What we know, Next step, Next update by (R7)', params: IncidentParams, body: UpdateBody, response: { 201: UpdateSchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await postUpdate(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request));
        if (!result.state.lastUpdate) throw new Error('a posted update left no last update');
        return { status: 201, body: presentUpdate(result.state, result.state.lastUpdate, result.warnings) };
      }),
  );

  app.get(
    '/incidents/:id/updates',
    { schema: { tags, summary: 'Every status update, oldest first', params: IncidentParams, response: { 200: Type.Array(UpdateSchema), '4xx': ErrorBody } } },
    async (request) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      const { state, updates } = updatesOf(await deps.store.incidents.events(number));
      return updates.map((u) => presentUpdate(state, u));
    },
  );
}
