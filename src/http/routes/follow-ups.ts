/** Follow-up action items: open one from an incident, list them with filters, read, change (README "Follow-ups"). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { ErrorBody, Handle, IncidentParams } from '../schemas.js';
import { authorize } from '../../domain/people/policy.js';
import { changeFollowUp, createFollowUp, readFollowUp } from '../../commands/follow-ups.js';
import { FOLLOW_UP_PRIORITIES, FOLLOW_UP_STATES, MAX_TITLE, utcDay } from '../../domain/follow-ups/follow-up.js';
import { presentFollowUp } from '../../presenters/follow-ups.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a UTC day, YYYY-MM-DD' });
const Title = Type.String({ minLength: 1, maxLength: MAX_TITLE, description: 'what will change' });
const Priority = Type.Enum([...FOLLOW_UP_PRIORITIES], { description: 'P1: before anything like this can happen again; P2: this planning cycle; P3: when there is room' });
const State = Type.Enum([...FOLLOW_UP_STATES]);
const CreateBody = Type.Object(
  {
    title: Title,
    owner: Handle,
    due: Type.String({ ...Day, description: 'the UTC day it is due; overdue from the day after' }),
    priority: Type.Optional(Priority),
    sourceEntry: Type.Optional(Type.Union([Type.Integer({ minimum: 1, description: 'the timeline entry (its id) it came from' }), Type.Null()])),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    title: Type.Optional(Title),
    owner: Type.Optional(Handle),
    due: Type.Optional(Day),
    priority: Type.Optional(Priority),
    state: Type.Optional(Type.Enum([...FOLLOW_UP_STATES], { description: 'open (reopens), done, or wont_do (with reason)' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: "why it will not be done (with state: wont_do)" })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const FollowUpSchema = Type.Object({
  id: Type.String(),
  incident: Type.String({ description: 'the incident it came from, e.g. INC-7' }),
  title: Type.String(),
  owner: Type.String(),
  due: Type.String(),
  priority: Priority,
  state: State,
  overdue: Type.Boolean({ description: 'open and past its due day' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  sourceEntry: Type.Union([Type.Integer(), Type.Null()]),
  version: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  closedBy: Type.Union([Type.String(), Type.Null()]),
  link: Type.Union(
    [
      Type.Object({
        tracker: Type.Enum(['github', 'jira']),
        key: Type.String({ description: 'owner/repo#12 (GitHub) or OPS-12 (Jira)' }),
        url: Type.String(),
        exportedAt: Type.String(),
        exportedBy: Type.String(),
        remoteState: Type.Union([Type.Enum(['open', 'done', 'wont_do']), Type.Null()], { description: 'the issue as last seen' }),
        syncedAt: Type.Union([Type.String(), Type.Null()]),
        lastError: Type.Union([Type.String(), Type.Null()], { description: 'why the last look at the issue failed (asked again later)' }),
      }),
      Type.Null(),
    ],
    { description: 'the issue it was exported to (POST /follow-ups/{id}/export), or null' },
  ),
});
export const FollowUpParams = Type.Object({ id: Type.String({ pattern: '^fu_[0-9a-f]{16}$', description: 'the follow-up id (fu_…)' }) });
const FOLLOW_UPS = paging('follow-ups', ['text', 'text']);
const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum([...FOLLOW_UP_STATES], { description: 'only those in this state' })),
    owner: Type.Optional(Type.String({ ...Handle, description: 'only those this person owns' })),
    incident: Type.Optional(Type.String({ ...IncidentParams.properties.id, description: 'only those from this incident (INC-7 or 7)' })),
    overdue: Type.Optional(Type.Boolean({ description: 'true: only open ones past their due day; false: only those that are not' })),
    dueBefore: Type.Optional(Type.String({ ...Day, description: 'only those due before this day' })),
    ...pageQuery(FOLLOW_UPS),
  },
  { additionalProperties: false },
);

export async function followUpRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['follow-ups'];
  const answer = (ok: number) => ({ [ok]: FollowUpSchema, '4xx': ErrorBody });

  app.post(
    '/incidents/:id/follow-ups',
    {
      schema: {
        tags,
        summary: 'Open a follow-up action item from an incident (its postmortem, or a timeline entry given as sourceEntry); a note on its timeline says so',
        params: IncidentParams,
        body: CreateBody,
        response: answer(201),
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const item = await createFollowUp(ctx, incidentNumber(request.params.id), request.body);
        reply.header('etag', `"${item.version}"`);
        return { status: 201, body: presentFollowUp(item, ctx.now) };
      }),
  );

  app.get(
    '/follow-ups',
    { schema: { tags, summary: 'Follow-up action items, earliest due first', querystring: ListQuery, response: { 200: Type.Array(FollowUpSchema, pageHeaders), '4xx': ErrorBody } } },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const now = deps.clock.now().toISOString();
      const { state, owner, incident, overdue, dueBefore } = request.query;
      const filter = {
        state,
        owner,
        overdue,
        dueBefore,
        today: utcDay(now),
        visibleTo: { handle: person.handle, admin: person.role === 'admin' },
        ...(incident === undefined ? {} : { incident: incidentNumber(incident, 'incident') }),
      };
      const page = await deps.store.followUps.page(filter, pageRequest(FOLLOW_UPS, request.query));
      const links = await deps.store.followUpLinks.of(page.items.map((i) => i.id));
      return sendPage(request, reply, FOLLOW_UPS, page).map((item) => presentFollowUp(item, now, links.get(item.id)));
    },
  );

  app.get('/follow-ups/:id', { schema: { tags, summary: 'One follow-up action item', params: FollowUpParams, response: answer(200) } }, async (request, reply) => {
    const person = actor(request);
    authorize(person, 'incidents.read');
    const item = await readFollowUp(deps.store, person, request.params.id);
    reply.header('etag', `"${item.version}"`);
    return presentFollowUp(item, deps.clock.now().toISOString(), await deps.store.followUpLinks.get(item.id));
  });

  app.patch(
    '/follow-ups/:id',
    {
      schema: {
        tags,
        summary: "Change a follow-up: title, owner, due, priority, or state (done; wont_do with a reason; open to reopen). If-Match: \"<version>\" refuses a concurrent change",
        params: FollowUpParams,
        body: PatchBody,
        response: answer(200),
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const item = await changeFollowUp(ctx, request.params.id, request.body, expectedVersion(request));
        reply.header('etag', `"${item.version}"`);
        return { status: 200, body: presentFollowUp(item, ctx.now, await ctx.tx.followUpLinks.get(item.id)) };
      }),
  );
}
