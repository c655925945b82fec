/**
 * Issue 16 — the postmortem through to published, over HTTP: schedule the review, the
 * document and its revisions, review, and the list of postmortems. Publishing stays on
 * PUT /incidents/{id}/postmortem/publication (routes/incidents.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { ErrorBody, Handle, IncidentParams, IncidentSchema, Nullable, Time } from '../schemas.js';
import { incidentAnswer } from './incidents.js';
import { readPostmortemDocument, requestPostmortemReview, savePostmortemDocument, schedulePostmortem } from '../../commands/postmortem.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import { authorize } from '../../domain/people/policy.js';
import { DomainError } from '../../domain/model/errors.js';
import { POSTMORTEM_STAGES, MAX_REVIEW_MINUTES } from '../../domain/postmortem/flow.js';
import { presentIncident } from '../../presenters/api.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

/** A postmortem is a document, not a book. */
const MAX_DOCUMENT_CHARS = 200_000;
const POSTMORTEMS = paging('postmortems', ['int', 'text', 'int'], { defaultLimit: 100 });

const ScheduleBody = Type.Object(
  {
    owner: Handle,
    scheduledFor: Time,
    durationMinutes: Type.Optional(Type.Integer({ minimum: 15, maximum: MAX_REVIEW_MINUTES, description: 'the review meeting, minutes (default 60)' })),
  },
  { additionalProperties: false },
);
const DocumentBody = Type.Object(
  {
    markdown: Type.String({ maxLength: MAX_DOCUMENT_CHARS }),
    baseRevision: Type.Optional(Type.Integer({ minimum: 0, description: 'the revision the edit started from (or If-Match: "<revision>")' })),
  },
  { additionalProperties: false },
);
export const DocumentSchema = Type.Object({
  incident: Type.String(),
  stage: Type.Enum([...POSTMORTEM_STAGES]),
  revision: Type.Integer({ description: '0: nothing saved yet, the text is the draft generated from the timeline' }),
  markdown: Type.String(),
  author: Nullable(Type.String()),
  savedAt: Nullable(Type.String()),
  frozen: Type.Boolean({ description: 'published: further edits are refused (409 POSTMORTEM_PUBLISHED)' }),
});
export const RevisionSchema = Type.Object({ revision: Type.Integer(), author: Type.String(), savedAt: Type.String() });

/** The revision an edit started from: the body's `baseRevision` or If-Match; one of them is required, so no save overwrites blindly. */
function baseRevision(body: { baseRevision?: number }, ifMatch: number | undefined): number {
  if (body.baseRevision !== undefined && ifMatch !== undefined && body.baseRevision !== ifMatch)
    throw new DomainError('VALIDATION_FAILED', `If-Match says revision ${ifMatch} but baseRevision says ${body.baseRevision}; send one.`, { field: 'baseRevision' });
  const base = body.baseRevision ?? ifMatch;
  if (base === undefined)
    throw new DomainError('VALIDATION_FAILED', 'Say which revision the edit started from: If-Match: "<revision>" (0 for the generated draft) or baseRevision.', {
      field: 'if-match',
    });
  return base;
}

export async function postmortemRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['postmortem'];
  const incidentResponses = { 200: IncidentSchema, '4xx': ErrorBody };

  app.post(
    '/incidents/:id/postmortem/schedule',
    {
      schema: {
        tags,
        summary: 'Schedule the postmortem review: owner, start (UTC) and length; the invite (.ics) is e-mailed to the owner, the roles and the SMEs',
        params: IncidentParams,
        body: ScheduleBody,
        response: incidentResponses,
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) =>
        incidentAnswer(deps, ctx, await schedulePostmortem(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request))),
      ),
  );

  app.post(
    '/incidents/:id/postmortem/review',
    { schema: { tags, summary: 'Put the written postmortem up for review (drafting → in_review); by its owner or the IC', params: IncidentParams, response: incidentResponses } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => incidentAnswer(deps, ctx, await requestPostmortemReview(ctx, incidentNumber(request.params.id), expectedVersion(request)))),
  );

  app.get(
    '/incidents/:id/postmortem/document',
    {
      schema: {
        tags,
        summary: "The postmortem document: its latest revision (ETag: the revision), or today's draft from the timeline before the first save; `revision` reads an older one",
        params: IncidentParams,
        querystring: Type.Object({ revision: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: DocumentSchema, '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const document = await readPostmortemDocument(deps.store, person, incidentNumber(request.params.id), deps.config.policy, request.query.revision);
      reply.header('etag', `"${document.revision}"`);
      return document;
    },
  );

  app.put(
    '/incidents/:id/postmortem/document',
    {
      schema: {
        tags,
        summary:
          'Save the document as a new revision (the first moves the postmortem to drafting). If-Match: "<revision>" (or baseRevision) is required; an edit of an older revision answers 409 REVISION_CONFLICT with currentRevision',
        params: IncidentParams,
        body: DocumentBody,
        response: { 200: DocumentSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const number = incidentNumber(request.params.id);
        const base = baseRevision(request.body, expectedVersion(request));
        const result = await savePostmortemDocument(ctx, number, { markdown: request.body.markdown, baseRevision: base });
        reply.header('etag', `"${result.state.postmortemFlow.revision}"`);
        return { status: 200, body: await readPostmortemDocument(ctx.tx, ctx.actor, number, ctx.config.policy) };
      }),
  );

  app.get(
    '/incidents/:id/postmortem/revisions',
    {
      schema: { tags, summary: 'Every saved revision of the postmortem document, newest first: who saved it, when', params: IncidentParams, response: { 200: Type.Array(RevisionSchema), '4xx': ErrorBody } },
    },
    async (request) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      return deps.store.postmortems.history(number);
    },
  );

  app.get(
    '/postmortems',
    {
      schema: {
        tags,
        summary: 'Resolved incidents by their postmortem: owed, scheduled, drafting, in review or published (`state`); latest declared first',
        querystring: Type.Object({
          state: Type.Optional(Type.Enum([...POSTMORTEM_STAGES], { description: 'only postmortems at this stage' })),
          severity: Type.Optional(Type.String({ maxLength: 20 })),
          ...pageQuery(POSTMORTEMS),
        }),
        response: { 200: Type.Array(IncidentSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const { state, severity } = request.query;
      const filter = { postmortemStages: state ? [state] : [...POSTMORTEM_STAGES], severity, visibleTo: { handle: person.handle, admin: person.role === 'admin' } };
      const states = sendPage(request, reply, POSTMORTEMS, await deps.store.incidents.page(filter, pageRequest(POSTMORTEMS, request.query)));
      const now = deps.clock.now().toISOString();
      return states.map((s) => presentIncident(s, deps.config, { now }));
    },
  );
}
