import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { ChecklistsSchema, ErrorBody, HandoffParams, IncidentParams, IncidentSchema, RoleBody, RoleParams, SmeBody, SmeParams } from '../schemas.js';
import { incidentAnswer } from './incidents.js';
import { assignRole } from '../../commands/assign-role.js';
import { releaseRole } from '../../commands/release-role.js';
import { acceptHandoff, declineHandoff } from '../../commands/answer-handoff.js';
import { addSme, releaseSme } from '../../commands/smes.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import { authorize } from '../../domain/people/policy.js';
import { roleChecklists } from '../../domain/roles/checklists.js';
import { presentChecklists } from '../../presenters/api.js';

export async function roleRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['roles'];
  const responses = { 200: IncidentSchema, 202: IncidentSchema, '4xx': ErrorBody };

  app.get(
    '/incidents/:id/checklists',
    {
      schema: {
        tags,
        summary: "Each role's checklist from the playbook, ticked from the record (`done` null: only a person can tick it); the caller's own roles first",
        params: IncidentParams,
        response: { 200: ChecklistsSchema, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      const state = await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      const events = await deps.store.incidents.events(number);
      const now = deps.clock.now().toISOString();
      return presentChecklists(state, roleChecklists({ state, events, policy: deps.config.policy, now }, person.handle), now);
    },
  );

  app.post(
    '/incidents/:id/roles',
    {
      schema: {
        tags,
        summary: 'Name a Comms Lead or Scribe; offer Incident Commander (202: pending until accepted, R3)',
        params: IncidentParams,
        body: RoleBody,
        response: responses,
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await assignRole(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request));
        return incidentAnswer(deps, ctx, result, request.body.role === 'incident_commander' ? 202 : 200);
      }),
  );

  app.delete(
    '/incidents/:id/roles/:role',
    { schema: { tags, summary: 'Release a Comms Lead or Scribe', params: RoleParams, response: responses } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await releaseRole(ctx, incidentNumber(request.params.id), request.params.role, expectedVersion(request))),
      ),
  );

  app.post(
    '/incidents/:id/handoffs/:handoffId/accept',
    { schema: { tags, summary: 'Accept the IC offer made to you', params: HandoffParams, response: responses } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await acceptHandoff(ctx, incidentNumber(request.params.id), request.params.handoffId, expectedVersion(request))),
      ),
  );

  app.post(
    '/incidents/:id/handoffs/:handoffId/decline',
    { schema: { tags, summary: 'Decline the IC offer made to you; IC stays where it was', params: HandoffParams, response: responses } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await declineHandoff(ctx, incidentNumber(request.params.id), request.params.handoffId, expectedVersion(request))),
      ),
  );

  app.post(
    '/incidents/:id/smes',
    { schema: { tags, summary: 'Pull in a subject-matter expert (R5)', params: IncidentParams, body: SmeBody, response: responses } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await addSme(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  app.delete(
    '/incidents/:id/smes/:handle',
    { schema: { tags, summary: 'Release a subject-matter expert', params: SmeParams, response: responses } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await releaseSme(ctx, incidentNumber(request.params.id), request.params.handle, expectedVersion(request))),
      ),
  );
}
