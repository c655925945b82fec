/** E-mail notifications: follow an incident's updates; choose which events reach you on which channel; the e-mail delivery log (admin). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, incidentNumber, write, type HttpDeps } from '../context.js';
import { authorize } from '../../domain/people/policy.js';
import { ErrorBody, Handle, IncidentParams } from '../schemas.js';
import { getPreferences, setPreferences, subscribeToIncident } from '../../commands/notifications.js';
import { NOTIFICATION_EVENT_TYPES } from '../../domain/notifications/events.js';
import { CHANNELS, type EmailAttempt, type EmailDelivery } from '../../store/email.js';
import { incidentId } from '../../domain/model/ids.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const PreferencesSchema = Type.Object(
  {
    channels: Type.Array(Type.Enum([...CHANNELS]), { maxItems: 10, description: 'where to be told; [] for nowhere' }),
    events: Type.Array(Type.Enum([...NOTIFICATION_EVENT_TYPES]), { maxItems: 30, description: 'which events' }),
  },
  { additionalProperties: false },
);
const SubscribersSchema = Type.Object({ incident: Type.String(), subscribers: Type.Array(Type.String()) });
const DeliveryStatus = Type.Enum(['pending', 'delivered', 'failed']);
const EmailDeliverySchema = Type.Object({
  id: Type.String(),
  incident: Type.Union([Type.String(), Type.Null()], { description: 'INC-n the message is about; null for one about no incident' }),
  eventId: Type.Integer(),
  type: Type.String(),
  recipient: Type.String({ description: 'the handle (or the status page subscriber) it is for' }),
  address: Type.String(),
  subject: Type.String(),
  status: DeliveryStatus,
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      at: Type.String(),
      status: Type.Enum(['delivered', 'failed']),
      error: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Integer(),
    }),
  ),
});
const EMAILS = paging('email-deliveries', ['int']);
const EmailLogQuery = Type.Object(
  {
    incident: Type.Optional(IncidentParams.properties.id),
    status: Type.Optional({ ...DeliveryStatus, description: 'only deliveries in this state' }),
    ...pageQuery(EMAILS),
  },
  { additionalProperties: false },
);

const presentEmail = (e: EmailDelivery & { incident: number | null }, attempts: EmailAttempt[]) => ({
  id: String(e.id),
  incident: e.incident === null ? null : incidentId(e.incident),
  eventId: e.eventId,
  type: e.type,
  recipient: e.recipient,
  address: e.address,
  subject: e.subject,
  status: e.status,
  nextAttemptAt: e.nextAttemptAt,
  lastError: e.lastError,
  attempts: attempts.map((a) => ({ ...a, status: a.error === null ? ('delivered' as const) : ('failed' as const) })),
});

export async function notificationRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/incidents/:id/subscribers',
    {
      schema: {
        tags: ['notifications'],
        summary: "Follow an incident's status updates by e-mail (yourself; others take a responder)",
        params: IncidentParams,
        body: Type.Object({ handle: Handle }, { additionalProperties: false }),
        response: { 200: SubscribersSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const number = incidentNumber(request.params.id);
        return { status: 200, body: { incident: incidentId(number), subscribers: await subscribeToIncident(ctx, number, request.body.handle) } };
      }),
  );

  app.put(
    '/people/:handle/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Which events reach a person, on which channel (yourself, or anyone as admin)',
        params: Type.Object({ handle: Handle }),
        body: PreferencesSchema,
        response: { 200: PreferencesSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) => write(deps, request, reply, async (ctx) => ({ status: 200, body: await setPreferences(ctx, request.params.handle, request.body) })),
  );

  app.get(
    '/people/:handle/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "A person's notification preferences (default: every event, by e-mail)",
        params: Type.Object({ handle: Handle }),
        response: { 200: PreferencesSchema, '4xx': ErrorBody },
      },
    },
    async (request) => getPreferences({ tx: deps.store, actor: actor(request) }, request.params.handle),
  );

  app.get(
    '/notifications/email-deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The e-mail delivery log, newest first, each message with its attempts; by incident and status (admin)',
        querystring: EmailLogQuery,
        response: { 200: Type.Array(EmailDeliverySchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      // The delivery logs are the admins', as the webhooks' are: they hold people's addresses.
      authorize(actor(request), 'webhooks.manage');
      const { incident, status } = request.query;
      const page = await deps.store.email.log({ incident: incident === undefined ? undefined : incidentNumber(incident), status }, pageRequest(EMAILS, request.query));
      const emails = sendPage(request, reply, EMAILS, page);
      const attempts = await deps.store.email.attempts(emails.map((e) => e.id));
      return emails.map((e) => presentEmail(e, attempts.get(e.id) ?? []));
    },
  );
}
