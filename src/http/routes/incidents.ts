import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { answerAs } from '../openapi.js';
import { AsOfQuery, DeclareBody, EditIncidentBody, MergeBody, ReopenBody, ErrorBody, IncidentParams, IncidentSchema, ListQuery, ResolveBody, SeverityBody, Handle, Time } from '../schemas.js';
import { presentIncident } from '../../presenters/api.js';
import type { CommandResult } from '../../commands/incident-command.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import { readIncidentAsOf } from '../../commands/incident-as-of.js';
import { declareIncident } from '../../commands/declare-incident.js';
import { changeSeverity } from '../../commands/change-severity.js';
import { editIncident } from '../../commands/edit-incident.js';
import { reopenIncident } from '../../commands/reopen-incident.js';
import { mergeIncidents } from '../../commands/merge-incidents.js';
import { resolveIncident } from '../../commands/resolve-incident.js';
import { assignPostmortem, publishPostmortem } from '../../commands/assign-postmortem.js';
import { authorize } from '../../domain/people/policy.js';
import { renderAnnouncement } from '../../presenters/announcement.js';
import { renderPostmortemDraft } from '../../presenters/postmortem-draft.js';
import { inviteHandles, renderPostmortemIcs } from '../../presenters/postmortem-ics.js';
import { refuse } from '../../domain/model/errors.js';
import { incidentId } from '../../domain/model/ids.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { Person } from '../../domain/people/person.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const PostmortemBody = Type.Object({ owner: Handle, scheduledFor: Time }, { additionalProperties: false });
const PostmortemPublicationBody = Type.Object({ url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })), statusPage: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

/** 500 by default, as before paging. */
const INCIDENTS = paging('incidents', ['int', 'text', 'int'], { defaultLimit: 500 });
const PHASES: Record<'open' | 'resolved' | 'closed', IncidentState['phase']> = { open: 'active', resolved: 'resolved', closed: 'closed' };

export function incidentAnswer(deps: HttpDeps, ctx: { now: string }, result: CommandResult, status = 200) {
  return { status, body: presentIncident(result.state, deps.config, { now: ctx.now, warnings: result.warnings, withAnnouncement: true }) };
}

