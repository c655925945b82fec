import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { EntrySchema, ErrorBody, IncidentParams, TimelineBody, TimelineQuery } from '../schemas.js';
import { presentEntry } from '../../presenters/api.js';
import { addTimelineEntry } from '../../commands/add-timeline-entry.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import { authorize } from '../../domain/people/policy.js';
import { buildTimeline, toTimelineEntry, type EntryKind } from '../../presenters/timeline.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';
import { pageInMemory } from '../../store/keyset.js';

const TIMELINE = paging('timeline', ['text', 'int']);

export async function timelineRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['timeline'];

  app.post(
    '/incidents/:id/timeline',
    { schema: { tags, summary: 'Add a timeline entry; backdate with `at`, correct with `corrects` (R9)', params: IncidentParams, body: TimelineBody, response: { 201: EntrySchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await addTimelineEntry(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request));
        const entry = result.recorded.find((r) => r.event.type === 'TimelineEntryAdded');
        if (!entry) throw new Error('a timeline entry command recorded no entry');
        return { status: 201, body: presentEntry(toTimelineEntry(entry), result.warnings) };
      }),
  );

  app.get(
    '/incidents/:id/timeline',
    {
      schema: {
        tags,
        summary: 'The timeline, in the order things happened; `kind=ruled_out` answers "what have we ruled out?"',
        params: IncidentParams,
        querystring: Type.Object({ ...TimelineQuery.properties, ...pageQuery(TIMELINE) }),
        response: { 200: Type.Array(EntrySchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      const kinds = request.query.kind ? (request.query.kind.split(',') as EntryKind[]) : undefined;
      // Built from the incident's events (a backdated entry's time is inside its event), then paged by (at, id).
      const entries = pageInMemory(buildTimeline(await deps.store.incidents.events(number), kinds), pageRequest(TIMELINE, request.query), (e) => [e.at, e.id]);
      return sendPage(request, reply, TIMELINE, entries).map((e) => presentEntry(e));
    },
  );
}
