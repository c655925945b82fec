/**
 * What changed (issue 15, item 5). Intake takes PagerDuty's Change Events from a changes
 * source by its key (routing_key, X-Routing-Key, or the bearer token), or from a signed-in
 * person (the CLI, the console) by their token; the rest is read by people.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, incidentNumber, write, type HttpDeps } from '../context.js';
import { authenticateRequest } from './session.js';
import { ChangeAccepted, ChangeEventBody, ChangeListQuery, ChangeParams, ChangeSchema, HypothesisAnswer, IncidentChangesSchema } from '../change-schemas.js';
import { ErrorBody, IncidentParams } from '../schemas.js';
import { errorResponses } from '../openapi.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';
import { presentChange } from '../../presenters/changes.js';
import { presentEntry } from '../../presenters/api.js';
import { toTimelineEntry } from '../../presenters/timeline.js';
import { changesOfIncident, recordChange, suspectChange, type ChangeDedup, type ChangeSender } from '../../commands/changes.js';
import { authorize } from '../../domain/people/policy.js';
import { DomainError } from '../../domain/model/errors.js';
import { hashToken } from '../../commands/tokens.js';
import { incidentId } from '../../domain/model/ids.js';

const CHANGES = paging('changes', ['text', 'text']);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The sender: a changes source's key wherever PagerDuty's senders put it, else a person's API token. */
async function senderOf(deps: HttpDeps, request: FastifyRequest, reply: FastifyReply, routingKey: string | undefined): Promise<ChangeSender | null> {
  const header = request.headers['x-routing-key'];
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const key = routingKey ?? (typeof header === 'string' ? header : undefined);
  const field = routingKey !== undefined ? 'routing_key' : header !== undefined ? 'x-routing-key' : 'authorization';
  const candidate = key ?? bearer;
  if (candidate !== undefined) {
    const found = await deps.store.alertSources.byKeyHash(hashToken(candidate), deps.clock.now().toISOString());
    if (found?.source.type === 'changes') return { source: found.source };
    if (key !== undefined) throw new DomainError('UNAUTHENTICATED', `${field} is not the key of a changes source (POST /alert-sources with type "changes").`, { field });
  }
  // Not a source's key: a person's token or console session, checked (and throttled) as any other API call.
  if (await authenticateRequest(deps, request, reply)) return null;
  return { person: actor(request) };
}

function dedupOf(request: FastifyRequest, dedupKey: string | undefined): ChangeDedup | null {
  const header = request.headers['idempotency-key'];
  if (header !== undefined) {
    const key = String(header);
    if (!IDEMPOTENCY_KEY.test(key)) throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 printable characters.', { field: 'idempotency-key' });
    return { key, field: 'idempotency-key' };
  }
  return dedupKey === undefined ? null : { key: dedupKey, field: 'dedup_key' };
}

/** POST /changes: outside the person hook, since a deploy pipeline sends it with a source's key. */
export async function changeIntakeRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/changes',
    {
      schema: {
        tags: ['changes'],
        summary: "Record a change (PagerDuty Change Events: routing_key = a changes source's key; or a person's token)",
        body: ChangeEventBody,
        response: { 202: ChangeAccepted, ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const sender = await senderOf(deps, request, reply, body.routing_key);
      // Already answered (a console session's write without its CSRF token).
      if (!sender) return reply;
      const dedup = dedupOf(request, body.dedup_key);
      const { change } = await deps.store.transaction((tx) =>
        recordChange({ tx, now: deps.clock.now().toISOString() }, sender, {
          summary: body.payload.summary,
          timestamp: body.payload.timestamp,
          source: body.payload.source,
          customDetails: body.payload.custom_details,
          links: body.links,
          kind: body.kind,
          components: body.components,
        }, dedup),
      );
      return reply.code(202).send({ status: 'success', message: 'Change event processed', dedup_key: change.dedupKey, change: presentChange(change) });
    },
  );
}

export async function changeRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['changes'];

  app.get(
    '/changes',
    {
      schema: {
        tags,
        summary: 'Changes, newest first (from, to, component, kind)',
        querystring: Type.Object({ ...ChangeListQuery.properties, ...pageQuery(CHANGES) }),
        response: { 200: Type.Array(ChangeSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'incidents.read');
      const { from, to, component, kind } = request.query;
      if (from && to && Date.parse(from) > Date.parse(to)) throw new DomainError('VALIDATION_FAILED', 'from must not be after to.', { field: 'from', in: 'query' });
      const filter = { from: from && new Date(from).toISOString(), to: to && new Date(to).toISOString(), component, kind };
      return sendPage(request, reply, CHANGES, await deps.store.changes.page(filter, pageRequest(CHANGES, request.query))).map(presentChange);
    },
  );

  app.get(
    '/incidents/:id/changes',
    {
      schema: {
        tags,
        summary: "The changes of the hour before the impact began and of the incident since, those on its components first",
        params: IncidentParams,
        response: { 200: IncidentChangesSchema, '4xx': ErrorBody },
      },
    },
    async (request) => {
      const number = incidentNumber(request.params.id);
      const found = await changesOfIncident({ tx: deps.store, actor: actor(request), now: deps.clock.now().toISOString() }, number);
      return {
        incident: incidentId(number),
        ...found.window,
        changes: found.changes.map((c) => ({ ...presentChange(c.change), when: c.when, touchesIncident: c.touchesIncident, hypothesis: found.hypotheses.get(c.change.id) ?? null })),
      };
    },
  );

  app.post(
    '/incidents/:id/changes/:changeId/hypothesis',
    {
      schema: {
        tags,
        summary: 'Put a change on the timeline as a hypothesis; once per change (again: the entry already there, 200)',
        params: ChangeParams,
        response: { 201: HypothesisAnswer, 200: HypothesisAnswer, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await suspectChange(ctx, incidentNumber(request.params.id), request.params.changeId);
        return { status: result.created ? 201 : 200, body: presentEntry(toTimelineEntry(result.entry), result.warnings) };
      }),
  );
}
