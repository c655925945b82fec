/** Scheduled maintenance (responders and admins): schedule, list, read, change, cancel. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, expectedVersion, write, type HttpDeps } from '../context.js';
import { ErrorBody, Time } from '../schemas.js';
import { authorize } from '../../domain/people/policy.js';
import { cancelMaintenance, changeMaintenance, scheduleMaintenance } from '../../commands/maintenance.js';
import { MAINTENANCE_STATES, maintenanceState, REMINDER_LEADS, type MaintenanceWindow } from '../../domain/maintenance/window.js';
import { DomainError } from '../../domain/model/errors.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const ComponentIds = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,59}$' }), { maxItems: 100, description: 'the components under maintenance' });
const ReminderLead = Type.Enum([...REMINDER_LEADS]);
const RemindBefore = (more = '') =>
  Type.Array(ReminderLead, { uniqueItems: true, description: `how long before the start subscribers are reminded, one reminder each: any of 1h, 24h, 72h ([] for none)${more}` });
const Fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  message: Type.String({ minLength: 1, maxLength: 5000, description: 'what will happen and what users will notice (Markdown)' }),
  components: ComponentIds,
  startsAt: Time,
  endsAt: Time,
};
const ScheduleBody = Type.Object({ ...Fields, remindBefore: Type.Optional(RemindBefore('; default ["1h"]')) }, { additionalProperties: false });
const ChangeBody = Type.Object(
  {
    title: Type.Optional(Fields.title),
    message: Type.Optional(Fields.message),
    components: Type.Optional(Fields.components),
    startsAt: Type.Optional(Fields.startsAt),
    endsAt: Type.Optional(Type.String({ ...Fields.endsAt, description: 'UTC ISO-8601; now or earlier ends a window in progress now' })),
    remindBefore: Type.Optional(RemindBefore()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const MaintenanceSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  message: Type.String(),
  components: Type.Array(Type.String()),
  startsAt: Type.String(),
  endsAt: Type.String(),
  remindBefore: Type.Array(ReminderLead, { description: 'the reminders chosen, nearest first' }),
  state: Type.Enum([...MAINTENANCE_STATES]),
  cancelledAt: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Params = Type.Object({ id: Type.String({ pattern: '^mnt_[0-9a-f]{16}$', description: 'the maintenance window id (mnt_…)' }) });
const WINDOWS = paging('maintenances', ['text', 'text']);
const ListQuery = Type.Object({ state: Type.Optional(Type.Enum([...MAINTENANCE_STATES], { description: 'only windows in this state' })), ...pageQuery(WINDOWS) }, { additionalProperties: false });

export const presentMaintenance = (w: MaintenanceWindow, now: string) => ({
  id: w.id,
  title: w.title,
  message: w.message,
  components: w.components,
  startsAt: w.startsAt,
  endsAt: w.endsAt,
  remindBefore: w.remindBefore,
  state: maintenanceState(w, now),
  cancelledAt: w.cancelledAt,
  version: w.version,
  createdBy: w.createdBy,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export async function maintenanceRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['maintenance'];
  const answer = (ok: number) => ({ [ok]: MaintenanceSchema, '4xx': ErrorBody });

  app.post(
    '/maintenances',
    { schema: { tags, summary: 'Schedule a maintenance window (shown on the status page ahead of time; its components are under maintenance during it)', body: ScheduleBody, response: answer(201) } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const window = await scheduleMaintenance(ctx, request.body);
        reply.header('etag', `"${window.version}"`);
        return { status: 201, body: presentMaintenance(window, ctx.now) };
      }),
  );

  app.get(
    '/maintenances',
    { schema: { tags, summary: 'Maintenance windows, earliest start first', querystring: ListQuery, response: { 200: Type.Array(MaintenanceSchema, pageHeaders), '4xx': ErrorBody } } },
    async (request, reply) => {
      authorize(actor(request), 'incidents.read');
      const now = deps.clock.now().toISOString();
      const page = await deps.store.maintenance.page({ state: request.query.state, now }, pageRequest(WINDOWS, request.query));
      return sendPage(request, reply, WINDOWS, page).map((w) => presentMaintenance(w, now));
    },
  );

  app.get('/maintenances/:id', { schema: { tags, summary: 'One maintenance window', params: Params, response: answer(200) } }, async (request, reply) => {
    authorize(actor(request), 'incidents.read');
    const window = await deps.store.maintenance.get(request.params.id);
    if (!window) throw new DomainError('MAINTENANCE_NOT_FOUND', `There is no maintenance ${request.params.id}.`);
    reply.header('etag', `"${window.version}"`);
    return presentMaintenance(window, deps.clock.now().toISOString());
  });

  app.patch(
    '/maintenances/:id',
    { schema: { tags, summary: 'Change a window that is not over (If-Match: "<version>" to refuse if someone else changed it)', params: Params, body: ChangeBody, response: answer(200) } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const window = await changeMaintenance(ctx, request.params.id, request.body, expectedVersion(request));
        reply.header('etag', `"${window.version}"`);
        return { status: 200, body: presentMaintenance(window, ctx.now) };
      }),
  );

  app.post(
    '/maintenances/:id/cancel',
    { schema: { tags, summary: 'Call off a window that has not ended (it leaves the status page)', params: Params, response: answer(200) } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const window = await cancelMaintenance(ctx, request.params.id, expectedVersion(request));
        reply.header('etag', `"${window.version}"`);
        return { status: 200, body: presentMaintenance(window, ctx.now) };
      }),
  );
}
