/** Outbound webhooks (admin): subscribe, list, switch off and on, rotate the secret, delete, read the delivery log, redeliver. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, write, type HttpDeps } from '../context.js';
import { ErrorBody } from '../schemas.js';
import { authorize } from '../../domain/people/policy.js';
import { createWebhook, deleteWebhook, redeliver, rotateWebhookSecret, setWebhookEnabled } from '../../commands/webhooks.js';
import { NOTIFICATION_EVENT_TYPES } from '../../domain/notifications/events.js';
import { webhookMessageId } from '../../processors/notifications/processor.js';
import type { Delivery, DeliveryAttempt, Webhook } from '../../store/webhooks.js';
import { DomainError } from '../../domain/model/errors.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const EventType = Type.Enum([...NOTIFICATION_EVENT_TYPES]);
const WebhookBody = Type.Object(
  {
    url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000, description: 'where deliveries are POSTed; http(s) only' }),
    events: Type.Array(EventType, { minItems: 1, maxItems: NOTIFICATION_EVENT_TYPES.length * 2 }),
    includePrivate: Type.Optional(Type.Boolean({ description: 'also private incidents (default false); only while the creator may see them' })),
  },
  { additionalProperties: false },
);
export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  includePrivate: Type.Boolean(),
  enabled: Type.Boolean({ description: 'false while switched off: nothing is queued or sent' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
export const NewWebhookSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.Union([Type.String({ description: 'whsec_…, shown once; null on an Idempotency-Key replay' }), Type.Null()]),
});
export const RotatedWebhookSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.Union([Type.String({ description: 'the new whsec_… secret, shown once; null on an Idempotency-Key replay' }), Type.Null()]),
  previousSecretValidUntil: Type.String({ description: 'until when the replaced secret still signs beside the new one (24 h after the rotation)' }),
});
const AttemptSchema = Type.Object({
  attempt: Type.Integer(),
  at: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
});
export const DeliverySchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  messageId: Type.String({ description: 'the webhook-id header of every attempt' }),
  type: Type.String(),
  eventId: Type.Integer(),
  status: Type.Enum(['pending', 'delivered', 'failed']),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  attempts: Type.Array(AttemptSchema),
});
const WEBHOOKS = paging('webhooks', ['text', 'text']);
const DELIVERIES = paging('webhook-deliveries', ['int']);
const WebhookParams = Type.Object({ id: Type.String({ pattern: '^wh_[0-9a-f]{16}$', description: 'the webhook id (wh_…)' }) });
const DeliveryParams = Type.Object({ id: WebhookParams.properties.id, deliveryId: Type.String({ pattern: '^[1-9][0-9]{0,14}$', description: 'the delivery id' }) });

export const presentWebhook = (w: Webhook) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  includePrivate: w.includePrivate,
  enabled: w.enabled,
  createdBy: w.createdBy,
  createdAt: w.createdAt,
});
export const presentDelivery = (d: Delivery, attempts: DeliveryAttempt[]) => ({
  id: String(d.id),
  webhookId: d.webhookId,
  messageId: webhookMessageId(d),
  type: d.type,
  eventId: d.eventId,
  status: d.status,
  nextAttemptAt: d.nextAttemptAt,
  createdAt: d.createdAt,
  attempts,
});

export async function webhookRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['webhooks'];

  app.post(
    '/webhooks',
    { schema: { tags, summary: 'Subscribe a URL to event types (admin); answers the signing secret once', body: WebhookBody, response: { 201: NewWebhookSchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const webhook = await createWebhook(ctx, request.body);
        return { status: 201, body: { ...presentWebhook(webhook), secret: webhook.secret }, replayBody: { ...presentWebhook(webhook), secret: null } };
      }),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'The webhook subscriptions, oldest first (admin)',
        querystring: Type.Object(pageQuery(WEBHOOKS)),
        response: { 200: Type.Array(WebhookSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'webhooks.manage');
      return sendPage(request, reply, WEBHOOKS, await deps.store.webhooks.page(pageRequest(WEBHOOKS, request.query))).map(presentWebhook);
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Switch a webhook off or on again (admin); pending deliveries wait while it is off',
        params: WebhookParams,
        body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: WebhookSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => ({ status: 200, body: presentWebhook(await setWebhookEnabled(ctx, request.params.id, request.body.enabled)) })),
  );

  app.delete(
    '/webhooks/:id',
    { schema: { tags, summary: 'Delete a webhook with its pending deliveries and its log (admin)', params: WebhookParams, response: { 204: Type.Null(), '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        await deleteWebhook(ctx, request.params.id);
        return { status: 204, body: null };
      }),
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'A new signing secret (admin), shown once; for 24 h deliveries carry a signature by the old secret and one by the new',
        params: WebhookParams,
        response: { 200: RotatedWebhookSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const { webhook, previousValidUntil } = await rotateWebhookSecret(ctx, request.params.id);
        const answer = { ...presentWebhook(webhook), previousSecretValidUntil: previousValidUntil };
        return { status: 200, body: { ...answer, secret: webhook.secret }, replayBody: { ...answer, secret: null } };
      }),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Deliveries, newest first, each with its attempts (admin)',
        params: WebhookParams,
        querystring: Type.Object(pageQuery(DELIVERIES)),
        response: { 200: Type.Array(DeliverySchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'webhooks.manage');
      if (!(await deps.store.webhooks.get(request.params.id))) throw new DomainError('WEBHOOK_NOT_FOUND', `There is no webhook ${request.params.id}.`);
      const deliveries = sendPage(request, reply, DELIVERIES, await deps.store.webhooks.deliveryPage(request.params.id, pageRequest(DELIVERIES, request.query)));
      const attempts = await deps.store.webhooks.attempts(deliveries.map((d) => d.id));
      return deliveries.map((d) => presentDelivery(d, attempts.get(d.id) ?? []));
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    { schema: { tags, summary: 'Attempt a delivery once more, now (admin)', params: DeliveryParams, response: { 202: DeliverySchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const delivery = await redeliver(ctx, request.params.id, Number(request.params.deliveryId));
        const attempts = await ctx.tx.webhooks.attempts([delivery.id]);
        return { status: 202, body: presentDelivery(delivery, attempts.get(delivery.id) ?? []) };
      }),
  );
}
