/** E-mail notifications: follow an incident's updates; choose which events reach you on which channel. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, incidentNumber, write, type HttpDeps } from '../context.js';
import { ErrorBody, Handle, IncidentParams } from '../schemas.js';
import { getPreferences, setPreferences, subscribeToIncident } from '../../commands/notifications.js';
import { NOTIFICATION_EVENT_TYPES } from '../../notifications/events.js';
import { CHANNELS } from '../../store/email.js';
import { incidentId } from '../presenters.js';

const PreferencesSchema = Type.Object(
  {
    channels: Type.Array(Type.Enum([...CHANNELS]), { maxItems: 10, description: 'where to be told; [] for nowhere' }),
    events: Type.Array(Type.Enum([...NOTIFICATION_EVENT_TYPES]), { maxItems: 30, description: 'which events' }),
  },
  { additionalProperties: false },
);
const SubscribersSchema = Type.Object({ incident: Type.String(), subscribers: Type.Array(Type.String()) });

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
}