export async function incidentRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['incidents'];
  const responses = (ok: number) => ({ [ok]: IncidentSchema, '4xx': ErrorBody });
  const now = () => deps.clock.now().toISOString();

  app.post(
    '/incidents',
    { schema: { tags, summary: 'Declare an incident (R1)', body: DeclareBody, response: responses(201) } },
    (request, reply) => write(deps, request, reply, async (ctx) => incidentAnswer(deps, ctx, await declareIncident(ctx, request.body, { id: request.body.drill }), 201)),
  );

  app.get(
    '/incidents',
    {
      schema: {
        tags,
        summary: 'Incidents, open first, then the latest declared first',
        querystring: Type.Object({ ...ListQuery.properties, ...pageQuery(INCIDENTS) }),
        response: { 200: Type.Array(IncidentSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const at = now();
      const { state, severity, overdue } = request.query;
      const filter = {
        phases: state ? [PHASES[state]] : undefined,
        severity,
        overdue: overdue === undefined ? undefined : { at, is: overdue },
        visibleTo: { handle: person.handle, admin: person.role === 'admin' },
      };
      const states = sendPage(request, reply, INCIDENTS, await deps.store.incidents.page(filter, pageRequest(INCIDENTS, request.query)));
      const inactive = await deps.store.people.inactiveHandles();
      return states.map((s) => presentIncident(s, deps.config, { now: at, inactive }));
    },
  );

  app.get(
    '/incidents/:id',
    {
      schema: {
        tags,
        summary: 'One incident; with `at`, as it stood at that moment (the timeline at any moment)',
        params: IncidentParams,
        querystring: AsOfQuery,
        response: responses(200),
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      if (request.query.at !== undefined) {
        const ctx = { tx: deps.store, actor: person, now: now() };
        const { state, asOf } = await readIncidentAsOf(ctx, incidentNumber(request.params.id), request.query.at);
        // Who is deactivated now says nothing of then, and the past is no version to edit: no ETag.
        return { ...presentIncident(state, deps.config, { now: asOf, withAnnouncement: true }), asOf };
      }
      const state = await loadVisibleIncident({ tx: deps.store, actor: person }, incidentNumber(request.params.id));
      reply.header('etag', `"${state.version}"`);
      return presentIncident(state, deps.config, { now: now(), withAnnouncement: true, inactive: await deps.store.people.inactiveHandles() });
    },
  );

  app.post(
    '/incidents/:id/severity',
    { schema: { tags, summary: 'Change severity, with a reason (R2)', params: IncidentParams, body: SeverityBody, response: responses(200) } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await changeSeverity(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  app.patch(
    '/incidents/:id',
    {
      schema: {
        tags,
        summary:
          'Understanding evolves: correct the title, summary, links, affected components or when impact started, with a reason; each change is on the timeline. A resolved incident still takes all but components. If-Match: "<version>" refuses a concurrent edit.',
        params: IncidentParams,
        body: EditIncidentBody,
        response: responses(200),
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const { reason, ...changes } = request.body;
        return incidentAnswer(deps, ctx, await editIncident(ctx, incidentNumber(request.params.id), { changes, reason }, expectedVersion(request)));
      }),
  );

  app.post(
    '/incidents/:id/reopen',
    {
      schema: {
        tags,
        summary: 'Reopen an incident resolved too early, with a reason: back to its last open status, an update owed again, the postmortem kept',
        params: IncidentParams,
        body: ReopenBody,
        response: responses(200),
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await reopenIncident(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  app.post(
    '/incidents/:id/merge',
    {
      schema: {
        tags,
        summary:
          "Merge an open incident into another open one (its IC or an admin): its timeline entries and alerts are carried over, and it is closed with a pointer (mergedInto); its status page entry leads to the other. Answers the merged incident.",
        params: IncidentParams,
        body: MergeBody,
        response: responses(200),
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const into = incidentNumber(request.body.into, 'into');
        const result = await mergeIncidents(ctx, incidentNumber(request.params.id), { into, reason: request.body.reason }, expectedVersion(request));
        return incidentAnswer(deps, ctx, result.merged);
      }),
  );

  app.post(
    '/incidents/:id/resolve',
    { schema: { tags, summary: 'Resolve with a final update (R11)', params: IncidentParams, body: ResolveBody, response: responses(200) } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await resolveIncident(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  app.put(
    '/incidents/:id/postmortem',
    { schema: { tags: ['postmortem'], summary: 'Give the postmortem an owner and a date (R11)', params: IncidentParams, body: PostmortemBody, response: responses(200) } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await assignPostmortem(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  app.put(
    '/incidents/:id/postmortem/publication',
    {
      schema: {
        tags: ['postmortem'],
        summary: 'Publish the reviewed postmortem (frozen), or give where it is published (`url`); `statusPage` links it from the public status page',
        params: IncidentParams,
        body: PostmortemPublicationBody,
        response: responses(200),
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await publishPostmortem(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  const markdown = { 200: answerAs('text/markdown', 'The document, Markdown') };

  app.get(
    '/incidents/:id/announcement.md',
    { schema: { tags, summary: 'The channel announcement, Markdown', params: IncidentParams, response: markdown } },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const state = await loadVisibleIncident({ tx: deps.store, actor: person }, incidentNumber(request.params.id));
      return reply.type('text/markdown; charset=utf-8').send(renderAnnouncement(state, 'markdown'));
    },
  );

  app.get(
    '/incidents/:id/postmortem.md',
    { schema: { tags: ['postmortem'], summary: 'The blameless postmortem draft, built from the timeline (R12)', params: IncidentParams, response: markdown } },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      const state = await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      const events = await deps.store.incidents.events(number);
      return reply.type('text/markdown; charset=utf-8').send(renderPostmortemDraft(state, events, deps.config.policy));
    },
  );

  app.get(
    '/incidents/:id/postmortem.ics',
    {
      schema: {
        tags: ['postmortem'],
        summary: 'The postmortem review as an iCalendar invite for the owner, the roles and the SMEs (one UID per incident; SEQUENCE grows with each rescheduling)',
        params: IncidentParams,
        response: { 200: answerAs('text/calendar', 'The invite, iCalendar (METHOD:REQUEST)'), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      const state = await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      if (!state.postmortem)
        refuse('POSTMORTEM_NOT_SCHEDULED', `${incidentId(number)}'s postmortem has no owner and date yet; give it one with PUT /api/v1/incidents/${incidentId(number)}/postmortem.`, {
          field: 'scheduledFor',
        });
      const events = await deps.store.incidents.events(number);
      const people = new Map<string, Person>();
      for (const handle of inviteHandles(state)) {
        const found = await deps.store.people.get(handle);
        if (found) people.set(handle, found);
      }
      const ics = renderPostmortemIcs(state, events, people, { publicUrl: deps.publicUrl ?? `${request.protocol}://${request.host}` });
      return reply
        .type('text/calendar; charset=utf-8; method=REQUEST')
        .header('content-disposition', `attachment; filename="postmortem-${incidentId(number).toLowerCase()}.ics"`)
        .send(ics);
    },
  );
}
