import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { DraftParams, DraftSchema, ErrorBody, IncidentParams, RejectDraftBody, UpdateBody, UpdateSchema } from '../schemas.js';
import { presentDraft, presentUpdate } from '../../presenters/api.js';
import { updatesOf } from '../../domain/updates/history.js';
import { approveDraft, postUpdate, rejectDraft } from '../../commands/post-update.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import { authorize } from '../../domain/people/policy.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';
import { pageInMemory } from '../../store/keyset.js';

const UPDATES = paging('updates', ['int']);

export async function updateRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['updates'];

  app.post(
    '/incidents/:id/updates',
    {
      schema: {
        tags,
        summary: 'Post a status update: Status, Impact, What we know, Next step, Next update by (R7)',
        description: 'A public update from someone other than the Comms Lead follows `updates.publicBy`: posted with a NOT_THE_COMMS_LEAD warning (anyone), refused 409 COMMS_LEAD_OWNS_OUTBOUND (comms-lead), or held as a draft, 202 (comms-lead-approves).',
        params: IncidentParams,
        body: UpdateBody,
        response: { 201: UpdateSchema, 202: DraftSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await postUpdate(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request));
        const held = result.recorded.find((r) => r.event.type === 'UpdateHeld');
        const draft = held && result.state.drafts.find((d) => d.id === `d${held.seq}`);
        if (draft) return { status: 202, body: presentDraft(result.state, draft, result.warnings) };
        if (!result.state.lastUpdate) throw new Error('a posted update left no last update');
        return { status: 201, body: presentUpdate(result.state, result.state.lastUpdate, result.warnings) };
      }),
  );

  app.get(
    '/incidents/:id/drafts',
    { schema: { tags, summary: 'Public updates held for the Comms Lead, oldest first', params: IncidentParams, response: { 200: Type.Array(DraftSchema), '4xx': ErrorBody } } },
    async (request) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const state = await loadVisibleIncident({ tx: deps.store, actor: person }, incidentNumber(request.params.id));
      return state.drafts.map((d) => presentDraft(state, d));
    },
  );

  app.post(
    '/incidents/:id/drafts/:draftId/approve',
    { schema: { tags, summary: 'The Comms Lead approves a held update: it is posted', params: DraftParams, response: { 201: UpdateSchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await approveDraft(ctx, incidentNumber(request.params.id), request.params.draftId, expectedVersion(request));
        if (!result.state.lastUpdate) throw new Error('an approved draft left no last update');
        return { status: 201, body: presentUpdate(result.state, result.state.lastUpdate, result.warnings) };
      }),
  );

  app.post(
    '/incidents/:id/drafts/:draftId/reject',
    { schema: { tags, summary: 'The Comms Lead rejects a held update, saying why', params: DraftParams, body: RejectDraftBody, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        await rejectDraft(ctx, incidentNumber(request.params.id), request.params.draftId, request.body.reason, expectedVersion(request));
        return { status: 204, body: null };
      }),
  );

  app.get(
    '/incidents/:id/updates',
    {
      schema: {
        tags,
        summary: 'The status updates, oldest first',
        params: IncidentParams,
        querystring: Type.Object(pageQuery(UPDATES)),
        response: { 200: Type.Array(UpdateSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const number = incidentNumber(request.params.id);
      await loadVisibleIncident({ tx: deps.store, actor: person }, number);
      const { state, updates } = updatesOf(await deps.store.incidents.events(number));
      return sendPage(request, reply, UPDATES, pageInMemory(updates, pageRequest(UPDATES, request.query), (u) => [u.id])).map((u) => presentUpdate(state, u));
    },
  );
}
