/** Status page components (R10): listed for everyone signed in, managed by admins; set per incident by its responders. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import {
  ComponentBody,
  ComponentParams,
  ComponentPatchBody,
  ComponentSchema,
  ComponentStatusBody,
  ErrorBody,
  IncidentComponentParams,
  IncidentParams,
  IncidentSchema,
} from '../schemas.js';
import { incidentAnswer } from './incidents.js';
import { createComponent, listComponents, publishIncident, setIncidentComponentStatus, unpublishIncident, updateComponent } from '../../commands/components.js';
import { authorize } from '../../domain/people/policy.js';
import { loadStatusPage } from '../../processors/status-page-publisher.js';
import type { StatusComponent } from '../../domain/status-page/components.js';
import type { Repository } from '../../store/repository.js';

export async function componentRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['status-page'];
  const now = () => deps.clock.now().toISOString();

  /** Components as the status page shows them right now, with their status. */
  const withStatus = async (repository: Repository, components: StatusComponent[]) => {
    const model = await loadStatusPage(repository, deps.config, now(), deps.publicUrl ?? '');
    const statuses = new Map(model.components.map((c) => [c.id, c.status]));
    return components.map((c) => ({ ...c, status: statuses.get(c.id) ?? 'operational' }));
  };

  app.get(
    '/components',
    { schema: { tags, summary: 'Status page components, in page order, with their current status', response: { 200: Type.Array(ComponentSchema) } } },
    async (request) => {
      authorize(actor(request), 'incidents.read');
      return withStatus(deps.store, await listComponents({ tx: deps.store, config: deps.config }));
    },
  );

  app.post(
    '/components',
    { schema: { tags, summary: 'Add a status page component (admin)', body: ComponentBody, response: { 201: ComponentSchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => ({ status: 201, body: (await withStatus(ctx.tx, [await createComponent(ctx, request.body)]))[0] })),
  );

  app.patch(
    '/components/:componentId',
    {
      schema: {
        tags,
        summary: 'Change a component: name, group, description, order (admin; If-Match: "<version>" to refuse a concurrent edit)',
        params: ComponentParams,
        body: ComponentPatchBody,
        response: { 200: ComponentSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const updated = await updateComponent(ctx, request.params.componentId, request.body, expectedVersion(request));
        return { status: 200, body: (await withStatus(ctx.tx, [updated]))[0] };
      }),
  );

  app.put(
    '/incidents/:id/components/:componentId',
    {
      schema: {
        tags,
        summary: 'Say how an affected component is doing during this incident (R10); a component not yet affected becomes affected',
        params: IncidentComponentParams,
        body: ComponentStatusBody,
        response: { 200: IncidentSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(
          deps,
          ctx,
          await setIncidentComponentStatus(ctx, incidentNumber(request.params.id), request.params.componentId, request.body.status, expectedVersion(request)),
        ),
      ),
  );

  const publication = [
    ['publish', 'Put the incident on the public status page although its severity is not public (R10); never a private one', publishIncident],
    ['unpublish', 'Take a published incident off the public status page (R10); refused (409) for one whose severity is public by policy', unpublishIncident],
  ] as const;
  for (const [path, summary, command] of publication)
    app.post(
      `/incidents/:id/${path}`,
      { schema: { tags, summary, params: IncidentParams, response: { 200: IncidentSchema, '4xx': ErrorBody } } },
      (request, reply) => write(deps, request, reply, async (ctx) => incidentAnswer(deps, ctx, await command(ctx, incidentNumber(request.params.id), expectedVersion(request)))),
    );
}
